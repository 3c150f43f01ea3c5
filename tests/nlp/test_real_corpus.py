"""The real corpus in the repo: labels only, well-formed, split by the fixed rule; tooling."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nlp.tools import real_corpus as rc
from spec.taxonomy import CATEGORY_CODES, INTENTS


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    return rc.read_jsonl(rc.LABELS)


def test_labels_are_well_formed_and_hold_no_text(labels):
    """Every row has the label fields only (no text), a valid label and a 64-hex sha256."""
    assert len(labels) > 5000
    for row in labels:
        assert set(row) == set(rc.LABEL_FIELDS), row["id"]
        assert row["intent"] in INTENTS
        assert (row["category"] in CATEGORY_CODES) == (row["intent"] == "complaint"), row["id"]
        assert row["urgent"] in (True, False) and (not row["urgent"] or row["category"])
        assert len(row["sha256"]) == 64 and int(row["sha256"], 16) >= 0
    assert len({r["id"] for r in labels}) == len(labels)


def test_split_follows_the_rule_fixed_before_labelling(labels):
    """Development rows: every Chongqing row and Taicang rows whose hash starts with 0-7."""
    for row in labels:
        assert row["split"] == ("dev" if rc.is_dev(row["source"], row["sha256"]) else "train")
    per = Counter((r["source"], r["split"]) for r in labels)
    assert per[("cq12345", "train")] == 0 and per[("tc_hanshan", "dev")] > 300
    assert per[("hk12345", "dev")] == per[("fz12345", "dev")] == 0


def test_text_and_hash_as_labelled():
    """The classifier's text is title + newline + body; the hash is over the same string."""
    assert rc.text_of("标题", "正文") == "标题\n正文" and rc.text_of("", "正文") == "正文"
    assert rc.sha256_of("", "x") != rc.sha256_of("x", "")
    title, body = rc.clean(rc.Row("hk12345", "1", " 标题 ", "正文\u3000内容（请职能局按规定办理）"))
    assert (title, body) == ("标题", "正文 内容")


def test_load_without_texts_says_how_to_rebuild(tmp_path):
    """Training or scoring real rows without the rebuilt texts fails with the fix in the message."""
    with pytest.raises(FileNotFoundError, match="rebuild"):
        rc.load("train", texts=tmp_path / "missing.jsonl")


def test_load_rejects_a_stale_text(tmp_path):
    """A text whose hash differs from its label's is not used."""
    labels = tmp_path / "labels.jsonl"
    texts = tmp_path / "texts.jsonl"
    row = {k: None for k in rc.LABEL_FIELDS} | {"id": "a", "split": "train", "sha256": "0" * 64}
    labels.write_text(json.dumps(row) + "\n", "utf-8")
    stale = {"id": "a", "title": "", "body": "x", "sha256": "1" * 64}
    texts.write_text(json.dumps(stale) + "\n", "utf-8")
    with pytest.raises(ValueError, match="stale"):
        rc.load("train", labels=labels, texts=texts)
