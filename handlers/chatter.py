"""Everything else: the bot stays silent so it never spams a group."""

from __future__ import annotations

from domain.models import Message
from handlers.base import Context, Outcome
from nlp import Classification


class ChatterHandler:
    """Matches anything; records the reading and sends nothing."""

    name = "chatter"

    def match(self, message: Message, ctx: Context) -> Classification | bool:
        """The reading when there is text, else True: this handler takes whatever is left."""
        return ctx.classify(message) if message.text else True

    def handle(self, message: Message, ctx: Context, found: Classification | bool) -> Outcome:
        return Outcome(self.name, detail={"intent": getattr(found, "intent", None)})
