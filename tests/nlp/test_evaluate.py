"""Issue 7's figures: place found, category accuracy among complaints, per source and length."""

from __future__ import annotations

import pytest

from nlp.tools.evaluate import breakdown, issue_figures, place_found


@pytest.mark.parametrize(
    "predicted, label, found",
    [
        ("长城路", "长城路上", True),  # convention: 3 of 4 chars covered
        ("长城路与春阳路交叉口", "春阳路", True),  # a longer place covers the label
        ("8号楼", "阳光小区8号楼2单元", False),  # 3 of 10 chars
        ("长城路", "春阳路", False),  # only 路 in common
        (None, "长城路", False),
        ("长城路", None, False),
    ],
)
def test_place_found_is_coverage_of_the_label(predicted, label, found):
    """A predicted place is found when it covers at least half of the labelled one."""
    assert place_found(predicted, label) is found


def _row(text, intent, category=None, place=None, urgent=False, source=None):
    return {
        "text": text,
        "intent": intent,
        "category": category,
        "place": place,
        "urgent": urgent,
        "source": source,
    }


def test_issue_figures_and_breakdown():
    """Precision, recall, category accuracy and place found, overall and by source and length."""
    rows = [
        _row("短", "complaint", "garbage", "北门", True, "a"),
        _row("长" * 50, "complaint", "clutter", None, False, "a"),
        _row("长" * 130, "chatter", source="b"),
    ]
    preds = [
        {"intent": "complaint", "category": "garbage", "place": "北门外", "urgent": True},
        {"intent": "complaint", "category": "garbage", "place": None, "urgent": False},
        {"intent": "complaint", "category": "other", "place": None, "urgent": False},
    ]
    fig = issue_figures(rows, preds)
    assert (fig["complaint_precision"], fig["complaint_recall"]) == (2 / 3, 1.0)
    assert (fig["category_accuracy"], fig["place_found"], fig["urgent_recall"]) == (0.5, 1.0, 1.0)
    table = breakdown(rows, preds)
    assert set(table) == {
        "all",
        "source a",
        "source b",
        "length <=40",
        "length 41-120",
        "length >120",
    }
    assert table["source b"]["complaint_recall"] is None  # no complaint to recall
    assert table["length 41-120"]["category_accuracy"] == 0.0
