"""Photos and voice files on messages and tickets: what to fetch, and which ticket they join."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import texts
from domain.models import Attachment, Media, Message, Ticket

log = logging.getLogger(__name__)
SOURCES = ("resident", "officer", "page")


def origin_of(message: Message) -> dict | None:
    """Where the message's photo or voice file can be fetched, or None when it has none.

    A media_id comes first: the pic_url WeChat also sends is a CDN link, not an archive.
    """
    extra = message.extra or {}
    if extra.get("media_id"):
        return {"channel": message.channel, "media_id": extra["media_id"]}
    url = extra.get("image") or extra.get("pic_url")
    if isinstance(url, str) and url.startswith(("http://", "https://", "data:")):
        return {"url": url}
    return None


def media_kind(message: Message) -> str:
    """image or voice."""
    return "voice" if message.kind == "voice" else "image"


def attach_message(
    s: Session, message: Message, ticket: Ticket | None, source: str, now: datetime
) -> Attachment | None:
    """Record the message's file for fetching, linked to `ticket` (once per message)."""
    origin = origin_of(message)
    if origin is None:
        return None
    existing = s.scalar(select(Attachment).where(Attachment.message_id == message.id))
    if existing is not None:
        return existing
    row = Attachment(
        kind=media_kind(message),
        source=source,
        message_id=message.id,
        ticket_id=ticket.id if ticket else None,
        origin=origin,
        state="pending",
        attempts=0,
        created_at=now,
    )
    s.add(row)
    s.flush()
    log.info(
        "message %s/%s: %s queued for fetching (ticket %s)",
        message.channel,
        message.msg_id,
        row.kind,
        ticket.no if ticket else "none",
    )
    return row


def recent_ticket(s: Session, message: Message, now: datetime, minutes: int) -> Ticket | None:
    """The ticket the sender reported in the same chat within `minutes` (the merged-into one)."""
    q = select(Ticket).where(
        Ticket.reporter_id == message.sender_id,
        Ticket.channel == message.channel,
        Ticket.created_at >= now - timedelta(minutes=minutes),
    )
    q = q.where(
        Ticket.group_id == message.group_id if message.group_id else Ticket.group_id.is_(None)
    )
    ticket = s.scalar(q.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(1))
    if ticket is not None and ticket.merged_into_id:
        return s.get(Ticket, ticket.merged_into_id)
    return ticket


def adopt_recent(
    s: Session, message: Message, ticket: Ticket, now: datetime, minutes: int, sends=None
) -> int:
    """Photos the sender sent just before this complaint (kept, no ticket) join its ticket."""
    q = (
        select(Attachment)
        .join(Message, Message.id == Attachment.message_id)
        .where(
            Attachment.ticket_id.is_(None),
            Attachment.source == "resident",
            Attachment.created_at >= now - timedelta(minutes=minutes),
            Message.channel == message.channel,
            Message.sender_id == message.sender_id,
            Message.group_id == message.group_id
            if message.group_id
            else Message.group_id.is_(None),
        )
    )
    adopted = list(s.scalars(q))
    for row in adopted:
        row.ticket_id = ticket.id
    s.flush()
    stored = [row for row in adopted if row.state == "stored"]
    if stored and sends is not None:
        show_first_photo(s, sends, stored[0])
    return len(adopted)


def pending_for_message(s: Session, message_id: int) -> list[int]:
    """Ids of the message's attachments still to fetch."""
    q = select(Attachment.id).where(
        Attachment.message_id == message_id, Attachment.state == "pending"
    )
    return list(s.scalars(q))


def store_media(s: Session, sha256: str, checked, size: int, now: datetime) -> Media:
    """The media row for stored bytes (the same content reuses the row)."""
    media = s.get(Media, sha256)
    if media is None:
        media = Media(
            sha256=sha256,
            content_type=checked.content_type,
            bytes=size,
            width=checked.width,
            height=checked.height,
            created_at=now,
        )
        s.add(media)
        s.flush()
    return media


def ticket_photos(s: Session, ticket_id: int) -> list[tuple[Attachment, Media]]:
    """A ticket's stored photos, oldest first, each content once."""
    q = (
        select(Attachment, Media)
        .join(Media, Media.sha256 == Attachment.sha256)
        .where(
            Attachment.ticket_id == ticket_id,
            Attachment.state == "stored",
            Attachment.kind == "image",
        )
        .order_by(Attachment.id)
    )
    seen, photos = set(), []
    for attachment, media in s.execute(q).all():
        if media.sha256 not in seen:
            seen.add(media.sha256)
            photos.append((attachment, media))
    return photos


def ticket_has_media(s: Session, ticket_id: int, sha256: str) -> bool:
    """True when `sha256` is a stored file of the ticket (for signed-link access)."""
    q = select(Attachment.id).where(
        Attachment.ticket_id == ticket_id,
        Attachment.sha256 == sha256,
        Attachment.state == "stored",
    )
    return s.scalar(q.limit(1)) is not None


def show_first_photo(s: Session, sends, row: Attachment) -> None:
    """A ticket's first photo goes to its officer as a news card (once per ticket)."""
    ticket = s.get(Ticket, row.ticket_id)
    photos = ticket_photos(s, ticket.id)
    if row.source == "officer" or not ticket.officer or not photos:
        return
    if photos[0][1].sha256 == row.sha256:
        photo_card(sends, ticket, ticket.officer, f"photo:{ticket.no}", photos[0][0])


def photo_card(sends, ticket: Ticket, userid: str, key: str, first: Attachment | None = None):
    """A news card with the ticket's first photo to `userid` (an officer newly assigned to a
    ticket that already has photos sees them too); nothing when it has none yet."""
    if first is None:
        photos = ticket_photos(sends.s, ticket.id)
        if not photos:
            return None
        first = photos[0][0]
    text = texts.fmt(texts.FIRST_PHOTO, no=ticket.no, source=texts.PHOTO_SOURCES[first.source])
    push = sends.push(userid, key, text, ticket.no, title=text)
    push.extra = {"photo": first.sha256}
    return push
