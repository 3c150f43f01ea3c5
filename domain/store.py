"""Storage entry points: sessions, recording accepted messages, and read models for the API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from domain.db import make_sessions
from domain.models import Message, Outbox, Ticket

log = logging.getLogger(__name__)
# What the API shows of a ticket, loaded up front (sessions close before serialisation).
TICKET_LOADS = (
    selectinload(Ticket.messages),
    selectinload(Ticket.events),
    selectinload(Ticket.merged_into),
)


class Store:
    """Owns the session factory; every unit of work runs in `with store.session() as s`."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = make_sessions(engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self._sessions() as s, s.begin():
            yield s

    def save_message(self, fields: dict) -> tuple[int, bool]:
        """Insert a message unless (channel, msg_id) exists; returns (id, created)."""
        try:
            with self.session() as s:
                row = Message(**fields)
                s.add(row)
                s.flush()
                return row.id, True
        except IntegrityError:
            existing = self.find_message(fields["channel"], fields["msg_id"])
            if existing is None:  # a different constraint failed: not a duplicate
                raise
            return existing.id, False

    def find_message(self, channel: str, msg_id: str) -> Message | None:
        """The stored message (channel, msg_id), or None."""
        with self.session() as s:
            return s.scalar(
                select(Message).where(Message.channel == channel, Message.msg_id == msg_id)
            )

    def messages_waiting(self, older_than: datetime) -> list[int]:
        """Ids of messages accepted before `older_than` and still not processed (for the reaper)."""
        with self.session() as s:
            q = select(Message.id).where(
                Message.state == "received", Message.received_at < older_than
            )
            return list(s.scalars(q.order_by(Message.id).limit(500)))

    def outbox_pending(self, older_than: datetime) -> list[int]:
        """Ids of sends recorded before `older_than` and not yet delivered (for the reaper)."""
        with self.session() as s:
            q = select(Outbox.id).where(Outbox.state == "pending", Outbox.created_at < older_than)
            return list(s.scalars(q.order_by(Outbox.id).limit(500)))

    def tickets(
        self, limit: int = 50, offset: int = 0, stations: list[str] | None = None, **filters: str
    ) -> list[Ticket]:
        """Tickets newest first, with their source messages loaded; filters match columns,
        `stations` (when given) limits them to those stations."""
        with self.session() as s:
            q = select(Ticket).options(*TICKET_LOADS)
            if stations is not None:
                q = q.where(Ticket.station.in_(stations))
            for column, value in filters.items():
                q = q.where(getattr(Ticket, column) == value)
            return list(s.scalars(q.order_by(Ticket.id.desc()).limit(limit).offset(offset)))

    def ticket(self, no: str) -> Ticket | None:
        """One ticket by number, with messages and events loaded."""
        with self.session() as s:
            q = select(Ticket).options(*TICKET_LOADS)
            return s.scalar(q.where(Ticket.no == no))

    def outbox(self, limit: int = 100, ticket_no: str | None = None) -> list[Outbox]:
        """What the bot sent (or will send), newest first."""
        with self.session() as s:
            q = select(Outbox)
            if ticket_no:
                q = q.where(Outbox.ticket_no == ticket_no)
            return list(s.scalars(q.order_by(Outbox.id.desc()).limit(limit)))

    def message_view(self, channel: str, msg_id: str) -> tuple[Message, list[Outbox]] | None:
        """A stored message with the replies the bot recorded for it."""
        with self.session() as s:
            q = select(Message).where(Message.channel == channel, Message.msg_id == msg_id)
            message = s.scalar(q)
            if message is None:
                return None
            # A doubtful complaint is answered by a question, recorded under its own key.
            keys = (f"reply:{message.id}", f"ask:{message.id}")
            replies = list(s.scalars(select(Outbox).where(Outbox.key.in_(keys))))
            return message, replies
