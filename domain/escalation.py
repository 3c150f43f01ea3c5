"""What each timer does when it rings: remind, reassign, escalate (督办), overdue notice, close."""

from __future__ import annotations

import logging

from domain import actions, texts
from domain.lifecycle import AWAITING_ACCEPT, HANDLING, status_name
from domain.models import Ticket, Timer
from domain.roster import on_duty
from domain.tickets import TicketDesk

log = logging.getLogger(__name__)


def fire(desk: TicketDesk, timer: Timer) -> str:
    """Act on a due timer once; a timer whose moment has passed (ticket moved on) does nothing."""
    ticket = desk.s.get(Ticket, timer.ticket_id)
    timer.state, timer.fired_at = "fired", desk.now
    stale = timer.kind != "overdue" and timer.round != ticket.round
    if stale or not STILL_RELEVANT[timer.kind](ticket):
        return "moot"
    ACTIONS[timer.kind](desk, ticket)
    log.info("ticket %s: timer %s (round %d) fired", ticket.no, timer.kind, timer.round)
    return timer.kind


def remind(desk: TicketDesk, ticket: Ticket) -> None:
    """Nudge the assignee before the accept deadline."""
    text = texts.fmt(
        texts.REMIND_TEXT,
        no=ticket.no,
        seq=f"{ticket.seq:04d}",
        deadline=desk.sends.local(ticket.accept_by),
    )
    key = f"remind:{ticket.no}:{ticket.round}"
    desk.sends.push(ticket.officer, key, text, ticket.no, urgent=ticket.urgent)
    desk.event(ticket, "system", "remind", ticket.status, ticket.status, "超时提醒")


def reassign(desk: TicketDesk, ticket: Ticket) -> None:
    """Nobody accepted: give it to the station's other officer, else escalate."""
    other = _other_officer(desk, ticket)
    if other is None:
        actions.escalate(desk, ticket, "system", "超时未接单，且无其他队员可改派，升级中队督办")
        return
    desk.transition(
        ticket,
        "transfer",
        "system",
        f"{desk.name_of(ticket.officer)} 超时未接单，改派 {desk.name_of(other)}",
    )
    desk.assign(ticket, other, texts.PUSH_TRANSFERRED, next_timer="escalate")


def _other_officer(desk: TicketDesk, ticket: Ticket) -> str | None:
    """Another officer of the station on duty now; None at night, on holidays or when alone.

    Waking an off-duty officer is not the roster's intent: without a colleague on duty the
    ticket goes up to the squadron instead.
    """
    duty = on_duty(desk.config, ticket.station, desk.now)
    if duty.fallback:
        return None
    candidates = [p.userid for p in duty.officers if p.userid != ticket.officer]
    return desk.least_loaded(candidates) if candidates else None


def escalate(desk: TicketDesk, ticket: Ticket) -> None:
    """Still nobody: the squadron leader supervises (督办)."""
    actions.escalate(desk, ticket, "system", "超时未接单，升级中队督办")


def overdue(desk: TicketDesk, ticket: Ticket) -> None:
    """Past the resolve deadline: the squadron leader is told (督办); the status stays."""
    squadron = desk.config.squadron(desk.config.station(ticket.station).squadron)
    text = texts.fmt(
        texts.OVERDUE_TEXT,
        no=ticket.no,
        category=desk.config.categories[ticket.category].zh,
        deadline=desk.sends.local(ticket.resolve_by),
        status=status_name(ticket.status),
        officer=desk.name_of(ticket.officer),
    )
    key = f"overdue:{ticket.no}"
    desk.sends.push(squadron.leader.userid, key, text, ticket.no, urgent=ticket.urgent)
    desk.event(
        ticket, "system", "supervise", ticket.status, ticket.status, "超过办结时限，中队督办"
    )


def close(desk: TicketDesk, ticket: Ticket) -> None:
    """No answer to the satisfaction question in time: closed."""
    actions.close(desk, ticket, "system", "timeout")


ACTIONS = {
    "remind": remind,
    "reassign": reassign,
    "escalate": escalate,
    "overdue": overdue,
    "close": close,
}
STILL_RELEVANT = {
    "remind": lambda t: t.status in AWAITING_ACCEPT,
    "reassign": lambda t: t.status in AWAITING_ACCEPT,
    "escalate": lambda t: t.status in AWAITING_ACCEPT and t.status != "escalated",
    "overdue": lambda t: t.status in HANDLING,
    "close": lambda t: t.status == "resolved",
}
