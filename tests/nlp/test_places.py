"""Place and community extraction, place comparison and similarity."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text, place",
    [
        ("3号楼2单元门口堆满了纸箱", "3号楼2单元门口"),
        ("三号楼2单元门口堆满了纸箱", "三号楼2单元门口"),
        ("小区东门外的修车摊占道营业", "东门外"),
        ("地下车库入口被电动车堵了", "地下车库入口"),
        ("北门外那段路的路灯坏了", "北门外那段路"),
        ("8号楼北侧公共停车区域发现私装地锁", "8号楼北侧公共停车区域"),
        ("小广告贴得到处都是", None),
        # Phase and gate, road stretches, gates with a way in or out, garages, tails.
        ("3期北门消防通道被车占了", "3期北门"),
        ("东门进来那条路全是共享单车", "东门进来那条路"),
        ("文阳路那段马路被挖开了没人管", "文阳路那段马路"),
        ("地库入口旁边有人装了地锁", "地库入口旁边"),
        ("5号楼门前放了两个石墩子", "5号楼门前"),
        ("西门那个垃圾点天天满", "西门那个垃圾点"),
        ("地铁站出口堆满了共享单车", "地铁站出口"),
        ("我家门口被塞满了小广告", "我家门口"),
        # 那块 before a thing is a determiner, not part of the place.
        ("东门外那块广告牌太刺眼了", "东门外"),
        # The whole community is no place inside it.
        ("小区里面有好几条野狗乱窜", None),
    ],
)
def test_place_is_exact_substring(clf, text, place):
    """The place is the exact original substring naming where."""
    got = clf.classify(text).place
    assert got == place
    if got:
        assert got in text


@pytest.mark.parametrize(
    "text, community",
    [
        ("中海国际社区A区广场遛狗不牵绳", "中海国际社区"),
        ("金域华府北门外垃圾满了", "万科金域华府"),
        ("今天去悠山郡看朋友", "龙湖悠山郡"),
        ("8号楼门口垃圾满了", None),
    ],
)
def test_community_named_in_text(clf, text, community):
    """Names and aliases map to the canonical community; the group is not used."""
    assert clf.classify(text, group="檀府").community == community


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("3号楼", "3#楼", True),
        ("三号楼", "3号楼", True),
        ("3栋", "三号楼", True),
        ("东门外", "东门外面", True),
        ("3号楼", "4号楼", False),
        (None, "3号楼", False),
    ],
)
def test_same_place(clf, a, b, same):
    """Building notations and filler words do not make two places differ."""
    assert clf.same_place(a, b) is same


def test_similarity_orders_reports(clf):
    """Two reports of the same incident are closer than two unrelated messages."""
    a = "8号楼后面消防通道被白色越野车堵了"
    b = "8号楼后面的消防通道又被那辆白车堵上了"
    c = "小区门口新开的水果店挺新鲜"
    assert clf.similarity(a, b) > clf.similarity(a, c)
    assert clf.similarity(a, a) == 1.0


def test_lexicon_ignores_unknown_keys(small_lexicon):
    """Sections the NLP package does not use are ignored."""
    from nlp import Lexicon

    from .conftest import SMALL_CONFIG

    lex = Lexicon.from_mapping({**SMALL_CONFIG, "service": {"port": 8000}, "stations": []})
    assert set(lex.categories) == set(small_lexicon.categories)


@pytest.mark.parametrize(
    "text, place",
    [
        ("物业说下周统一清理楼道杂物，大家收一收", None),  # a notice: 楼道 names a thing
        ("上周反映的绿地种菜那个事有人管了吗", None),  # a status query about 绿地种菜
        ("楼道里的杂物物业今天清走了", "楼道里"),  # but 楼道里 says where
    ],
)
def test_bare_weak_head_is_no_place_outside_complaints(clf, text, place):
    """In chatter and status queries a bare weak head (楼道, 绿地) is a thing, not a place."""
    assert clf.classify(text).place == place
