"""The ticket desk: opens tickets from messages, merges duplicates, routes, assigns, records."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain import texts
from domain.lifecycle import OPEN_STATUSES, next_status
from domain.models import Message, Ticket, TicketEvent
from domain.outbox import Sends
from domain.roster import on_duty
from domain.timers import TimerBoard
from domain.workcal import deadline_for

log = logging.getLogger(__name__)
NUMBERING_ATTEMPTS = 8  # concurrent workers may race for the same day sequence
MERGE_WINDOW = timedelta(days=3)  # an open ticket older than this is a different incident
MERGE_SIMILARITY = 0.5  # text similarity above which two reports are the same incident
PRIORITY_REPORTERS = 3  # this many neighbours make a ticket urgent


@dataclass(frozen=True)
class Finding:
    """What the NLP found in a complaint, as the desk needs it."""

    category: str
    urgent: bool
    community: str
    place: str | None
    evidence: tuple[str, ...]
    text: str = ""


class TicketDesk:
    """Ticket operations inside one database session; the caller commits."""

    def __init__(self, session: Session, config, now: datetime):
        self.s = session
        self.config = config
        self.now = now
        self.sends = Sends(session, config, now)
        self.timers = TimerBoard(session)

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
        self.event(ticket, "system", "open", None, "received", "群消息自动受理")
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
            reporters=1,
            round=0,
            created_at=self.now,
            updated_at=self.now,
            accept_by=self.now + self.accept_window(finding.urgent),
            resolve_by=deadline_for(self.config, finding.category, self.now),
        )

    def accept_window(self, urgent: bool) -> timedelta:
        """How long an officer has to accept (config: time_limits.accept_minutes)."""
        limits = self.config.time_limits.accept_minutes
        return timedelta(minutes=limits.urgent if urgent else limits.normal)

    # -- merging neighbours' reports ----------------------------------------------------------
    def find_duplicate(self, finding: Finding, similar) -> Ticket | None:
        """An open ticket for the same incident: same community and category, similar text/place."""
        q = select(Ticket).where(
            Ticket.community == finding.community,
            Ticket.category == finding.category,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.created_at >= self.now - MERGE_WINDOW,
        )
        for ticket in self.s.scalars(q.order_by(Ticket.id)):
            if similar(ticket, finding):
                return ticket
        return None

    def merge_into(self, message: Message, finding: Finding, primary: Ticket) -> Ticket:
        """Record `message` as another report of `primary`: a merged ticket, more reporters."""
        duplicate = self.open_ticket(message, finding)
        if duplicate.status == "merged":
            return duplicate
        repeat = self.has_reported(primary, message)  # checked before this report joins it
        duplicate.merged_into_id = primary.id
        self.transition(duplicate, "merge", "system", f"并入 {primary.no}")
        if not repeat:  # the same person again is one voice, not a neighbour more
            primary.reporters += 1
            if primary.reporters >= PRIORITY_REPORTERS and not primary.urgent:
                primary.urgent = True  # several neighbours: it jumps the queue
        count = f"同一人，仍为 {primary.reporters} 人" if repeat else f"共 {primary.reporters} 人"
        note = f"{message.sender_name} 再次反映（{count}）"
        self.event(primary, "system", "report", primary.status, primary.status, note)
        if repeat:
            return duplicate
        if primary.officer:
            text = texts.fmt(texts.MORE_REPORTERS, no=primary.no, reporters=primary.reporters)
            self.sends.push(
                primary.officer,
                f"more:{primary.no}:{primary.reporters}",
                text,
                primary.no,
                urgent=primary.urgent,
            )
        return duplicate

    def has_reported(self, primary: Ticket, message: Message) -> bool:
        """True when the sender of `message` already reported `primary` (first or merged)."""
        same = (Ticket.reporter_id == message.sender_id) & (Ticket.channel == message.channel)
        mine = (Ticket.id == primary.id) | (Ticket.merged_into_id == primary.id)
        q = select(func.count()).select_from(Ticket).where(same, mine)
        q = q.where(Ticket.origin_message_id != message.id)
        return bool(self.s.scalar(q))

    # -- assignment ---------------------------------------------------------------------------
    def dispatch(self, ticket: Ticket) -> str:
        """Assign a new ticket to the least-loaded officer on duty now (or the fallback)."""
        if ticket.status != "received":
            return ticket.officer
        duty = on_duty(self.config, ticket.station, self.now)
        officer = self.least_loaded([p.userid for p in duty.officers])
        note = f"派给 {self.name_of(officer)}" + (f"（{duty.reason}）" if duty.fallback else "")
        self.transition(ticket, "dispatch", "system", note)
        self.assign(ticket, officer, texts.PUSH_NEW, next_timer="reassign")
        return officer

    def assign(self, ticket: Ticket, userid: str, push_kind: str, next_timer: str | None) -> None:
        """Make `userid` the assignee for a new round: push them and arm the accept timers."""
        ticket.officer = userid
        ticket.round += 1
        window = self.accept_window(ticket.urgent)
        ticket.accept_by = self.now + window
        self.sends.push_ticket(ticket, userid, push_kind, f"assign:{ticket.no}:{ticket.round}")
        fraction = self.config.time_limits.remind_at_fraction
        self.timers.arm(ticket, "remind", self.now + window * fraction)
        if next_timer:
            self.timers.arm(ticket, next_timer, ticket.accept_by)
        if ticket.resolve_by:
            self.timers.arm(ticket, "overdue", ticket.resolve_by, round_=0)

    def least_loaded(self, userids: list[str]) -> str:
        """The officer with the fewest open tickets (roster order breaks ties)."""
        loads = dict(
            self.s.execute(
                select(Ticket.officer, func.count())
                .where(Ticket.officer.in_(userids), Ticket.status.in_(OPEN_STATUSES))
                .group_by(Ticket.officer)
            ).all()
        )
        return min(userids, key=lambda u: (loads.get(u, 0), userids.index(u)))

    def name_of(self, userid: str | None) -> str:
        """An officer's display name (the userid when unknown)."""
        person = self.config.officer(userid) if userid else None
        return person.name if person else (userid or "—")

    # -- history ------------------------------------------------------------------------------
    def transition(self, ticket: Ticket, action: str, actor: str, note: str | None = None) -> None:
        """Move `ticket` by `action` (checked) and append the event."""
        before = ticket.status
        ticket.status = next_status(before, action)
        ticket.updated_at = self.now
        self.event(ticket, actor, action, before, ticket.status, note)

    def event(self, ticket, actor, action, before, after, note) -> None:
        """Append one step to the ticket's audit trail."""
        self.s.add(
            TicketEvent(
                ticket_id=ticket.id,
                at=self.now,
                actor=actor,
                action=action,
                from_status=before,
                to_status=after,
                note=note,
            )
        )
