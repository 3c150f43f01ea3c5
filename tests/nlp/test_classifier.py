"""Hard cases of the classifier, as a table: each row fails when its logic regresses."""

from __future__ import annotations

import pytest

from nlp import Classification, Classifier
from nlp.model import bigrams, features

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
    # Reports about the past or elsewhere, and corrections.
    ("去年那会儿消防通道天天堵，现在管得挺好", "chatter", None, False),
    ("听说隔壁小区有条狗咬了人，咱们这还好", "chatter", None, False),
    ("那个棚子是物业搭的临时仓库，不是违建", "chatter", None, False),
    # Services ads, a clean-up already done, and asking how an earlier report ended.
    ("专业疏通下水道 开锁换锁 电话见图", "chatter", None, False),
    ("城管来清理占道的摊子了", "chatter", None, False),
    # Danger right now in any category: a bite, a crowd under something falling, children cornered.
    ("9号楼下面一条大狗正在咬一个送快递的，快来人", "complaint", "dog_nuisance", True),
    ("8号楼外墙的广告牌要掉下来了，下面全是人", "complaint", "illegal_ads", True),
    ("一群野狗围着几个小学生不让走，孩子们吓得大哭", "complaint", "stray_dog", True),
    # Status queries.
    ("工单CY20261201-0042处理到哪一步了？", "status_query", None, False),
    ("我上周反映的地锁有人管了吗", "status_query", None, False),
    ("上回说的那个违建，城管说下周拆，拆了没", "status_query", None, False),
    ("CY20261130-0211 怎么显示办结了，现场还是老样子", "status_query", None, False),
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
    (
        "楼道堆杂物、电动车乱停，消防通道也被堵了，物业啥也不管",
        "complaint",
        "fire_lane_blocked",
        True,
    ),
    # Traditional script, emoji and voice-to-text run-ons.
    ("樓道裡堆滿了紙箱和舊家具，走路都要側身", "complaint", "clutter", False),
    ("🤮垃圾桶爆满 臭死了 北门", "complaint", "garbage", False),
    (
        "那个我跟大家说一下啊就是咱们楼后面那个消防通道又让人给停满了车了",
        "complaint",
        "fire_lane_blocked",
        True,
    ),
    # Urgent in any category when someone is in danger now; a fear is not a danger.
    ("快来人！一条大狗把小孩咬了，在流血", "complaint", "dog_nuisance", True),
    ("流浪狗正在追着一个老人，赶紧来人", "complaint", "stray_dog", True),
    ("有人在楼下烧垃圾，火苗窜起来了", "complaint", "garbage", True),
    ("井盖没了，刚才有个孩子差点掉进去，快来人", "complaint", "other", True),
    ("6号楼楼顶有人烧烤，炭火一直冒烟，万一着火了怎么办", "complaint", "outdoor_bbq", False),
    # A fear after the danger word, a simile, or a question is no danger now either.
    ("单元门口停满电动车，还有人楼道里充电，着火了怎么办", "complaint", "nonmotor_parking", False),
    ("广场上有人支炉子烤串，烟大得跟着火了似的", "complaint", "outdoor_bbq", False),
    ("刚才消防车来小区了，哪里着火了吗？", "chatter", None, False),
    # 消防道 names a fire lane; solved-then-back (拆了又盖) is a complaint, not a solved report.
    ("消防道上堆满了旧家具，车根本过不去", "complaint", "fire_lane_blocked", True),
    ("一楼那户去年被城管拆了又盖，这回又往外接了一间", "complaint", "illegal_construction", False),
    # Neighbour noise and resignation are not urban management.
    ("楼上天天半夜拖椅子，说了也不听", "chatter", None, False),
    ("对门装修白天吵点也没办法，忍忍吧", "chatter", None, False),
    # Colloquial status queries without a ticket number.
    ("上回说的那个地锁的事咋样了", "status_query", None, False),
    ("前两天报的小广告，城管去撕了吗", "status_query", None, False),
    # Problem words in an improvement report or in praise of a shop are chatter.
    ("5号楼旁边消防通道的标线刷新了，老远就能看见", "chatter", None, False),
    ("那家杀鸡馆子做得挺地道，周末常去", "chatter", None, False),
    # Neighbour noise with harm words (每天, 睡不着) is still not urban management.
    ("楼上邻居家每天半夜跺脚，吵得睡不着", "chatter", None, False),
    # A notice served on the offender, then a request for enforcement, is a complaint.
    (
        "【网格员】6号楼3单元楼道堆放旧家具纸箱，已张贴清理通知，住户未整改，申请城管协助。",
        "complaint",
        "clutter",
        False,
    ),
    (
        "【物业】地面车位私装地锁三处，已下发拆除通知，业主拒不整改，请求城管协助拆除。",
        "complaint",
        "ground_lock",
        False,
    ),
    # Asking whether an earlier report (named by date or by who passed it on) was acted on.
    ("【网格员】请问本月12日上报的私搭乱建是否已立案？", "status_query", None, False),
    ("卖菜的那个，物业说已经上报了，城管知道了吗", "status_query", None, False),
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
    assert c.as_dict() == {
        "intent": "complaint",
        "category": "fire_lane_blocked",
        "urgent": True,
        "community": None,
        "place": "9号楼门口",
    }
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


