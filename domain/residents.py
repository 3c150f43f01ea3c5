"""What the bot remembers of residents who talk to it one to one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Resident


def resident(session: Session, channel: str, user_id: str) -> Resident:
    """The remembered resident (created on first contact)."""
    q = select(Resident).where(Resident.channel == channel, Resident.user_id == user_id)
    found = session.scalar(q)
    if found is None:
        found = Resident(channel=channel, user_id=user_id)
        session.add(found)
        session.flush()
    return found
