"""The officer-command handler: officers' commands in chat act on tickets; others are refused."""

from __future__ import annotations

from domain.models import Message
from handlers.base import Context, Outcome
from handlers.commands import Command, parse_command, run_command


class OfficerCommandHandler:
    """Matches a command from an officer, or a ticket command from anyone (who is refused)."""

    name = "officer_command"

    def match(self, message: Message, ctx: Context) -> Command | None:
        command = parse_command(message.text)
        if command is None:
            return None
        is_staff = ctx.config.staff_userid(message.sender_id) is not None
        mine = is_staff or command.ref is not None or message.channel == "wecom"
        return command if mine else None

    def handle(self, message: Message, ctx: Context, command: Command) -> Outcome:
        userid = ctx.config.staff_userid(message.sender_id)
        if userid is None:
            ctx.desk.sends.reply(message, REFUSAL)
            return Outcome(self.name, detail={"verb": command.verb, "refused": True})
        reply, ticket_no = run_command(command, userid, ctx)
        ctx.desk.sends.reply(message, reply, ticket_no)
        return Outcome(self.name, ticket_no, {"verb": command.verb})


REFUSAL = "抱歉，只有城管队员可以操作工单。如需反映问题，请直接描述问题和位置。"
