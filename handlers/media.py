"""Residents' photos and unrecognised voice: joined to the complaint they follow, else kept."""

from __future__ import annotations

from sqlalchemy import select

from domain import attachments, texts
from domain.models import Message, Ticket
from handlers.base import Context, Outcome


class ResidentMediaHandler:
    """A resident's photo (or voice without recognition text) joins their complaint of the last
    few minutes; with no complaint before it, it is kept on the message and the bot says nothing
    (it is often a meme)."""

    name = "resident_media"

    def match(self, message: Message, ctx: Context) -> str | None:
        if ctx.config.staff_userid(message.sender_id) is not None:
            return None
        voice_only = message.kind == "voice" and not (message.text or "").strip()
        return attachments.media_kind(message) if message.kind == "image" or voice_only else None

    def handle(self, message: Message, ctx: Context, kind: str) -> Outcome:
        minutes = ctx.config.media.join_minutes
        ticket = attachments.recent_ticket(ctx.session, message, ctx.now, minutes)
        attachments.attach_message(ctx.session, message, ticket, "resident", ctx.now)
        if ticket is None:
            return Outcome(self.name, detail={"kept": kind})
        note = texts.VOICE_KEPT if kind == "voice" else texts.PHOTO_ADDED
        ctx.desk.event(ticket, "resident", kind, ticket.status, ticket.status, note)
        return Outcome(self.name, ticket.no, {"joined": kind})


def link_after_handling(message: Message, outcome: Outcome, ctx: Context) -> None:
    """A file on a message that opened or joined a ticket (a bridge complaint carrying `image`,
    an officer's 办结 photo) is fetched for that ticket; a complaint also takes the photos its
    sender sent a few minutes before it."""
    if outcome.handler == ResidentMediaHandler.name or not outcome.ticket_no:
        return
    ticket = ctx.session.scalar(select(Ticket).where(Ticket.no == outcome.ticket_no))
    if outcome.handler in ("complaint", "merged"):
        minutes = ctx.config.media.join_minutes
        attachments.adopt_recent(ctx.session, message, ticket, ctx.now, minutes, ctx.desk.sends)
    if attachments.origin_of(message) is None:
        return
    staff = ctx.config.staff_userid(message.sender_id) is not None
    source = "officer" if staff else "resident"
    attachments.attach_message(ctx.session, message, ticket, source, ctx.now)
