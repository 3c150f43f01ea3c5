"""The desk's figures, computed by the database (GROUP BY), never by loading tickets into Python.

Every query reads the same slice: tickets created in [start, end), optionally at some stations.
Merged duplicates count as residents' reports, not as incidents. Percentiles use
percentile_cont on PostgreSQL and ordered OFFSET look-ups on SQLite (same interpolation).
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Float, and_, case, cast, func, select, text
from sqlalchemy.orm import Session

from domain.models import Ticket

T = Ticket.__table__
DONE = ("resolved", "closed")  # statuses whose resolution amounts count as work done
PERCENTILES = (0.5, 0.9)
STATS_WORK_MEM = "64MB"


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
    reports_by_category: dict[str, int] = field(default_factory=dict)  # duplicates included
    reports_by_station: dict[str, int] = field(default_factory=dict)
    reports_by_day: dict[str, int] = field(default_factory=dict)
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
    """All the figures for tickets created in [start, end) at `stations` (None: all).

    Four independent aggregate queries; on PostgreSQL they run at once, each on its own
    connection, with room to group and sort in memory."""
    where = _slice(start, end, stations)
    fig = Figures(start, end)
    parts = (
        lambda s: _totals(s, config, where, fig),
        lambda s: _by_day(s, where, fig),
        lambda s: _heat(s, where, fig),
        lambda s: _durations(s, where, fig),
    )
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        for part in parts:
            part(session)
        return fig
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        for done in [pool.submit(_in_memory, engine, part) for part in parts]:
            done.result()  # re-raises a failed query
    return fig


def _in_memory(engine, part) -> None:
    with Session(engine) as s, s.begin():
        # The default 4 MB sends a year's groupings and percentile sorts to disk.
        s.execute(text(f"SET LOCAL work_mem = '{STATS_WORK_MEM}'"))
        part(s)


def _by_day(s: Session, where, fig: Figures) -> None:
    incidents = func.count().filter(T.c.status != "merged")
    q = select(T.c.day, incidents, func.count()).where(where).group_by(T.c.day).order_by(T.c.day)
    for d, n, reports in s.execute(q):
        day = f"{d[:4]}-{d[4:6]}-{d[6:]}"
        if n:
            fig.by_day[day] = n
        fig.reports_by_day[day] = reports


def _heat(s: Session, where, fig: Figures) -> None:
    live = and_(where, T.c.status != "merged")
    q = select(T.c.category, T.c.community, func.count()).where(live)
    fig.heat = {(c, m): n for c, m, n in s.execute(q.group_by(T.c.category, T.c.community))}


def _slice(start: datetime, end: datetime, stations: list[str] | None):
    conds = [T.c.created_at >= start, T.c.created_at < end]
    if stations is not None:
        conds.append(T.c.station.in_(stations))
    return and_(*conds)


def _totals(s: Session, config, where, fig: Figures) -> None:
    """One scan: counts, amounts and timeliness by category, status, station and satisfaction."""
    keys = (T.c.category, T.c.status, T.c.station, T.c.satisfaction, T.c.unit)
    q = select(*keys, *_measures(s, config)).where(where).group_by(*keys)
    for category, status, station, satisfaction, unit, *m in s.execute(q):
        n, amount, amounts, accepted, accepted_on_time, resolved, resolved_on_time = m
        fig.reports += n
        _add(fig.reports_by_category, category, n)
        _add(fig.reports_by_station, station, n)
        if status == "merged":
            continue
        fig.incidents += n
        _add(fig.by_category, category, n)
        _add(fig.by_status, status, n)
        _add(fig.by_station, station, n)
        if satisfaction:
            _add(fig.satisfaction, satisfaction, n)
        if status in DONE:
            _add(fig.done, category, n)
            if amounts:
                _add(fig.amounts.setdefault(category, {}), unit, float(amount))
        fig.accepted += accepted
        fig.accepted_on_time += int(accepted_on_time or 0)
        fig.resolved += resolved
        fig.resolved_on_time += int(resolved_on_time or 0)


def _add(counts: dict, key, n) -> None:
    counts[key] = counts.get(key, 0) + n


def _measures(s: Session, config):
    limits = config.time_limits.accept_minutes
    allowed = case((T.c.urgent, limits.urgent * 60), else_=limits.normal * 60)
    on_time_accept = case((_seconds(s, T.c.accepted_at) <= allowed, 1), else_=0)
    on_time_resolve = case((T.c.resolved_at <= T.c.resolve_by, 1), else_=0)
    return (
        func.count(),
        func.sum(T.c.amount),
        func.count(T.c.amount),
        func.count(T.c.accepted_at),
        func.sum(on_time_accept),
        func.count(T.c.resolved_at),
        func.sum(on_time_resolve),
    )


def _seconds(s: Session, column):
    """Seconds from the ticket's creation to `column`, in this database's dialect."""
    if s.get_bind().dialect.name == "postgresql":
        # date_part gives float8 (extract gives numeric, several times slower to sort)
        return func.date_part("epoch", column - T.c.created_at)
    return (func.julianday(column) - func.julianday(T.c.created_at)) * 86400.0


def _durations(s: Session, where, fig: Figures) -> None:
    """Accept and resolve time percentiles; PostgreSQL computes both in one scan."""
    accept, resolve = _seconds(s, T.c.accepted_at), _seconds(s, T.c.resolved_at)
    if s.get_bind().dialect.name != "postgresql":
        fig.accept_seconds = percentiles(s, where, accept)
        fig.resolve_seconds = percentiles(s, where, resolve)
        return
    ps = list(PERCENTILES)
    q = select(
        func.percentile_cont(ps).within_group(accept),
        func.percentile_cont(ps).within_group(resolve),
    ).where(where, T.c.status != "merged")
    a, r = s.execute(q).one()
    fig.accept_seconds, fig.resolve_seconds = _as_dict(a), _as_dict(r)


def _as_dict(values) -> dict[float, float | None]:
    values = values or [None] * len(PERCENTILES)
    return {
        p: (float(v) if v is not None else None) for p, v in zip(PERCENTILES, values, strict=True)
    }


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
