"""Timer jobs: ring one timer (rq's scheduler calls this at its time), or sweep all due ones."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from domain import escalation
from domain.models import Timer
from domain.tickets import TicketDesk
from domain.timers import due_timers
from workers import runtime
from workers.queues import Alarm

log = logging.getLogger(__name__)


def fire(timer_pk: int) -> str:
    """Ring timer `timer_pk` if its time has come and it has not rung yet (never twice)."""
    rt = runtime.current()
    now = rt.clock()
    with rt.store.session() as s:
        timer = s.get(Timer, timer_pk, with_for_update=True)
        if timer is None or timer.state != "armed":
            return "skipped"
        if timer.due_at > now:
            return "early"  # stays armed; the sweep or a later alarm rings it
        desk = TicketDesk(s, rt.config, now)
        result = escalation.fire(desk, timer)
        s.flush()
        sends = desk.sends.to_deliver()
        armed = list(desk.timers.armed)
    after_commit(rt.queue, rt.clock, sends, armed)
    return result


def sweep() -> int:
    """Ring every armed timer that is due (after downtime or a lost alarm); returns how many."""
    rt = runtime.current()
    with rt.store.session() as s:
        ids = due_timers(s, rt.clock())
    return sum(fire(pk) not in ("skipped", "early") for pk in ids)


def after_commit(queue, clock, sends: list[tuple[int, bool]], timers: list[Timer]) -> None:
    """Queue deliveries (outbox id, urgent) and set rq alarms for what a unit of work recorded,
    in one Redis round trip."""
    queue.enqueue_after_commit(sends, [alarm(clock, timer) for timer in timers])


def alarm(clock, timer: Timer) -> Alarm:
    """rq's alarm for `timer`; the delay is measured on `clock` (real time in production)."""
    delay = timer.due_at - clock()
    return Alarm(datetime.now(UTC) + delay, "workers.timers.fire", (timer.id,), f"timer-{timer.id}")
