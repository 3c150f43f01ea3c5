"""After a card click went through, the card itself says so (its button becomes 已接单)."""

from __future__ import annotations

from domain.models import Message
from handlers.base import Context, Outcome

DONE_BUTTON = {"接单": "已接单"}


def after_card_click(message: Message, outcome: Outcome, ctx: Context) -> None:
    """Record the card update for a click whose command acted on a ticket."""
    card = (message.extra or {}).get("card") or {}
    verb = outcome.detail.get("verb")
    if not card.get("response_code") or not outcome.ticket_no or verb not in DONE_BUTTON:
        return
    userid = ctx.config.staff_userid(message.sender_id)
    if userid is None:
        return
    row = ctx.desk.sends.push(
        userid, f"card:{message.id}", DONE_BUTTON[verb], outcome.ticket_no, title=verb
    )
    row.extra = {"update_card": card["response_code"]}
