"""Normalisation keeps a map back to the original text."""

from __future__ import annotations

import pytest

from nlp.normalize import Normalizer, cn_to_int

norm = Normalizer({"违见": "违建", "消防通到": "消防通道"})


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("三号楼门口", "3号楼门口"),
        ("3#楼门口", "3号楼门口"),
        ("3栋门口", "3号楼门口"),
        ("十二幢二单元", "12号楼2单元"),
        ("三號樓門口", "3号楼门口"),
        ("ＡＢＣ１２３！！！", "abc123!"),
        ("@城管小助手 消防通到被堵了", "消防通道被堵了"),
        ("楼道成仓库了[捂脸]😅", "楼道成仓库了"),
        ("又是违见。。。", "又是违建。"),
    ],
)
def test_normalised_text(raw, expected):
    """Width, script, numerals, building notation, tags, emoji, mentions and typos are folded."""
    assert norm(raw).text == expected


def test_span_maps_back_to_original():
    """A span of the normalised text maps to the exact original substring."""
    n = norm("@城管小助手 三號樓2单元门口堆满杂物")
    i = n.text.index("3号楼")
    assert n.original_span(i, i + len("3号楼2单元门口")) == "三號樓2单元门口"


@pytest.mark.parametrize(
    "token, value", [("三", 3), ("十", 10), ("十二", 12), ("二十三", 23), ("12", 12)]
)
def test_cn_numerals(token, value):
    """Small Chinese numerals become integers."""
    assert cn_to_int(token) == value
