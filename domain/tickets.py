"""The ticket desk: opens tickets from messages, routes and assigns them, records what to send."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import texts
from domain.lifecycle import OPEN_STATUSES, next_status
from domain.models import Message, Outbox, Ticket, TicketEvent
from domain.roster import on_duty
from domain.workcal import deadline_for

log = logging.getLogger(__name__)
NUMBERING_ATTEMPTS = 8  # concurrent workers may race for the same day sequence


@dataclass(frozen=True)
class Finding:
    """What the NLP found in a complaint, as the desk needs it."""

    category: str
    urgent: bool
    community: str
    place: str | None
    evidence: tuple[str, ...]


class TicketDesk:
    """Ticket operations inside one database session; the caller commits."""

    def __init__(self, session: Session, config, now: datetime):
        self.s = session
        self.config = config
        self.now = now
        self.recorded: list[Outbox] = []  # sends recorded in this unit of work, to enqueue after

    # -- opening -------------------------------------------------------------------------------
    def ticket_for_message(self, message: Message) -> Ticket | None:
        """The ticket this message opened, if any (the idempotency check)."""
        return self.s.scalar(select(Ticket).where(Ticket.origin_message_id == message.id))

    def open_ticket(self, message: Message, finding: Finding) -> Ticket:
        """Open (or return the already opened) ticket for `message`, numbered and routed."""
        existing = self.ticket_for_message(message)
        if existing is not None:
            return existing
        ticket = self._numbered_ticket(message, finding)
        message.ticket_id = ticket.id
        self._event(ticket, "system", "open", None, "received", "群消息自动受理")
        log.info("ticket %s: opened from message %s/%s", ticket.no, message.channel, message.msg_id)
        return ticket

    def _numbered_ticket(self, message: Message, finding: Finding) -> Ticket:
        day = self.now.astimezone(self.config.tz).strftime("%Y%m%d")
        for _ in range(NUMBERING_ATTEMPTS):
            seq = (self.s.scalar(select(func.max(Ticket.seq)).where(Ticket.day == day)) or 0) + 1
            ticket = self._new_ticket(message, finding, day, seq)
            try:
                with self.s.begin_nested():
                    self.s.add(ticket)
                return ticket
            except IntegrityError:
                continue  # another worker took this number; the savepoint rollback dropped ours
        raise RuntimeError(f"could not number a ticket for message {message.msg_id}")

    def _new_ticket(self, message: Message, finding: Finding, day: str, seq: int) -> Ticket:
        station = self.config.station_of_community(finding.community)
        return Ticket(
            no=f"{self.config.service.ticket_prefix}{day}-{seq:04d}",
            day=day,
            seq=seq,
            origin_message_id=message.id,
            status="received",
            category=finding.category,
            urgent=finding.urgent,
            community=finding.community,
            station=station.code,
            place=finding.place,
            text=message.text,
            evidence={"words": list(finding.evidence)},
            reporter_name=message.sender_name,
            reporter_id=message.sender_id,
            channel=message.channel,
            group_id=message.group_id,
            created_at=self.now,
            updated_at=self.now,
            accept_by=self.now + timedelta(minutes=self._accept_minutes(finding.urgent)),
            resolve_by=deadline_for(self.config, finding.category, self.now),
        )

    def _accept_minutes(self, urgent: bool) -> int:
        limits = self.config.time_limits.accept_minutes
        return limits.urgent if urgent else limits.normal

    # -- dispatch -----------------------------------------------------------------------------
    def dispatch(self, ticket: Ticket) -> str:
        """Assign `ticket` to the least-loaded officer on duty now (or the fallback); push them."""
        if ticket.status != "received" and ticket.officer:
            return ticket.officer
        duty = on_duty(self.config, ticket.station, self.now)
        officer = self._least_loaded([p.userid for p in duty.officers])
        ticket.officer = officer
        note = f"派给 {self.config.officer(officer).name}" + (f"（{duty.reason}）" if duty.fallback else "")
        self.transition(ticket, "dispatch", "system", note)
        self.push_officer(ticket, officer, f"dispatch:{ticket.no}:{officer}")
        return officer

    def _least_loaded(self, userids: list[str]) -> str:
        loads = dict(
            self.s.execute(
                select(Ticket.officer, func.count())
                .where(Ticket.officer.in_(userids), Ticket.status.in_(OPEN_STATUSES))
                .group_by(Ticket.officer)
            ).all()
        )
        return min(userids, key=lambda u: (loads.get(u, 0), userids.index(u)))

    def transition(self, ticket: Ticket, action: str, actor: str, note: str | None = None) -> None:
        """Move `ticket` by `action` (checked) and append the event."""
        before = ticket.status
        ticket.status = next_status(before, action)
        ticket.updated_at = self.now
        self._event(ticket, actor, action, before, ticket.status, note)

    def _event(self, ticket, actor, action, before, after, note) -> None:
        self.s.add(
            TicketEvent(
                ticket_id=ticket.id, at=self.now, actor=actor, action=action,
                from_status=before, to_status=after, note=note,
            )
        )

    # -- outbox -------------------------------------------------------------------------------
    def push_officer(self, ticket: Ticket, userid: str, key: str) -> Outbox:
        """Record a push to officer `userid` about `ticket` (delivered by a worker job)."""
        category = self.config.categories[ticket.category]
        title = texts.fmt(
            texts.PUSH_TITLE, no=ticket.no, category=category.zh,
            urgent=texts.URGENT_MARK if ticket.urgent else "",
        )
        body = texts.fmt(
            texts.PUSH_BODY, community=ticket.community, place=ticket.place or "",
            text=ticket.text[:120], reporter=ticket.reporter_name,
            accept_by=ticket.accept_by.astimezone(self.config.tz).strftime("%H:%M"),
            evidence="、".join(ticket.evidence.get("words", [])[:5]) or "—",
        )
        url = f"{self.config.service.public_url.rstrip('/')}/tickets/{ticket.no}"
        return self.record(
            key=key, kind="push", channel=self.config.channels.notifier, recipient=userid,
            ticket_no=ticket.no, title=title, text=body, url=url,
        )

    def reply(self, message: Message, text: str, ticket_no: str | None = None) -> Outbox:
        """Record the bot's answer to `message`, back through the channel it came from."""
        recipient = message.group_id or message.sender_id
        mention = message.sender_name if message.group_id else None
        return self.record(
            key=f"reply:{message.id}", kind="reply", channel=message.channel,
            recipient=recipient, mention=mention, ticket_no=ticket_no, text=text,
        )

    def record(self, key: str, **fields) -> Outbox:
        """Record one send, unique on `key`: a re-run returns the row already recorded."""
        existing = self.s.scalar(select(Outbox).where(Outbox.key == key))
        if existing is not None:
            return existing
        row = Outbox(key=key, created_at=self.now, **fields)
        self.s.add(row)
        self.s.flush()
        self.recorded.append(row)
        return row
