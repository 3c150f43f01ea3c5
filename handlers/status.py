"""Status queries: `查询 CY20261126-0012` or "我反映的问题怎么样了" answer with the latest step.

Numbers are sequential, so they are easy to walk: a group learns only about its own community's
tickets, anyone about the tickets they reported, staff about all; the officer's name (in the
latest step) only the reporter and staff. Any other ticket is "not found", like a wrong number.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select

from domain import texts
from domain.lifecycle import status_name
from domain.models import Message, Ticket
from handlers.base import Context, Outcome

log = logging.getLogger(__name__)
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
        insider = ticket is not None and _reported_or_staff(message, ticket, ctx)
        if ticket is not None and not (insider or _same_community(message, ticket, ctx)):
            log.warning(
                "message %s/%s: status of %s refused to another community's group",
                message.channel,
                message.msg_id,
                ticket.no,
            )
            ticket = None
        if ticket is None:
            text = texts.fmt(texts.STATUS_NOT_FOUND, no=no) if no else texts.STATUS_NONE
        else:
            text = describe(ticket, ctx, with_step=insider)
        ctx.desk.sends.reply(message, text, ticket.no if ticket else None)
        return Outcome(self.name, ticket.no if ticket else None)

    def _find(self, message: Message, no: str | None, ctx: Context) -> Ticket | None:
        q = select(Ticket)
        if no:
            return ctx.session.scalar(q.where(Ticket.no == no))
        own = q.where(Ticket.reporter_id == message.sender_id, Ticket.channel == message.channel)
        return ctx.session.scalar(own.order_by(Ticket.id.desc()).limit(1))


def _reported_or_staff(message: Message, ticket: Ticket, ctx: Context) -> bool:
    """The asker reported `ticket` (first, or in a report merged into it), or is staff."""
    if ctx.config.staff_userid(message.sender_id) is not None:
        return True
    return ctx.desk.has_reported(ticket, message)


def _same_community(message: Message, ticket: Ticket, ctx: Context) -> bool:
    """The question comes from a group of the ticket's community."""
    group = ctx.config.community_for_group(message.group_id) if message.group_id else None
    return group is not None and group.name == ticket.community


def describe(ticket: Ticket, ctx: Context, with_step: bool = True) -> str:
    """One line: number, category, status and, for insiders, the latest step (which may name
    the officer); never the reporter's identity."""
    latest = ticket.events[-1] if ticket.events else None
    when = latest.at.astimezone(ctx.config.tz).strftime("%m-%d %H:%M") if latest else ""
    if not with_step:
        step = f"最近更新于 {when}" if when else "正在处理"
    else:
        step = f"最新进展（{when}）：{latest.note}" if latest and latest.note else "正在处理"
    return texts.fmt(
        texts.STATUS_LINE,
        no=ticket.no,
        category=ctx.config.categories[ticket.category].zh,
        status=status_name(ticket.status),
        latest=step,
    )
