"""The classify CLI: JSONL in, JSONL out, bad lines skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nlp.model import IntentCategoryModel
from nlp.tools import train

ROOT = Path(__file__).resolve().parents[2]


def test_classify_cli_skips_bad_lines():
    """Blank and malformed lines are skipped with a note on stderr; good ones are answered."""
    lines = [
        json.dumps(
            {"id": "a", "text": "9号楼消防通道被车堵死了", "group": "檀府"}, ensure_ascii=False
        ),
        "",
        "{not json",
        json.dumps({"id": "b", "text": "早上好", "group": "檀府"}, ensure_ascii=False),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "nlp", "classify"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        encoding="utf-8",
    )
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) == {"id", "intent", "category", "urgent", "community", "place"}
    assert rows[0]["category"] == "fire_lane_blocked" and rows[0]["urgent"] is True
    assert rows[1] == {
        "id": "b",
        "intent": "chatter",
        "category": None,
        "urgent": False,
        "community": None,
        "place": None,
    }
    assert "skipped" in proc.stderr


def test_evaluate_cli_prints_figures(tmp_path):
    """`evaluate FILE` prints per-label scores, the headline and the misclassified lines."""
    rows = [
        {
            "id": "1",
            "text": "9号楼消防通道被车堵死了",
            "group": "檀府",
            "intent": "complaint",
            "category": "fire_lane_blocked",
            "urgent": True,
            "community": None,
            "place": "9号楼",
        },
        {
            "id": "2",
            "text": "早上好",
            "group": "檀府",
            "intent": "chatter",
            "category": None,
            "urgent": False,
            "community": None,
            "place": None,
        },
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "nlp", "evaluate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        encoding="utf-8",
    )
    for part in (
        "intent",
        "category",
        "confusion",
        "community exact",
        "urgent recall",
        "headline",
        "misclassified",
    ):
        assert part in proc.stdout


def test_train_writes_a_model(tmp_path):
    """`train` fits on a data folder and writes a loadable model."""
    data = tmp_path / "train"
    data.mkdir()
    lines = [
        "complaint\tgarbage\t0\t垃圾桶满了没人收",
        "complaint\tclutter\t0\t楼道堆满杂物",
        "chatter\t-\t0\t早上好",
        "status_query\t-\t0\t我的工单处理到哪了",
    ]
    (data / "tiny.tsv").write_text("\n".join(lines) + "\n", "utf-8")
    out, again = tmp_path / "model.json", tmp_path / "again.json"
    for path in (out, again):
        subprocess.run(
            [sys.executable, "-m", "nlp", "train", "--data", str(data), "--out", str(path)],
            capture_output=True,
            cwd=ROOT,
            check=True,
        )
    model = IntentCategoryModel.load(out)
    assert model.intent_model.classes == ("complaint", "status_query", "chatter")
    assert train.saved_inputs_hash(out) == train.inputs_hash(data)
    # Training is deterministic: the committed model's hash test relies on it.
    assert again.read_bytes() == out.read_bytes()


def test_training_averages_the_runs_of_its_seeds():
    """Each seed's run gives other weights; the saved ones are their mean (absent counts 0)."""
    xs = [{"a": 1.0}, {"b": 1.0}, {"a": 1.0, "c": 1.0}, {"b": 1.0, "c": 1.0}] * 3
    ys = ["x", "y", "x", "y"] * 3
    seeds = (13, 7, 29)
    runs = [train._sgd(xs, ys, ("x", "y"), None, seed) for seed in seeds]
    assert runs[0] != runs[1]
    model = train.train_softmax(xs, ys, ("x", "y"), seeds=seeds)
    for f in "abc":
        mean = [sum(r[f][k] for r in runs) / len(runs) for k in range(2)]
        assert model.weights[f] == tuple(round(x, 4) for x in mean)
    assert train._average([{"a": [1.0, 2.0]}, {"a": [3.0, 4.0], "b": [2.0, 2.0]}], 2) == {
        "a": [2.0, 3.0],
        "b": [1.0, 1.0],
    }
