"""When the classifier is unsure, the bot asks the sender once and acts on the answer."""

from __future__ import annotations

import pytest

DOUBTFUL = "小区里好像有人在搭东西"


@pytest.fixture
def doubtful(classifier) -> str:
    """A message the classifier is unsure about (checked, so a classifier change shows here)."""
    assert classifier.classify(DOUBTFUL, "龙湖悠山郡").ask
    return DOUBTFUL


def test_unsure_message_is_asked_about_then_yes_opens_a_ticket(chat, doubtful):
    """The sender is asked once; "是" turns the original message into a ticket."""
    chat.resident(doubtful)
    assert chat.last_reply().startswith("@张三 请问您是要反映")
    assert chat.last_reply().endswith('问题吗？回复"是"即可受理')
    assert chat.statuses() == {}
    chat.resident("是的")
    ticket = chat.ticket()
    assert (ticket.status, ticket.text) == ("dispatched", doubtful)
    assert chat.last_reply().startswith(f"@张三 已受理，工单号 {ticket.no}")


def test_no_means_nothing_is_opened(chat, doubtful):
    """ "不是" closes the question without a ticket."""
    chat.resident(doubtful)
    assert chat.handled_by(chat.resident("不是")) == "follow_up"
    assert chat.statuses() == {}
    assert chat.last_reply() == "@张三 好的，已取消。如需反映问题，请直接描述问题和位置。"


def test_never_asks_twice(chat, doubtful):
    """A second doubtful message while the question is open gets no second question."""
    chat.resident(doubtful)
    assert chat.handled_by(chat.resident(doubtful)) == "ask"
    assert len(chat.sent("reply")) == 1


def test_only_the_asked_sender_can_answer(chat, doubtful):
    """Someone else's "是" is not an answer."""
    chat.resident(doubtful)
    assert chat.handled_by(chat.resident("是", name="李四", sender="wxid_lisi")) == "chatter"
    assert chat.statuses() == {}
