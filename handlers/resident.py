"""Residents talking one to one: the bot asks once which community they live in and remembers it."""

from __future__ import annotations

from domain import texts
from domain.models import Message, Resident
from domain.residents import resident
from handlers.base import Context, Outcome
from handlers.complaint import open_and_dispatch


class ResidentCommunityHandler:
    """Matches a resident in a one-to-one chat whose community the bot does not know yet."""

    name = "resident_community"

    def match(self, message: Message, ctx: Context) -> Resident | None:
        """The resident, when the bot does not know their community yet."""
        if message.channel != "wechat" or message.group_id or not message.text:
            return None
        person = resident(ctx.session, message.channel, message.sender_id)
        return person if person.community is None else None

    def handle(self, message: Message, ctx: Context, person: Resident) -> Outcome:
        named = self._community_named(message, ctx)
        if named:
            person.community = named
            return self._after_remembering(message, person, ctx)
        if ctx.classify(message).intent != "complaint":
            return Outcome(self.name, detail={"asked": False})
        person.pending_message_id = message.id
        if person.asked_at is None:  # ask once; later complaints wait for the answer silently
            person.asked_at = ctx.now
            ctx.desk.sends.reply(message, texts.ASK_COMMUNITY)
        return Outcome(self.name, detail={"asked": True})

    def _community_named(self, message: Message, ctx: Context) -> str | None:
        exact = ctx.config.community_named(message.text.strip(" 。.！!"))
        return exact.name if exact else ctx.classify(message).community

    def _after_remembering(self, message: Message, person: Resident, ctx: Context) -> Outcome:
        pending = ctx.session.get(Message, person.pending_message_id or -1)
        person.pending_message_id = None
        for candidate in (pending, message):
            if candidate is not None and ctx.classify(candidate).intent == "complaint":
                return open_and_dispatch(candidate, person.community, ctx)
        ctx.desk.sends.reply(
            message, texts.fmt(texts.COMMUNITY_REMEMBERED, community=person.community)
        )
        return Outcome(self.name, detail={"remembered": person.community})
