"""Storage entry points: sessions, recording accepted messages, and read models for the API."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, and_, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from domain.db import make_sessions
from domain.models import Message, Outbox, Ticket

log = logging.getLogger(__name__)
REAP_PAGE = 500  # rows per reaper query; the reaper pages through all of them
_INSERTS = {"sqlite": sqlite_insert, "postgresql": pg_insert}
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
        table = Message.__table__
        self._insert_message = (
            _INSERTS[engine.dialect.name](table)
            .on_conflict_do_nothing(index_elements=["channel", "msg_id"])
            .returning(table.c.id)
        )
        self._find_message_id = select(table.c.id).where(
            table.c.channel == bindparam("channel"), table.c.msg_id == bindparam("msg_id")
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self._sessions() as s, s.begin():
            yield s

    def save_message(self, fields: dict) -> tuple[int, bool]:
        """Insert a message unless (channel, msg_id) exists; returns (id, created).

        One transaction and, for a new message, one statement (INSERT ... ON CONFLICT DO
        NOTHING RETURNING id, on SQLite and PostgreSQL alike), built once, run on the Core
        connection: the request path skips the ORM's per-row bookkeeping.
        """
        with self.engine.begin() as conn:
            pk = conn.scalar(self._insert_message, fields)
            if pk is not None:
                return pk, True
            pk = conn.scalar(self._find_message_id, fields)
            if pk is None:  # ON CONFLICT only covers (channel, msg_id): this cannot happen
                raise RuntimeError(f"message {fields['channel']}/{fields['msg_id']} not stored")
            return pk, False

    def find_message(self, channel: str, msg_id: str) -> Message | None:
        """The stored message (channel, msg_id), or None."""
        with self.session() as s:
            return s.scalar(
                select(Message).where(Message.channel == channel, Message.msg_id == msg_id)
            )

    def messages_waiting(
        self, older_than: datetime, after_id: int = 0, limit: int | None = None
    ) -> list[tuple[int, str, str, str]]:
        """(id, channel, sender_id, text) of messages accepted before `older_than` and still not
        processed, by id after `after_id` (the reaper pages through them)."""
        with self.session() as s:
            q = select(Message.id, Message.channel, Message.sender_id, Message.text).where(
                Message.state == "received", Message.received_at < older_than, Message.id > after_id
            )
            return [
                tuple(row) for row in s.execute(q.order_by(Message.id).limit(limit or REAP_PAGE))
            ]

    def count_attempts(self, message_pks: list[int]) -> None:
        """Count one more attempt for each still unprocessed message (the reaper's re-enqueue)."""
        if not message_pks:
            return
        with self.engine.begin() as conn:
            conn.execute(
                update(Message)
                .where(Message.id.in_(message_pks), Message.state == "received")
                .values(attempts=Message.attempts + 1)
            )

    def outbox_pending(
        self, older_than: datetime, after_id: int = 0, limit: int | None = None
    ) -> list[tuple[int, bool]]:
        """(id, urgent) of sends recorded before `older_than` and not yet delivered, by id after
        `after_id`; urgent: a push about an urgent ticket (it goes in the first lane)."""
        with self.session() as s:
            urgent = and_(Outbox.kind == "push", Ticket.urgent.is_(True))
            q = (
                select(Outbox.id, urgent)
                .outerjoin(Ticket, Ticket.no == Outbox.ticket_no)
                .where(
                    Outbox.state == "pending", Outbox.created_at < older_than, Outbox.id > after_id
                )
            )
            return [
                (pk, bool(u))
                for pk, u in s.execute(q.order_by(Outbox.id).limit(limit or REAP_PAGE))
            ]

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
