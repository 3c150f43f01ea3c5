"""Everything else: the bot stays silent so it never spams a group."""

from __future__ import annotations

from domain.models import Message
from handlers.base import Context, Outcome


class ChatterHandler:
    """Matches anything; records the reading and sends nothing."""

    name = "chatter"

    def match(self, message: Message, ctx: Context) -> bool:
        return True

    def handle(self, message: Message, ctx: Context) -> Outcome:
        reading = ctx.classify(message) if message.text else None
        return Outcome(self.name, detail={"intent": getattr(reading, "intent", None)})
