"""A resident's complaint becomes a ticket, dispatched to the officer on duty, and the group is told."""

from __future__ import annotations

import logging

from domain import texts
from domain.models import Message
from domain.tickets import Finding
from handlers.base import Context, Outcome
from domain.residents import resident

log = logging.getLogger(__name__)


class ComplaintHandler:
    """Matches what the classifier reads as a complaint in a community the config knows."""

    name = "complaint"

    def match(self, message: Message, ctx: Context) -> bool:
        return bool(message.text) and ctx.classify(message).intent == "complaint"

    def handle(self, message: Message, ctx: Context) -> Outcome:
        community = community_of(message, ctx)
        if community is None:
            log.warning("message %s/%s: complaint from an unknown group %s, not ticketed",
                        message.channel, message.msg_id, message.group_id)
            return Outcome(self.name, detail={"skipped": "unknown community"})
        return open_and_dispatch(message, community, ctx)


def community_of(message: Message, ctx: Context) -> str | None:
    """The community a complaint is about: named in the text, else the group's, else remembered."""
    named = ctx.classify(message).community
    if named:
        return named
    if message.group_id:
        group = ctx.config.community_for_group(message.group_id)
        return group.name if group else None
    if message.channel == "wechat":
        return resident(ctx.session, message.channel, message.sender_id).community
    return None


def open_and_dispatch(message: Message, community: str, ctx: Context) -> Outcome:
    """Open the ticket for `message`, assign it, and record the reply to the reporter."""
    reading = ctx.classify(message)
    finding = Finding(
        category=reading.category or "other",
        urgent=bool(reading.urgent),
        community=community,
        place=reading.place,
        evidence=tuple(reading.evidence),
    )
    ticket = ctx.desk.open_ticket(message, finding)
    officer = ctx.desk.dispatch(ticket)
    station = ctx.config.station(ticket.station)
    text = texts.fmt(texts.TICKET_CREATED, no=ticket.no, station=station.name)
    ctx.desk.reply(message, mention_prefix(message) + text, ticket.no)
    return Outcome("complaint", ticket.no, {"officer": officer, "category": ticket.category})


def mention_prefix(message: Message) -> str:
    """`@name ` in a group (residents see who is answered), nothing in a one-to-one chat."""
    return f"@{message.sender_name} " if message.group_id else ""
