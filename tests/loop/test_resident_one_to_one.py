"""Residents writing to the official account one to one: asked once for their community."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.message import IncomingMessage
from tests.loop.conftest import CLUTTER

OPENID = "oAbC123openid"


def say(chat, text: str, n: int) -> None:
    """The resident sends `text` to the official account."""
    chat.services.intake.accept(
        IncomingMessage(
            channel="wechat",
            msg_id=f"wx-{n}",
            sender_id=OPENID,
            sender_name="微信用户",
            text=text,
            sent_at=datetime.now(UTC),
        )
    )
    chat.run()


def replies(chat) -> list[str]:
    """What the bot sent to the resident, oldest first."""
    return [r.text for r in chat.sent("reply", OPENID)]


def test_asks_once_then_remembers_and_tickets_the_waiting_complaint(chat, fake_wechat):
    """First complaint: one question; the answer names the community; the complaint is ticketed."""
    say(chat, CLUTTER, 1)
    say(chat, "南门外的垃圾桶满了好几天没人清运", 2)
    assert replies(chat) == [
        "您好，请问您住在哪个小区？请直接回复小区名称，我们会记住，方便以后为您派单。"
    ]
    say(chat, "悠山郡", 3)
    ticket = chat.ticket()
    assert (ticket.community, ticket.station) == ("龙湖悠山郡", "ST01")
    assert replies(chat)[-1].startswith(f"已受理，工单号 {ticket.no}")
    sent = fake_wechat.calls_to("/cgi-bin/message/custom/send")
    assert sent and sent[-1][2]["touser"] == OPENID


def test_remembered_community_is_used_next_time(chat):
    """Once known, a later complaint is ticketed at once without asking."""
    say(chat, "龙湖悠山郡", 1)
    assert replies(chat) == ["已记住您所在的小区：龙湖悠山郡。请直接描述您要反映的问题。"]
    say(chat, CLUTTER, 2)
    assert chat.ticket().community == "龙湖悠山郡"
    assert len(replies(chat)) == 2


def test_chatter_one_to_one_gets_no_question(chat):
    """A greeting is not a reason to ask anything."""
    say(chat, "你好", 1)
    assert chat.handled_by("wx-1", channel="wechat") == "resident_community"
    assert replies(chat) == []
