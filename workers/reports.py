"""Leaders' reports (weekly, daily, monthly), checked during worker maintenance; each is sent
once per squadron and period."""

from __future__ import annotations

from domain.reports import send_period_reports, send_weekly_reports
from workers import runtime, timers


def weekly() -> int:
    """Record and queue any weekly report that is due; returns how many were queued."""
    rt = runtime.current()
    with rt.store.session() as s:
        sends = send_weekly_reports(s, rt.config, rt.clock())
        s.flush()
        ids = sends.to_deliver()
    timers.after_commit(rt.queue, rt.clock, ids, [])
    return len(ids)


def _period(kind: str) -> int:
    rt = runtime.current()
    with rt.store.session() as s:
        sends = send_period_reports(s, rt.config, rt.clock(), kind)
        s.flush()
        ids = [row.id for row in sends.recorded]
    timers.after_commit(rt.queue, rt.clock, ids, [])
    return len(ids)


def daily() -> int:
    """Yesterday's report to each squadron leader, from 08:00 (once)."""
    return _period("daily")


def monthly() -> int:
    """Last month's report to each squadron leader, from the 1st at 08:00 (once)."""
    return _period("monthly")
