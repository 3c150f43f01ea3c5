"""A resident's complaint becomes a ticket (or joins a neighbour's), and the chat is told."""

from __future__ import annotations

import logging

from domain import texts
from domain.models import Message, Ticket
from domain.questions import ask_confirm, pending_question
from domain.residents import resident
from domain.tickets import MERGE_SIMILARITY, Finding
from handlers.base import Context, Outcome
from handlers.location import ask_once, community_at, location_of
from nlp import Classification

log = logging.getLogger(__name__)


class ComplaintHandler:
    """Matches a complaint, or a message the classifier is unsure about (then it asks once)."""

    name = "complaint"

    def match(self, message: Message, ctx: Context) -> Classification | None:
        """The reading of a complaint, or of a message the classifier wants to ask about."""
        if not message.text:
            return None
        reading = ctx.classify(message)
        return reading if reading.intent == "complaint" or reading.ask else None

    def handle(self, message: Message, ctx: Context, reading: Classification) -> Outcome:
        community = community_of(message, ctx)
        shared = location_of(message)
        if community is None and shared is not None:
            ask_once(message, shared, ctx)  # a place outside every community we serve
            return Outcome(self.name, detail={"skipped": "location outside every community"})
        if community is None:
            log.warning(
                "message %s/%s: complaint from an unknown group %s, not ticketed",
                message.channel,
                message.msg_id,
                message.group_id,
            )
            return Outcome(self.name, detail={"skipped": "unknown community"})
        if reading.ask:
            return self._ask(message, reading, ctx)
        return open_and_dispatch(message, community, ctx)

    def _ask(self, message: Message, reading: Classification, ctx: Context) -> Outcome:
        """Unsure: ask the sender once; a second doubtful message while one is open stays quiet."""
        if pending_question(ctx.desk, message) is None:
            topic = ctx.config.categories[reading.category].zh if reading.category else "城市管理"
            ask_confirm(ctx.desk, message, topic)
            return Outcome("ask", detail={"category": reading.category})
        return Outcome("ask", detail={"category": reading.category, "already_asked": True})


def community_of(message: Message, ctx: Context) -> str | None:
    """The community a complaint is about: where its shared location lies, else named in the
    text, else the group's, else remembered."""
    shared = location_of(message)
    at = community_at(shared, ctx) if shared else None
    if at:
        return at
    named = ctx.classify(message).community
    if named:
        return named
    if message.group_id:
        group = ctx.config.community_for_group(message.group_id)
        return group.name if group else None
    if message.channel == "wechat":
        return resident(ctx.session, message.channel, message.sender_id).community
    return None


def finding_for(message: Message, community: str, ctx: Context) -> Finding:
    """The desk's view of the NLP reading."""
    reading = ctx.classify(message)
    return Finding(
        category=reading.category or "other",
        urgent=bool(reading.urgent),
        community=community,
        place=_place(message) or reading.place,
        evidence=tuple(reading.evidence),
        text=message.text,
    )


def _place(message: Message) -> str | None:
    """A shared location's label is the place (the sender's map named it)."""
    shared = location_of(message)
    return shared.label[:128] if shared and shared.label else None


def open_and_dispatch(message: Message, community: str, ctx: Context) -> Outcome:
    """Open the ticket for `message` (or merge it into a neighbour's), assign, and reply."""
    finding = finding_for(message, community, ctx)
    existing = ctx.desk.ticket_for_message(message)
    primary = None if existing else ctx.desk.find_duplicate(finding, _similar(ctx))
    if primary is not None:
        ctx.desk.merge_into(message, finding, primary)
        text = texts.fmt(texts.TICKET_MERGED, no=primary.no, reporters=primary.reporters)
        ctx.desk.sends.reply(message, text, primary.no)
        return Outcome("merged", primary.no, {"category": primary.category})
    ticket = ctx.desk.open_ticket(message, finding)
    if ticket.status == "merged":  # a re-run of a merged report
        return Outcome("merged", ticket.no)
    officer = ctx.desk.dispatch(ticket)
    station = ctx.config.station(ticket.station)
    text = texts.fmt(texts.TICKET_CREATED, no=ticket.no, station=station.name)
    ctx.desk.sends.reply(message, text, ticket.no)
    return Outcome("complaint", ticket.no, {"officer": officer, "category": ticket.category})


def _similar(ctx: Context):
    """Same incident: the same place when both name one, else similar wording."""
    clf = ctx.classifier

    def similar(ticket: Ticket, finding: Finding) -> bool:
        if ticket.place and finding.place:  # 3号楼门口 and 5号楼门口 are two incidents
            return clf.same_place(ticket.place, finding.place)
        return clf.similarity(ticket.text, finding.text) >= MERGE_SIMILARITY

    return similar
