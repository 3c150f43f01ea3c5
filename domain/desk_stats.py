"""The desk's figures, computed by the database (GROUP BY), never by loading tickets into Python.

Every query reads the same slice: tickets created in [start, end), optionally at some stations.
Merged duplicates count as residents' reports, not as incidents. Percentiles use
percentile_cont on PostgreSQL and ordered OFFSET look-ups on SQLite (same interpolation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, func, select
from sqlalchemy.orm import Session

from domain.models import Ticket

T = Ticket.__table__
DONE = ("resolved", "closed")  # statuses whose resolution amounts count as work done
PERCENTILES = (0.5, 0.9)


@dataclass
class Figures:
    """One period's figures for one scope; times are in seconds."""

    start: datetime
    end: datetime
    incidents: int = 0
    reports: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_station: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" local -> incidents
    reports_by_category: dict[str, int] = field(default_factory=dict)
    heat: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, community)
    amounts: dict[str, dict[str, float]] = field(default_factory=dict)  # category -> unit -> sum
    done: dict[str, int] = field(default_factory=dict)  # category -> tickets resolved or closed
    accepted: int = 0
    accepted_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    accept_seconds: dict[float, float | None] = field(default_factory=dict)  # p -> seconds
    resolve_seconds: dict[float, float | None] = field(default_factory=dict)
    satisfaction: dict[str, int] = field(default_factory=dict)


def figures(
    session: Session, config, start: datetime, end: datetime, stations: list[str] | None = None
) -> Figures:
    """All the figures for tickets created in [start, end) at `stations` (None: all)."""
    where = _slice(start, end, stations)
    fig = Figures(start, end)
    _counts(session, where, fig)
    _breakdowns(session, where, fig)
    _amounts(session, where, fig)
    _timeliness(session, config, where, fig)
    fig.accept_seconds = percentiles(session, where, _seconds(session, T.c.accepted_at))
    fig.resolve_seconds = percentiles(session, where, _seconds(session, T.c.resolved_at))
    return fig


def _slice(start: datetime, end: datetime, stations: list[str] | None):
    conds = [T.c.created_at >= start, T.c.created_at < end]
    if stations is not None:
        conds.append(T.c.station.in_(stations))
    return and_(*conds)


def _counts(s: Session, where, fig: Figures) -> None:
    q = select(T.c.category, T.c.status, func.count()).where(where)
    for category, status, n in s.execute(q.group_by(T.c.category, T.c.status)):
        fig.reports += n
        fig.reports_by_category[category] = fig.reports_by_category.get(category, 0) + n
        if status == "merged":
            continue
        fig.incidents += n
        fig.by_category[category] = fig.by_category.get(category, 0) + n
        fig.by_status[status] = fig.by_status.get(status, 0) + n


def _breakdowns(s: Session, where, fig: Figures) -> None:
    live = and_(where, T.c.status != "merged")
    q = select(T.c.station, func.count()).where(live).group_by(T.c.station)
    fig.by_station = dict(s.execute(q).all())
    q = select(T.c.day, func.count()).where(live).group_by(T.c.day).order_by(T.c.day)
    fig.by_day = {f"{d[:4]}-{d[4:6]}-{d[6:]}": n for d, n in s.execute(q)}
    q = select(T.c.category, T.c.community, func.count()).where(live)
    fig.heat = {(c, m): n for c, m, n in s.execute(q.group_by(T.c.category, T.c.community))}
    q = select(T.c.satisfaction, func.count()).where(live, T.c.satisfaction.is_not(None))
    fig.satisfaction = dict(s.execute(q.group_by(T.c.satisfaction)).all())


def _amounts(s: Session, where, fig: Figures) -> None:
    amount = Ticket.resolution["amount"].as_float()
    unit = Ticket.resolution["unit"].as_string()
    q = (
        select(T.c.category, unit, func.count(), func.sum(amount), func.count(amount))
        .where(where, T.c.status.in_(DONE))
        .group_by(T.c.category, unit)
    )
    for category, u, n, total, counted in s.execute(q):
        fig.done[category] = fig.done.get(category, 0) + n
        if counted:
            fig.amounts.setdefault(category, {})[u] = float(total)


def _timeliness(s: Session, config, where, fig: Figures) -> None:
    limits = config.time_limits.accept_minutes
    allowed = case((T.c.urgent, limits.urgent * 60), else_=limits.normal * 60)
    accept = _seconds(s, T.c.accepted_at)
    on_time_accept = case((and_(T.c.accepted_at.is_not(None), accept <= allowed), 1), else_=0)
    on_time_resolve = case(
        (and_(T.c.resolved_at.is_not(None), T.c.resolved_at <= T.c.resolve_by), 1), else_=0
    )
    q = select(
        func.count(T.c.accepted_at),
        func.coalesce(func.sum(on_time_accept), 0),
        func.count(T.c.resolved_at),
        func.coalesce(func.sum(on_time_resolve), 0),
    ).where(where, T.c.status != "merged")
    row = s.execute(q).one()
    fig.accepted, fig.accepted_on_time, fig.resolved, fig.resolved_on_time = map(int, row)


def _seconds(s: Session, column):
    """Seconds from the ticket's creation to `column`, in this database's dialect."""
    if s.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", column - T.c.created_at)
    return (func.julianday(column) - func.julianday(T.c.created_at)) * 86400.0


def percentiles(s: Session, where, value) -> dict[float, float | None]:
    """Continuous percentiles (linear interpolation, as percentile_cont) of `value`."""
    where = and_(where, T.c.status != "merged", value.is_not(None))
    if s.get_bind().dialect.name == "postgresql":
        cols = [func.percentile_cont(p).within_group(value) for p in PERCENTILES]
        row = s.execute(select(*cols).where(where)).one()
        return {
            p: (float(v) if v is not None else None) for p, v in zip(PERCENTILES, row, strict=True)
        }
    n = s.scalar(select(func.count()).where(where))
    return {p: _offset_percentile(s, where, value, n, p) for p in PERCENTILES}


def _offset_percentile(s: Session, where, value, n: int, p: float) -> float | None:
    if not n:
        return None
    pos = p * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    ordered = select(cast(value, Float)).where(where).order_by(value)
    low = s.scalar(ordered.limit(1).offset(lo))
    high = low if hi == lo else s.scalar(ordered.limit(1).offset(hi))
    return low + (high - low) * (pos - lo)


def rate(hits: int, total: int) -> float | None:
    """hits / total rounded to 4 places, None when nothing was counted."""
    return round(hits / total, 4) if total else None
