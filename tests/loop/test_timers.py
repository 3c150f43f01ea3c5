"""Accept and resolve deadlines through rq's real scheduler, on a controlled clock."""

from __future__ import annotations

from sqlalchemy import select

from domain.models import Timer
from tests.loop.conftest import CLUTTER, FIRE_LANE
from workers import timers


def armed(chat) -> list[tuple[str, int]]:
    """(kind, round) of the timers still armed."""
    with chat.store.session() as s:
        return sorted(s.execute(select(Timer.kind, Timer.round).where(Timer.state == "armed")))


def test_nobody_accepts_remind_then_reassign_then_escalate(chat, time_machine):
    """Normal ticket: remind at 15 min, reassign to the other officer at 30, leader at 60."""
    chat.resident(CLUTTER)
    first = chat.ticket().officer
    other = ({"zhangqinli", "liuyang01"} - {first}).pop()

    time_machine.advance(minutes=14)
    chat.run()
    assert not chat.sent("push", first)[1:]  # only the dispatch card so far

    time_machine.advance(minutes=2)
    chat.run()
    assert chat.sent("push", first)[-1].text.startswith("【催办】工单")

    time_machine.advance(minutes=15)
    chat.run()
    ticket = chat.ticket()
    assert (ticket.status, ticket.officer) == ("transferred", other)

    time_machine.advance(minutes=31)
    chat.run()
    ticket = chat.ticket()
    assert (ticket.status, ticket.officer) == ("escalated", "zhaobingquan")
    actions = [e.action for e in ticket.events]
    assert actions == ["open", "dispatch", "remind", "transfer", "remind", "escalate"]


def test_urgent_ticket_has_a_ten_minute_window(chat, time_machine):
    """A blocked fire lane must be accepted within 10 minutes, or it is reassigned."""
    chat.resident(FIRE_LANE)
    assert chat.ticket().urgent
    time_machine.advance(minutes=11)
    chat.run()
    assert chat.ticket().status == "transferred"


def test_accepting_in_time_stops_the_chase(chat, time_machine):
    """Once accepted, the accept timers ring without effect."""
    chat.resident(CLUTTER)
    officer = chat.ticket().officer
    chat.officer(officer, "接单 0001")
    time_machine.advance(hours=2)
    chat.run()
    ticket = chat.ticket()
    assert (ticket.status, ticket.officer) == ("accepted", officer)
    assert "remind" not in [e.action for e in ticket.events]


def test_timers_never_fire_twice(chat, time_machine):
    """Ringing the same timer again (a duplicate alarm, the sweep) changes nothing."""
    chat.resident(CLUTTER)
    time_machine.advance(minutes=16)
    chat.run()
    with chat.store.session() as s:
        remind_id = s.scalar(select(Timer.id).where(Timer.kind == "remind"))
    pushes = len(chat.sent("push"))
    assert timers.fire(remind_id) == "skipped"
    assert timers.sweep() == 0
    assert len(chat.sent("push")) == pushes


def test_lost_alarms_are_rung_by_the_sweep(chat, time_machine, redis):
    """Redis lost its scheduled alarms (restart without AOF): the sweep still reassigns."""
    chat.resident(CLUTTER)
    for key in redis.scan_iter("rq:scheduled:*"):
        redis.delete(key)
    time_machine.advance(minutes=31)
    assert timers.sweep() == 2  # remind and reassign; the new round's timers are not due yet
    assert chat.ticket().status == "transferred"


def test_overdue_resolution_is_supervised_by_the_leader(chat, time_machine):
    """Accepted but not resolved by the category's limit: the leader gets a 督办 push."""
    chat.resident(CLUTTER)  # clutter: 2 working days
    chat.officer(chat.ticket().officer, "接单 0001")
    time_machine.advance(days=3)  # Thursday 10:00 -> Sunday; deadline Monday 10:00
    chat.run()
    assert not chat.sent("push", "zhaobingquan")
    time_machine.advance(days=1, minutes=1)
    chat.run()
    assert any(p.text.startswith("【督办】工单") for p in chat.sent("push", "zhaobingquan"))
    assert chat.ticket().status == "accepted"


def test_weekend_with_one_officer_on_duty_escalates_instead(chat, clock, time_machine):
    """Saturday: the only officer on duty does not accept; nobody else is on duty, so the
    squadron leader gets it (an off-duty officer is not woken)."""
    clock.now = clock.now.replace(day=28)  # Saturday 2026-11-28 10:00 in Qingdao
    chat.resident(CLUTTER)
    assert chat.ticket().officer == "zhangqinli"  # the weekend roster of ST01
    time_machine.advance(minutes=31)
    chat.run()
    ticket = chat.ticket()
    assert (ticket.status, ticket.officer) == ("escalated", "zhaobingquan")


def test_night_ticket_of_the_duty_officer_escalates_when_not_accepted(chat, clock, time_machine):
    """22:00: the squadron duty officer has it; unaccepted, it goes to the leader, not to an
    officer asleep at home."""
    clock.now = clock.now.replace(hour=14)  # 22:00 in Qingdao
    chat.resident(CLUTTER)
    assert chat.ticket().officer == "cy_duty"
    time_machine.advance(minutes=31)
    chat.run()
    assert chat.ticket().officer == "zhaobingquan"
