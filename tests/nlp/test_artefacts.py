"""The committed generated training data and model match the inputs they were built from."""

from __future__ import annotations

import json

from nlp.model import MODEL_PATH
from nlp.tools import augment, train


def test_generated_training_data_matches_its_slots():
    """generated.tsv is exactly what `python -m nlp augment` makes of slots.yaml today."""
    assert augment.OUT.read_text("utf-8") == augment.render(), (
        "nlp/data/train/generated.tsv is stale: "
        "run `python -m nlp augment`, then `python -m nlp train`"
    )


def test_model_was_trained_on_the_committed_training_data():
    """model.json records the hash of the training files it was fitted on; they have not changed."""
    assert train.saved_inputs_hash(MODEL_PATH) == train.inputs_hash(), (
        "nlp/data/model.json is stale: run `python -m nlp train`"
    )


def test_training_hash_moves_with_any_training_file(tmp_path):
    """One changed character in one training file changes the inputs hash."""
    data = tmp_path / "train"
    data.mkdir()
    row = data / "a.tsv"
    row.write_text("chatter\t-\t0\t早上好\n", "utf-8")
    before = train.inputs_hash(data)
    row.write_text("chatter\t-\t0\t晚上好\n", "utf-8")
    assert train.inputs_hash(data) != before


def test_slots_hash_moves_with_the_slots_file(tmp_path):
    """Editing the slots file changes the hash written into generated.tsv's header."""
    slots = tmp_path / "slots.yaml"
    slots.write_text(augment.SLOTS.read_text("utf-8"), "utf-8")
    before = augment.inputs_hash(slots)
    slots.write_text(augment.SLOTS.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert augment.inputs_hash(slots) != before


def test_training_hash_ignores_dev2_labels_but_not_training_labels(tmp_path):
    """Labelling the second development set leaves the model fresh; a training label does not."""
    labels = tmp_path / "labels.jsonl"
    train_row = {"id": "a", "split": "train", "intent": "chatter"}
    labels.write_text(json.dumps(train_row) + "\n", "utf-8")
    before = train.inputs_hash(labels=labels)
    labels.write_text(labels.read_text("utf-8") + json.dumps({"id": "b", "split": "dev2"}) + "\n")
    assert train.inputs_hash(labels=labels) == before
    labels.write_text(json.dumps(train_row | {"intent": "complaint"}) + "\n", "utf-8")
    assert train.inputs_hash(labels=labels) != before
