"""Recording what the bot will send: officer pushes, replies to messages, notices to reporters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import texts
from domain.attachments import photo_card
from domain.models import Message, Outbox, Ticket
from domain.names import clean_name


class Sends:
    """Records sends in the unit of work; a worker delivers them after commit."""

    def __init__(self, session: Session, config, now: datetime):
        self.s, self.config, self.now = session, config, now
        self.recorded: list[Outbox] = []  # to enqueue for delivery once committed
        self.urgent_ids: set[int] = set()  # pushes about urgent tickets: the first delivery lane

    def record(self, key: str, urgent: bool = False, **fields) -> Outbox:
        """Record one send, unique on `key`: a re-run returns the row already recorded."""
        existing = self.s.scalar(select(Outbox).where(Outbox.key == key))
        if existing is not None:
            return existing
        row = Outbox(key=key, created_at=self.now, **fields)
        self.s.add(row)
        self.s.flush()
        self.recorded.append(row)
        if urgent:
            self.urgent_ids.add(row.id)
        return row

    def to_deliver(self) -> list[tuple[int, bool]]:
        """(outbox id, urgent) of what this unit of work recorded, to queue after commit."""
        return [(row.id, row.id in self.urgent_ids) for row in self.recorded]

    def push_ticket(self, ticket: Ticket, userid: str, kind: str, key: str) -> Outbox:
        """A card about `ticket` to officer `userid` (new, transferred, escalated...)."""
        category = self.config.categories[ticket.category]
        title = texts.fmt(
            texts.PUSH_TITLE,
            kind=kind,
            no=ticket.no,
            category=category.zh,
            urgent=texts.URGENT_MARK if ticket.urgent else "",
        )
        body = texts.fmt(
            texts.PUSH_BODY,
            community=ticket.community,
            place=ticket.place or "",
            text=ticket.text[:120],
            reporter=ticket.reporter_name,
            reporters=ticket.reporters,
            deadline=self.local(ticket.accept_by),
            evidence="、".join(ticket.evidence.get("words", [])[:5]) or "—",
        )
        row = self.push(userid, key, body, ticket.no, title, urgent=ticket.urgent)
        photo_card(self, ticket, userid, f"photo:{ticket.no}:{ticket.round}")
        return row

    def push(
        self,
        userid: str,
        key: str,
        text: str,
        ticket_no: str | None,
        title: str | None = None,
        urgent: bool = False,
    ) -> Outbox:
        """A push to an officer or leader through the configured notifier (`urgent`: first)."""
        url = (
            f"{self.config.service.public_url.rstrip('/')}/tickets/{ticket_no}"
            if ticket_no
            else None
        )
        return self.record(
            key=key,
            urgent=urgent,
            kind="push",
            channel=self.config.channels.notifier,
            recipient=userid,
            ticket_no=ticket_no,
            title=title or text[:40],
            text=text,
            url=url,
        )

    def reply(
        self, message: Message, text: str, ticket_no: str | None = None, key: str | None = None
    ) -> Outbox:
        """The bot's answer to `message`, back through the channel it came from."""
        mention = clean_name(message.sender_name) if message.group_id else None
        return self.record(
            key=key or f"reply:{message.id}",
            kind="reply",
            channel=message.channel,
            recipient=message.group_id or message.sender_id,
            mention=mention,
            ticket_no=ticket_no,
            text=(f"@{mention} " if mention else "") + text,
            extra=_answer_through(message),
        )

    def tell_reporter(self, ticket: Ticket, text: str, key: str) -> Outbox:
        """A notice to the reporter of `ticket`, in the chat they reported from."""
        mention = clean_name(ticket.reporter_name) if ticket.group_id else None
        return self.record(
            key=key,
            kind="reply",
            channel=ticket.channel,
            recipient=ticket.group_id or ticket.reporter_id,
            mention=mention,
            ticket_no=ticket.no,
            text=(f"@{mention} " if mention else "") + text,
        )

    def local(self, when: datetime | None) -> str:
        """`MM-DD HH:MM` in the service timezone."""
        return when.astimezone(self.config.tz).strftime("%m-%d %H:%M") if when else "—"


def _answer_through(message: Message) -> dict | None:
    """Where a channel wants the answer to this message (智能机器人: its response_url)."""
    url = (message.extra or {}).get("response_url")
    return {"response_url": url} if url else None
