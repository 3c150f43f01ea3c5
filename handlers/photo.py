"""A photo an officer sends right after 办结 is attached to that ticket."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain import actions
from domain.models import Message, Ticket
from handlers.base import Context, Outcome

PHOTO_WINDOW = timedelta(minutes=30)  # "right after": later photos are not guessed onto a ticket


class OfficerPhotoHandler:
    """Matches an image from an officer who resolved a ticket in the last half hour."""

    name = "officer_photo"

    def match(self, message: Message, ctx: Context) -> Ticket | None:
        return self._ticket(message, ctx) if message.kind == "image" else None

    def handle(self, message: Message, ctx: Context, ticket: Ticket) -> Outcome:
        photo = {
            k: message.extra.get(k)
            for k in ("media_id", "pic_url", "image")
            if message.extra.get(k)
        }
        userid = ctx.config.staff_userid(message.sender_id)
        reply = actions.attach_photo(ctx.desk, ticket, userid, photo)
        ctx.desk.sends.reply(message, reply, ticket.no)
        return Outcome(self.name, ticket.no)

    def _ticket(self, message: Message, ctx: Context) -> Ticket | None:
        userid = ctx.config.staff_userid(message.sender_id)
        if userid is None:
            return None
        q = select(Ticket).where(
            Ticket.status == "resolved", Ticket.resolved_at >= ctx.now - PHOTO_WINDOW
        )
        tickets = ctx.session.scalars(q.order_by(Ticket.resolved_at.desc()))
        return next((t for t in tickets if (t.resolution or {}).get("by") == userid), None)
