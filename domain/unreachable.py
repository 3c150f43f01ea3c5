"""An officer WeCom will not deliver to (outside the app's visible range, errcode 81013 and kin):
the squadron leader hears of it once, and the ticket goes to the next officer on duty at once
instead of waiting for the accept timer."""

from __future__ import annotations

import logging

from sqlalchemy import select

from domain import actions, texts
from domain.lifecycle import AWAITING_ACCEPT
from domain.models import Ticket, TicketEvent
from domain.roster import on_duty
from domain.tickets import TicketDesk

log = logging.getLogger(__name__)


def officer_unreachable(desk: TicketDesk, userid: str, ticket_no: str | None) -> str | None:
    """Tell the leader once; move the ticket on. Returns who has the ticket now, if it moved."""
    ticket = desk.s.scalar(select(Ticket).where(Ticket.no == ticket_no)) if ticket_no else None
    _tell_leader(desk, userid, ticket)
    if ticket is None or ticket.officer != userid or ticket.status not in AWAITING_ACCEPT:
        return None
    desk.event(ticket, userid, "unreachable", ticket.status, ticket.status, texts.UNREACHABLE_NOTE)
    other = _next_officer(desk, ticket)
    if other is None:
        if ticket.status == "escalated":
            return None  # the leader was the one unreachable: nobody left to hand it to
        note = texts.fmt(texts.UNREACHABLE_ESCALATE, name=desk.name_of(userid))
        actions.escalate(desk, ticket, "system", note)
        return ticket.officer
    desk.transition(
        ticket,
        "transfer",
        "system",
        texts.fmt(texts.UNREACHABLE_TRANSFER, name=desk.name_of(userid), other=desk.name_of(other)),
    )
    desk.assign(ticket, other, texts.PUSH_TRANSFERRED, next_timer="escalate")
    log.warning("ticket %s: %s unreachable, moved to %s", ticket.no, userid, other)
    return other


def _tell_leader(desk: TicketDesk, userid: str, ticket: Ticket | None) -> None:
    person = desk.config.officer(userid)
    role = desk.config.role_of(userid)
    if role is None:
        return
    squadron_code = desk.config.station(role[1]).squadron if role[0] == "officer" else role[1]
    leader = desk.config.squadron(squadron_code).leader
    if leader.userid == userid:
        return  # nobody above to tell through this app
    detail = texts.fmt(texts.UNREACHABLE_MOVED, no=ticket.no) if ticket else ""
    text = texts.fmt(
        texts.OFFICER_UNREACHABLE,
        name=person.name if person else userid,
        userid=userid,
        detail=detail,
    )
    # Keyed by the officer: told once, however many tickets bounce off them.
    desk.sends.push(leader.userid, f"unreachable:{userid}", text, None)


def _next_officer(desk: TicketDesk, ticket: Ticket) -> str | None:
    """Another officer of the station on duty now who has not bounced this ticket already."""
    duty = on_duty(desk.config, ticket.station, desk.now)
    if duty.fallback:
        return None
    bounced = set(
        desk.s.scalars(
            select(TicketEvent.actor).where(
                TicketEvent.ticket_id == ticket.id, TicketEvent.action == "unreachable"
            )
        )
    )
    candidates = [p.userid for p in duty.officers if p.userid not in bounced | {ticket.officer}]
    return desk.least_loaded(candidates) if candidates else None
