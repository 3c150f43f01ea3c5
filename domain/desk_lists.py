"""Ticket lists for the desk: filtered in SQL, overdue and urgent first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from domain.lifecycle import AWAITING_ACCEPT, HANDLING
from domain.models import Ticket

T = Ticket.__table__
LIST_COLUMNS = (
    T.c.no,
    T.c.status,
    T.c.category,
    T.c.urgent,
    T.c.community,
    T.c.station,
    T.c.officer,
    T.c.place,
    T.c.text,
    T.c.reporters,
    T.c.created_at,
    T.c.accept_by,
    T.c.resolve_by,
)


@dataclass(frozen=True)
class ListQuery:
    """What a list shows: the stations in view and the person's filters."""

    stations: list[str] | None  # None: the whole district
    officer: str | None = None  # "mine": tickets assigned to this userid
    status: str | None = None
    category: str | None = None
    community: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def _where(q: ListQuery, with_status: bool = True):
    conds = []
    if q.stations is not None:
        conds.append(T.c.station.in_(q.stations))
    for column, value in (
        (T.c.officer, q.officer),
        (T.c.category, q.category),
        (T.c.community, q.community),
    ):
        if value:
            conds.append(column == value)
    if with_status and q.status:
        conds.append(T.c.status == q.status)
    if q.start:
        conds.append(T.c.created_at >= q.start)
    if q.end:
        conds.append(T.c.created_at < q.end)
    return and_(True, *conds)


def overdue_expr(now: datetime):
    """True for a ticket past its accept limit (unaccepted) or its resolve limit (unresolved)."""
    return or_(
        and_(T.c.status.in_(AWAITING_ACCEPT | {"received"}), T.c.accept_by < now),
        and_(T.c.status.in_(HANDLING | {"received"}), T.c.resolve_by < now),
    )


def page_of_tickets(s: Session, q: ListQuery, now: datetime, limit: int, offset: int):
    """(rows, total): overdue first, then urgent, then newest; rows carry an `overdue` flag."""
    overdue = overdue_expr(now)
    flag = case((overdue, 1), else_=0).label("overdue")
    rows = s.execute(
        select(*LIST_COLUMNS, flag)
        .where(_where(q))
        .order_by(flag.desc(), T.c.urgent.desc(), T.c.created_at.desc(), T.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = s.scalar(select(func.count()).select_from(T).where(_where(q)))
    return rows, total


def status_counts(s: Session, q: ListQuery) -> dict[str, int]:
    """Tickets per status under every filter but the status one."""
    query = select(T.c.status, func.count()).where(_where(q, with_status=False))
    return dict(s.execute(query.group_by(T.c.status)).all())
