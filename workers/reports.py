"""The weekly leaders' report, checked during worker maintenance (sent once per squadron-week)."""

from __future__ import annotations

from domain.reports import send_weekly_reports
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
