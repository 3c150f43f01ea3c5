"""Tables: messages as received, tickets and their events, the outbox of all the bot sends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (no zones) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: every time in the database is timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base; the schema itself is created by Alembic migrations."""

    type_annotation_map = {datetime: UTCDateTime, dict: JSON}


class Message(Base):
    """A message exactly as accepted at the edge; the unit of 'never lost'."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel", "msg_id", name="uq_messages_channel_msg_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    msg_id: Mapped[str] = mapped_column(String(128))
    group_id: Mapped[str | None] = mapped_column(String(128), index=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    sender_name: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text")
    extra: Mapped[dict] = mapped_column(default=dict)
    mentions: Mapped[dict] = mapped_column(default=dict)  # {"names": [...]} (JSON object)
    sent_at: Mapped[datetime]
    received_at: Mapped[datetime]
    # received -> processed; 'failed' only after every retry of the job failed
    state: Mapped[str] = mapped_column(String(16), default="received", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[dict | None] = mapped_column(default=None)  # classification and handler result
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)


class Ticket(Base):
    """A work order; `no` is what people see (CY20261126-0001)."""

    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("day", "seq", name="uq_tickets_day_seq"),
        Index("ix_tickets_station_created_at", "station", "created_at"),  # desk statistics
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[str] = mapped_column(String(32), unique=True)
    day: Mapped[str] = mapped_column(String(8))  # YYYYMMDD, local time
    seq: Mapped[int] = mapped_column(Integer)
    # One ticket per source message: the database is the real guard against a second ticket.
    # (no foreign key: messages already point here, and a cycle would break table creation order)
    origin_message_id: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(default=False)
    community: Mapped[str] = mapped_column(String(64))
    station: Mapped[str] = mapped_column(String(16), index=True)
    officer: Mapped[str | None] = mapped_column(String(64), index=True)
    place: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict] = mapped_column(default=dict)  # {"words": [...]} that drove the decision
    reporter_name: Mapped[str] = mapped_column(String(128))
    reporter_id: Mapped[str] = mapped_column(String(128))  # never shown to groups or officers
    channel: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[str | None] = mapped_column(String(128))
    reporters: Mapped[int] = mapped_column(Integer, default=1)  # neighbours reporting it; priority
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    round: Mapped[int] = mapped_column(Integer, default=0)  # bumps on every (re)assignment
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    accept_by: Mapped[datetime | None]
    resolve_by: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # {"note", "amount", "unit", "photos": [...], "by"}; returned tickets: {"handled_by": ...}
    resolution: Mapped[dict | None] = mapped_column(default=None)
    satisfaction: Mapped[str | None] = mapped_column(
        String(16)
    )  # satisfied | unsatisfied | timeout
    # resolution["amount"] and ["unit"], computed by the database (migration 0002 gives each
    # dialect its own expression) so statistics sum them without parsing JSON row by row.
    amount: Mapped[float | None] = mapped_column(
        Float, Computed("CAST(resolution ->> 'amount' AS double precision)")
    )
    unit: Mapped[str | None] = mapped_column(String(8), Computed("resolution ->> 'unit'"))

    messages: Mapped[list[Message]] = relationship(order_by="Message.id", viewonly=True)
    merged_into: Mapped[Ticket | None] = relationship(remote_side="Ticket.id", viewonly=True)
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )


class TicketEvent(Base):
    """One step of a ticket's life; an audit trail that is only ever appended to."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Outbox(Base):
    """Everything the bot sends: recorded first, delivered by a job; `key` is unique."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(
        String(16)
    )  # push (to an officer) | reply (to a group/resident)
    channel: Mapped[str] = mapped_column(String(16))  # console | wecom | wechat | bridge
    recipient: Mapped[str] = mapped_column(String(128))  # officer userid, group id or openid
    mention: Mapped[str | None] = mapped_column(String(128))  # display name to @ in a group
    ticket_no: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str | None] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(256))
    state: Mapped[str] = mapped_column(
        String(16), default="pending", index=True
    )  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    # channel details: {"message_id"} to answer through, {"photo"} sha256 of a news card's picture
    extra: Mapped[dict | None] = mapped_column(default=None)


class Resident(Base):
    """What the bot remembers of a resident talking one to one: the community they live in."""

    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_residents_channel_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    community: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[datetime | None]
    pending_message_id: Mapped[int | None] = mapped_column(Integer)  # complaint waiting for it


class Timer(Base):
    """A ticket deadline to act on; the database is the truth, rq's scheduler the alarm clock."""

    __tablename__ = "timers"
    __table_args__ = (UniqueConstraint("ticket_id", "kind", "round", name="uq_timers_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # remind | reassign | escalate | overdue | close
    round: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(16), default="armed", index=True)  # armed | fired
    fired_at: Mapped[datetime | None]


class Question(Base):
    """A question the bot asked someone once, waiting for their answer in the same chat."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # confirm (is this a complaint?) | satisfaction
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(128))  # group id, or the user id one to one
    asked_id: Mapped[str] = mapped_column(String(128), index=True)  # sender asked
    message_id: Mapped[int | None] = mapped_column(Integer)  # the message in doubt
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(default=dict)
    asked_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(String(32))


class Media(Base):
    """A stored file, once per content: photos and voice recordings, named by their SHA-256."""

    __tablename__ = "media"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class Attachment(Base):
    """A photo or voice file that reached the bot: fetched by a job, then linked to its ticket.

    `origin` says where to fetch it ({"media_id", "channel"} or {"url"}); a resident's photo with
    no complaint before it stays on its message (ticket_id None).
    """

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("message_id", name="uq_attachments_message"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # image | voice
    source: Mapped[str] = mapped_column(String(16))  # resident | officer | page
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    origin: Mapped[dict] = mapped_column(default=dict)
    # pending -> stored | rejected (not an image, too big) | failed (gone: expired media_id)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("media.sha256"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    stored_at: Mapped[datetime | None]

    media: Mapped[Media | None] = relationship(viewonly=True)


class DeskUser(Base):
    """A desk password (roles come from config, never from this table)."""

    __tablename__ = "desk_users"

    userid: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime]
