"""Hard cases of the classifier, as a table: each row fails when its logic regresses."""

from __future__ import annotations

import pytest

from nlp import Classification, Classifier

# (text, intent, category, urgent)
HARD_CASES = [
    # Already solved / thanks / negation.
    ("上次的违建已经拆了，谢谢", "chatter", None, False),
    ("3号楼那堆杂物物业今天清走了，干净多了", "chatter", None, False),
    ("北边工地今晚终于没有夜间施工了", "chatter", None, False),
    # Questions about rules.
    ("小区能不能养大型犬？", "chatter", None, False),
    ("一楼院子里搭个棚子需要审批吗", "chatter", None, False),
    ("电动车能停楼道里吗？", "chatter", None, False),
    # Sales posts, notices, lost and found.
    ("闲置烧烤架一个，30元自提", "chatter", None, False),
    ("温馨提示：请勿在消防通道停车，谢谢配合", "chatter", None, False),
    ("寻狗启事：一只泰迪在5号楼附近走丢", "chatter", None, False),
    # Not urban management.
    ("电梯又坏了，物业到底修不修", "chatter", None, False),
    ("物业费又涨了，大家收到通知没", "chatter", None, False),
    # Status queries.
    ("工单CY20261201-0042处理到哪一步了？", "status_query", None, False),
    ("我上周反映的地锁有人管了吗", "status_query", None, False),
    # Typos, dialect, short rants.
    ("5号楼后面有人盖违见，都盖了两层了", "complaint", "illegal_construction", False),
    ("消防通到又叫车给堵上了", "complaint", "fire_lane_blocked", True),
    ("楼下那帮人又在那撸串，烟呛得嘎嘎的", "complaint", "outdoor_bbq", False),
    ("小广告贴的满墙都是，撕都撕不完", "complaint", "illegal_ads", False),
    ("共享单车横七竖八堵在南门口", "complaint", "nonmotor_parking", False),
    ("有人把绿化带刨了种葱", "complaint", "green_damage", False),
    ("门口天天有卖菜的三轮车占着路", "complaint", "street_vending", False),
    ("垃圾桶满了好几天没人收，臭死了", "complaint", "garbage", False),
    ("楼道里堆满了纸箱子和破家具", "complaint", "clutter", False),
    ("7号楼前面私装了两个地锁", "complaint", "ground_lock", False),
    ("市场门口有人当街杀鸡，一地鸡毛", "complaint", "live_poultry", False),
    ("工地半夜还在打桩，吵得睡不着", "complaint", "construction_nuisance", False),
    ("南门外的井盖没了，晚上很危险", "complaint", "other", False),
    ("小区里好几条流浪狗成群乱窜", "complaint", "stray_dog", False),
    ("遛狗不牵绳，狗屎也不捡", "complaint", "dog_nuisance", False),
    # A fire lane wins over everything in a multi-issue rant.
    ("楼道堆杂物、电动车乱停，消防通道也被堵了，物业啥也不管", "complaint", "fire_lane_blocked", True),
    # Urgent in any category when someone is in danger now.
    ("快来人！一条大狗把小孩咬了，在流血", "complaint", "dog_nuisance", True),
    ("流浪狗正在追着一个老人，赶紧来人", "complaint", "stray_dog", True),
    ("有人在楼下烧垃圾，火苗窜起来了", "complaint", "garbage", True),
]


@pytest.mark.parametrize("text, intent, category, urgent", HARD_CASES)
def test_hard_cases(clf: Classifier, text, intent, category, urgent):
    """Intent, category and urgency of the hard cases."""
    c = clf.classify(text)
    assert (c.intent, c.category, c.urgent) == (intent, category, urgent), c.evidence


def test_result_shape(clf: Classifier):
    """A classification is frozen, carries evidence and a 0..1 confidence."""
    c = clf.classify("9号楼门口消防通道被车堵了")
    assert isinstance(c, Classification)
    assert 0.0 <= c.confidence <= 1.0 and c.confidence > 0.5
    assert "消防通道" in c.evidence
    assert c.as_dict() == {"intent": "complaint", "category": "fire_lane_blocked", "urgent": True,
                           "community": None, "place": "9号楼门口"}
    with pytest.raises(AttributeError):
        c.intent = "chatter"  # type: ignore[misc]


def test_chatter_has_no_category_or_urgency(clf: Classifier):
    """Category and urgent stay empty unless the message is a complaint."""
    c = clf.classify("今天看到城管帮老人搬东西，挺暖心的")
    assert (c.intent, c.category, c.urgent) == ("chatter", None, False)


def test_empty_text(clf: Classifier):
    """Empty input is chatter, not an error."""
    assert clf.classify("").intent == "chatter"


def test_small_lexicon_from_dict(small_lexicon):
    """A lexicon built from a small dict classifies with its own keywords and communities."""
    clf = Classifier(small_lexicon)
    c = clf.classify("中海A区消防通道被占了")
    assert (c.intent, c.category, c.community) == ("complaint", "fire_lane_blocked", "中海国际社区")
