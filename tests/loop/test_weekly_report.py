"""Squadron leaders get last week's figures on Monday morning, once."""

from __future__ import annotations

from tests.loop.conftest import CLUTTER


def test_monday_report_reaches_the_leader_once(chat, time_machine):
    """A ticket this week; on Monday 08:00 the 城阳 leader gets one report, other leaders none."""
    chat.resident(CLUTTER)  # Thursday 2026-11-26
    chat.run()
    assert not [p for p in chat.sent("push") if p.key.startswith("weekly:")]
    time_machine.advance(days=3, hours=22)  # Monday 2026-11-30 08:00
    chat.run()
    chat.run()
    weekly = [p for p in chat.sent("push") if p.key.startswith("weekly:")]
    assert [(p.recipient, p.key) for p in weekly] == [("zhaobingquan", "weekly:chengyang:2026-W48")]
    assert "乱堆乱放 1 起" in weekly[0].text and weekly[0].text.startswith(
        "城阳街道中队 上周工作统计"
    )


def test_no_report_before_monday_eight(chat, time_machine):
    """Monday 07:59 is still too early."""
    chat.resident(CLUTTER)
    time_machine.advance(days=3, hours=21, minutes=59)
    chat.run()
    assert not [p for p in chat.sent("push") if p.key.startswith("weekly:")]
