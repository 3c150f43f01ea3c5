"""The officers' command table: each verb maps to one small action on the ticket desk."""

from __future__ import annotations

from sqlalchemy import select

from domain.lifecycle import OPEN_STATUSES, IllegalTransition, status_name
from domain.models import Ticket
from domain.roster import on_duty
from handlers.base import Context
from handlers.officer import Command


class CommandRefused(Exception):
    """A business refusal whose text goes back to the officer."""


def run_command(command: Command, userid: str, ctx: Context) -> tuple[str, str | None]:
    """Run `command` for officer `userid`; returns (reply text, ticket number or None)."""
    action = ACTIONS.get(command.verb)
    if action is None:
        return f"「{command.verb}」暂不支持", None
    try:
        return action(command, userid, ctx)
    except (CommandRefused, IllegalTransition) as refusal:
        return str(refusal), None


def find_ticket(ref: str | None, ctx: Context) -> Ticket:
    """The ticket a reference names: a full number, or today's day sequence (0012)."""
    if not ref:
        raise CommandRefused("请写明工单号，例如：接单 0012")
    prefix = ctx.config.service.ticket_prefix
    if "-" in ref:
        no = ref if ref.startswith(prefix) else prefix + ref
        ticket = ctx.session.scalar(select(Ticket).where(Ticket.no == no))
    else:
        day = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d")
        q = select(Ticket).where(Ticket.day == day, Ticket.seq == int(ref))
        ticket = ctx.session.scalar(q)
    if ticket is None:
        raise CommandRefused(f"未找到工单 {ref}")
    return ticket


def may_act(userid: str, ticket: Ticket, ctx: Context) -> None:
    """Officers act on their station's tickets, leaders on their squadron's; others are refused."""
    role = ctx.config.role_of(userid)
    if role is None:
        raise CommandRefused("抱歉，只有城管队员可以操作工单")
    kind, scope = role
    station = ctx.config.station(ticket.station)
    allowed = scope == ticket.station if kind == "officer" else scope == station.squadron
    if not allowed:
        raise CommandRefused(f"抱歉，工单 {ticket.no} 不属于您的辖区，无法操作")


def accept(command: Command, userid: str, ctx: Context) -> tuple[str, str]:
    """接单: the officer takes the ticket."""
    ticket = find_ticket(command.ref, ctx)
    may_act(userid, ticket, ctx)
    ticket.officer = userid
    ctx.desk.transition(ticket, "accept", userid, "队员已接单")
    return f"已接单 {ticket.no}，请尽快到场处置", ticket.no


def my_tickets(command: Command, userid: str, ctx: Context) -> tuple[str, None]:
    """我的工单: the officer's open tickets, newest first."""
    q = select(Ticket).where(Ticket.officer == userid, Ticket.status.in_(OPEN_STATUSES))
    tickets = list(ctx.session.scalars(q.order_by(Ticket.id.desc()).limit(10)))
    if not tickets:
        return "您当前没有待办工单", None
    lines = [f"{t.no} {status_name(t.status)} {t.community}{t.place or ''}" for t in tickets]
    return "您的待办工单：\n" + "\n".join(lines), None


def duty_today(command: Command, userid: str, ctx: Context) -> tuple[str, None]:
    """今日值班: who is on duty now at the officer's station."""
    role = ctx.config.role_of(userid)
    if role is None or role[0] != "officer":
        raise CommandRefused("只有工作站队员可以查询本站值班")
    duty = on_duty(ctx.config, role[1], ctx.now)
    names = "、".join(p.name for p in duty.officers)
    suffix = f"（{duty.reason}，由中队值班员兜底）" if duty.fallback else ""
    return f"{ctx.config.station(role[1]).name} 当前值班：{names}{suffix}", None


ACTIONS = {"接单": accept, "我的工单": my_tickets, "今日值班": duty_today}
