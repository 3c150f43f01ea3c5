"""Status queries: `查询 CY20261126-0012` or "我反映的问题怎么样了" answer with the latest step."""

from __future__ import annotations

import re

from sqlalchemy import select

from domain import texts
from domain.lifecycle import status_name
from domain.models import Message, Ticket
from handlers.base import Context, Outcome

TICKET_NO = re.compile(r"([A-Z]{1,4})\s*(\d{8})\s*-\s*(\d{1,4})", re.IGNORECASE)


def ticket_no_in(text: str, prefix: str) -> str | None:
    """A full ticket number written in `text` (tolerating spaces and lower case), normalised."""
    m = TICKET_NO.search(text or "")
    if not m or m.group(1).upper() != prefix:
        return None
    return f"{prefix}{m.group(2)}-{int(m.group(3)):04d}"


class StatusQueryHandler:
    """Matches a written ticket number or what the classifier reads as a status query."""

    name = "status_query"

    def match(self, message: Message, ctx: Context) -> str | None:
        """The ticket number written in the message, "" for a status query naming none."""
        no = ticket_no_in(message.text, ctx.config.service.ticket_prefix)
        if no:
            return no
        asks = bool(message.text) and ctx.classify(message).intent == "status_query"
        return "" if asks else None

    def handle(self, message: Message, ctx: Context, no: str) -> Outcome:
        ticket = self._find(message, no or None, ctx)
        if ticket is None:
            text = texts.fmt(texts.STATUS_NOT_FOUND, no=no) if no else texts.STATUS_NONE
        else:
            text = describe(ticket, ctx)
        ctx.desk.sends.reply(message, text, ticket.no if ticket else None)
        return Outcome(self.name, ticket.no if ticket else None)

    def _find(self, message: Message, no: str | None, ctx: Context) -> Ticket | None:
        q = select(Ticket)
        if no:
            return ctx.session.scalar(q.where(Ticket.no == no))
        own = q.where(Ticket.reporter_id == message.sender_id, Ticket.channel == message.channel)
        return ctx.session.scalar(own.order_by(Ticket.id.desc()).limit(1))


def describe(ticket: Ticket, ctx: Context) -> str:
    """One line: number, category, status and the latest step (no reporter identity)."""
    latest = ticket.events[-1] if ticket.events else None
    when = latest.at.astimezone(ctx.config.tz).strftime("%m-%d %H:%M") if latest else ""
    step = f"最新进展（{when}）：{latest.note}" if latest and latest.note else "正在处理"
    return texts.fmt(
        texts.STATUS_LINE,
        no=ticket.no,
        category=ctx.config.categories[ticket.category].zh,
        status=status_name(ticket.status),
        latest=step,
    )
