"""Issue 7's error families, on messages written for these tests (not from any evaluation set)."""

from __future__ import annotations

import pytest

from nlp import Classifier

PETITION_BODY = (
    "我是本小区的业主，家里有老人和小孩。这个问题已经存在很长时间了，严重影响了我们的日常生活，"
    "周边居民意见很大，大家都希望能够尽快得到处理。我们也向物业反映过，但物业表示无能为力。"
    "根据相关规定，这种行为是不被允许的。望有关部门予以解决，谢谢领导！"
)

CASES = [
    # Standard terms count whatever the length, in petition style, citing rules and thanking.
    (
        "关于幸福家园小区私搭乱建的问题\n尊敬的领导：" + PETITION_BODY,
        "complaint",
        "illegal_construction",
    ),
    ("尊敬的领导您好，春城路菜市场门口店外经营严重，望予以解决。", "complaint", "street_vending"),
    ("多次反映春阳路有流动摊贩占道经营，至今未解决，第三次投诉。", "complaint", "street_vending"),
    ("白沙河北岸有人乱堆物堆料，堆了半年了", "complaint", "clutter"),
    ("小区东门有人霸车位，还私锁车位不让别人停", "complaint", "ground_lock"),
    ("工地夜间施工，噪音扰民，凌晨两点还在干", "complaint", "construction_nuisance"),
    # No in-scope evidence: out-of-scope government matters are chatter.
    ("银行贷款利息太高了，有没有人知道怎么办理提前还款", "chatter", None),
    ("公交车票价又涨了，坐公交太贵了，希望有关部门管一管", "chatter", None),
    ("孩子入学的学区划分不合理，教育局什么时候给个说法", "chatter", None),
    ("公司拖欠工资三个月了，请劳动部门帮忙讨薪", "chatter", None),
    # Words in another sense.
    ("车子挡风玻璃上被贴了一张罚单，违章停车罚款两百", "chatter", None),
    ("高速公路的交通噪音太大了，晚上睡不着", "chatter", None),
    ("市场门口有个摊子卖活鸡活鸭，占了半条路", "complaint", "street_vending"),
    ("市场门口有个摊子卖活鸡，当场宰杀，血水流了一地", "complaint", "live_poultry"),
    # Mixed messages: a blocked fire lane wins; stalled road works are `other`.
    ("楼下有人摆摊卖菜，还把消防通道堵了", "complaint", "fire_lane_blocked"),
    ("长城路占道施工半年了还不完工，路都堵了", "complaint", "other"),
]


@pytest.mark.parametrize("text, intent, category", CASES)
def test_issue7_families(clf: Classifier, text, intent, category):
    """Standard terms, abstention, other senses, petitions and mixed messages."""
    c = clf.classify(text)
    assert (c.intent, c.category) == (intent, category), c.evidence


def test_length_does_not_flip_the_decision(clf: Classifier):
    """A short report and the same report as a long board post get the same answer."""
    short = clf.classify("正阳路118号门前有人占道经营")
    long = clf.classify("正阳路118号门前有人占道经营\n" + PETITION_BODY * 2)
    assert (
        (short.intent, short.category)
        == (long.intent, long.category)
        == (
            "complaint",
            "street_vending",
        )
    )
    assert long.place == "正阳路118号门前"


def test_no_category_without_a_keyword(clf: Classifier):
    """The category of a complaint is one some keyword of the message names."""
    c = clf.classify("楼道里堆满了纸箱子和破家具，谁家的赶紧搬走")
    assert c.category == "clutter" and "纸箱" in " ".join(c.evidence)