def test_ticket_number_is_a_status_query(clf: Classifier):
    """A ticket number makes a status query and is named in the evidence."""
    c = clf.classify("CY20261203-0015 到底什么情况")
    assert c.intent == "status_query" and c.category is None
    assert any("0015" in e for e in c.evidence)


def test_evidence_is_readable(clf: Classifier):
    """Evidence holds words of the message, not feature names or function words."""
    c = clf.classify("垃圾桶满了好几天没人收，臭死了")
    assert "垃圾桶" in c.evidence
    assert not any(e.startswith(("#", "w:", "c:")) or e in {"了", "的"} for e in c.evidence)


def test_unsure_message_asks(clf: Classifier):
    """A message the model cannot call either way sets ask, and a clear one does not."""
    assert clf.classify("9号楼门口消防通道被车堵了").ask is False
    probabilities = [clf.classify(t).confidence for t in ("北门那边", "楼下有点乱", "狗")]
    for t, p in zip(("北门那边", "楼下有点乱", "狗"), probabilities, strict=True):
        assert clf.classify(t).ask == (0.3 <= p <= 0.7)


def test_rules_alone_without_a_model(small_lexicon):
    """Without a trained model the keyword rules still find complaints and chatter."""
    clf = Classifier(small_lexicon, model=None)
    assert clf.classify("楼道里全是杂物，麻烦管管").intent == "complaint"
    assert clf.classify("早上好").intent == "chatter"


FEARS = ["万一狗咬人怎么办，建议小区禁止遛大型犬", "担心狗追小孩，大家遛狗牵好绳"]


@pytest.mark.parametrize("text", FEARS)
def test_a_fear_matched_by_a_pattern_is_not_urgent(clf: Classifier, text):
    """Danger patterns honour fears too: nobody is in danger right now."""
    assert clf.classify(text, "龙湖悠山郡").urgent is False


def test_board_posts_have_their_own_bigram_copies(clf: Classifier):
    """A titled post's character bigrams come with board copies; a group message's do not, so
    long posts' prose cannot move the weights group messages are read with."""
    post = bigrams(clf.analyse("占道经营\n长青路市场门口天天有人摆摊")[2])
    group = bigrams(clf.analyse("长青路市场门口天天有人摆摊")[2])
    assert any(g.startswith("bc:") for g in post)
    assert {g[1:] for g in post if g.startswith("b")} <= set(post)
    assert not any(g.startswith("bc:") for g in group)


def test_the_body_after_the_head_is_read_apart(clf: Classifier):
    """A long post's words after its head are features of their own (x:); the head's words keep
    theirs, and a short message has no body features."""
    head = "占道经营\n长青路市场门口天天有人摆摊。"
    post = features(clf.analyse(head + "早上七点到晚上九点，摊子摆满了人行道" * 8)[2])
    assert "x:人行道" in post and "w:人行道" not in post and "w:摆摊" in post
    assert not any(f.startswith("x:") for f in features(clf.analyse(head)[2]))
