"""Reports pushed to squadron leaders: weekly on Monday morning, daily and monthly at 08:00
(each sent once per squadron and period)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.desk_reports import PERIOD_NAMES, paragraph, previous_period
from domain.desk_stats import figures
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


def send_period_reports(session: Session, config, now: datetime, kind: str) -> Sends:
    """From 08:00, the previous day's (daily) or month's (monthly) report to each squadron leader
    whose squadron had reports; recorded once per squadron and period (keys daily:/monthly:)."""
    sends = Sends(session, config, now)
    local = now.astimezone(config.tz)
    if local.time() < SEND_AT:
        return sends
    bounds = previous_period(kind, local.date(), config.tz)
    stamp = f"{bounds.start:%Y-%m-%d}" if kind == "daily" else f"{bounds.start:%Y-%m}"
    for squadron in config.squadrons:
        key = f"{kind}:{squadron.code}:{stamp}"
        if session.scalar(select(Outbox.id).where(Outbox.key == key)):
            continue  # sent already: the check runs every maintenance tick
        stations = [s.code for s in config.stations if s.squadron == squadron.code]
        fig = figures(session, config, bounds.start, bounds.end, stations)
        if not fig.reports:
            continue  # nothing reported: no push
        link = (
            f"{config.service.public_url.rstrip('/')}/desk/reports/{kind}"
            f"?date={bounds.start:%Y-%m-%d}&squadron={squadron.code}"
        )
        text = paragraph(fig, config, bounds, squadron.name) + f"\n详见：{link}"
        title = f"{squadron.name} {PERIOD_NAMES[kind]} {bounds.label}"
        sends.push(squadron.leader.userid, key, text, None, title=title)
    return sends
