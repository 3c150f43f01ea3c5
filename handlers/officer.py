"""Officers' commands in plain Chinese (接单 0012, 我的工单, 今日值班 ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.models import Message
from handlers.base import Context, Outcome

VERBS = ("接单", "到场", "办结", "转派", "退回", "升级", "我的工单", "今日值班")
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


class OfficerCommandHandler:
    """Matches a command from an officer, or a ticket command from anyone (who is refused)."""

    name = "officer_command"

    def match(self, message: Message, ctx: Context) -> bool:
        command = parse_command(message.text)
        if command is None:
            return False
        is_staff = ctx.config.role_of(message.sender_id) is not None
        return is_staff or command.ref is not None or message.channel == "wecom"

    def handle(self, message: Message, ctx: Context) -> Outcome:
        from handlers.commands import run_command  # the command table lives with its actions

        command = parse_command(message.text)
        if ctx.config.role_of(message.sender_id) is None:
            ctx.desk.sends.reply(message, REFUSAL)
            return Outcome(self.name, detail={"verb": command.verb, "refused": True})
        reply, ticket_no = run_command(command, message.sender_id, ctx)
        ctx.desk.sends.reply(message, reply, ticket_no)
        return Outcome(self.name, ticket_no, {"verb": command.verb})


REFUSAL = "抱歉，只有城管队员可以操作工单。如需反映问题，请直接描述问题和位置。"
