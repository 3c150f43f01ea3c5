"""The weekly report each squadron leader gets on Monday morning (sent once per week)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Outbox
from domain.outbox import Sends
from domain.stats import period_report, render_text

SEND_AT = time(8, 0)  # Monday, local time


def last_week(now: datetime, tz) -> tuple[datetime, datetime] | None:
    """Monday-to-Monday bounds of the week before `now`, once it is Monday 08:00 or later."""
    local = now.astimezone(tz)
    monday = datetime.combine(local.date() - timedelta(days=local.weekday()), time(0), tz)
    if local < datetime.combine(monday.date(), SEND_AT, tz):
        return None
    return monday - timedelta(days=7), monday


def send_weekly_reports(session: Session, config, now: datetime) -> Sends:
    """Record last week's report for every squadron leader with reports (never twice)."""
    sends = Sends(session, config, now)
    bounds = last_week(now, config.tz)
    if bounds is None:
        return sends
    start, end = bounds
    week = start.strftime("%G-W%V")
    for squadron in config.squadrons:
        key = f"weekly:{squadron.code}:{week}"
        if session.scalar(select(Outbox.id).where(Outbox.key == key)):
            continue  # sent already: the check runs every maintenance tick all week
        report = period_report(session, config, start, end, squadron.code)
        if not report.reports:
            continue  # a quiet week: nothing to report, no push
        text = f"{squadron.name} 上周工作统计\n" + render_text(report, config)
        sends.push(squadron.leader.userid, key, text, None, title=f"{squadron.name} 周报 {week}")
    return sends
