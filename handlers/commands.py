"""Officers' commands in plain Chinese (接单 0012, 办结 0012 …, 我的工单): parsing and the table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from domain import actions
from domain.lifecycle import HANDLING, IllegalTransition, status_name
from domain.models import Ticket
from domain.officer_actions import BY_ZH, OfficerAction
from domain.roster import on_duty
from handlers.base import Context

VERBS = (*BY_ZH, "我的工单", "今日值班")
COMMAND = re.compile(r"^\s*(" + "|".join(VERBS) + r")\s*(.*)$", re.S)


@dataclass(frozen=True)
class Command:
    """A parsed command: the verb, the ticket reference (full or day sequence) and the rest."""

    verb: str
    ref: str | None
    rest: str


def parse_command(text: str) -> Command | None:
    """Parse `接单 0012 ...`; None when the text is not a command."""
    m = COMMAND.match(text or "")
    if not m:
        return None
    ref_m = re.match(r"([A-Za-z]{0,4}\d{8}-\d{1,4}|\d{1,4})\s*(.*)$", m.group(2).strip(), re.S)
    if ref_m:
        return Command(m.group(1), ref_m.group(1).upper(), ref_m.group(2).strip())
    return Command(m.group(1), None, m.group(2).strip())


class CommandRefused(Exception):
    """A business refusal whose text goes back to the officer."""


def run_command(command: Command, userid: str, ctx: Context) -> tuple[str, str | None]:
    """Run `command` for officer `userid`; returns (reply text, ticket number or None)."""
    try:
        if command.verb in BY_ZH:
            action = BY_ZH[command.verb]
            ticket = find_ticket(command.ref, userid, ctx)
            argument = _argument(action, command.rest)
            return actions.perform(ctx.desk, ticket, action.verb, userid, argument), ticket.no
        return OTHER_ACTIONS[command.verb](userid, ctx), None
    except (CommandRefused, actions.PermissionDenied, IllegalTransition) as refusal:
        return str(refusal), None


def find_ticket(ref: str | None, userid: str, ctx: Context) -> Ticket:
    """A ticket by full number, or by day sequence (today's first, else the officer's own)."""
    if not ref:
        raise CommandRefused("请写明工单号，例如：接单 0012")
    if "-" in ref:
        prefix = ctx.config.service.ticket_prefix
        no = ref if ref.startswith(prefix) else prefix + ref
        ticket = ctx.session.scalar(select(Ticket).where(Ticket.no == no))
    else:
        ticket = _by_sequence(int(ref), userid, ctx)
    if ticket is None:
        raise CommandRefused(f"未找到工单 {ref}，请核对工单号")
    return ticket


def _by_sequence(seq: int, userid: str, ctx: Context) -> Ticket | None:
    """`0012` means today's ticket 12; failing that, the officer's only open ticket numbered 12."""
    day = ctx.now.astimezone(ctx.config.tz).strftime("%Y%m%d")
    today = ctx.session.scalar(select(Ticket).where(Ticket.day == day, Ticket.seq == seq))
    if today is not None:
        return today
    q = select(Ticket).where(
        Ticket.seq == seq, Ticket.officer == userid, Ticket.status.in_(HANDLING | {"resolved"})
    )
    mine = list(ctx.session.scalars(q.limit(2)))
    if len(mine) > 1:
        raise CommandRefused(f"工单号 {seq:04d} 不唯一，请写完整工单号")
    return mine[0] if mine else None


def _argument(action: OfficerAction, rest: str) -> str:
    """The action's argument from the words after the ticket number (a target is one word)."""
    if action.argument != "target":
        return rest
    if not rest:
        raise CommandRefused(f"请写明{action.zh}给谁，例如：{action.zh} 0012 张勤利")
    return rest.split()[0]


def my_tickets(userid: str, ctx: Context) -> str:
    """我的工单: the officer's open tickets, newest first."""
    q = select(Ticket).where(Ticket.officer == userid, Ticket.status.in_(HANDLING))
    tickets = list(ctx.session.scalars(q.order_by(Ticket.id.desc()).limit(10)))
    if not tickets:
        return "您当前没有待办工单"
    lines = [f"{t.no} {status_name(t.status)} {t.community}{t.place or ''}" for t in tickets]
    return "您的待办工单：\n" + "\n".join(lines)


def duty_today(userid: str, ctx: Context) -> str:
    """今日值班: who is on duty now at the officer's station (leaders: every station)."""
    role = ctx.config.role_of(userid)
    stations = (
        [role[1]]
        if role[0] == "officer"
        else [s.code for s in ctx.config.stations if s.squadron == role[1]]
    )
    return "\n".join(_duty_line(code, ctx) for code in stations)


def _duty_line(code: str, ctx: Context) -> str:
    duty = on_duty(ctx.config, code, ctx.now)
    names = "、".join(p.name for p in duty.officers)
    suffix = f"（{duty.reason}，由中队值班员兜底）" if duty.fallback else ""
    return f"{ctx.config.station(code).name} 当前值班：{names}{suffix}"


OTHER_ACTIONS = {"我的工单": my_tickets, "今日值班": duty_today}
