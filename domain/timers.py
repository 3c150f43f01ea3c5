"""Ticket timers: armed in the database (the truth), rung by rq's scheduler or the sweep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Ticket, Timer


class TimerBoard:
    """Arms timers in the unit of work; the worker schedules the new ones after commit."""

    def __init__(self, session: Session):
        self.s = session
        self.armed: list[Timer] = []

    def arm(self, ticket: Ticket, kind: str, due: datetime, round_: int | None = None) -> Timer:
        """Arm `kind` for the ticket's current round (once: re-arming returns the same timer)."""
        round_ = ticket.round if round_ is None else round_
        q = select(Timer).where(
            Timer.ticket_id == ticket.id, Timer.kind == kind, Timer.round == round_
        )
        timer = self.s.scalar(q)
        if timer is None:
            timer = Timer(ticket_id=ticket.id, kind=kind, round=round_, due_at=due)
            self.s.add(timer)
            self.s.flush()
            self.armed.append(timer)
        return timer


def due_timers(session: Session, now: datetime, limit: int = 200) -> list[int]:
    """Ids of armed timers whose time has come (the sweep fires them if rq did not)."""
    q = select(Timer.id).where(Timer.state == "armed", Timer.due_at <= now)
    return list(session.scalars(q.order_by(Timer.due_at).limit(limit)))
