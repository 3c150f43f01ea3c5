"""Shared locations: a WeChat location message, or a bridge message's `location` {lat, lng,
label} (GCJ-02). The nearest configured community within its radius is where it happened and
the label becomes the place; a location outside every community is asked about once."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from domain import attachments, texts
from domain.models import Message
from handlers.base import Context, Outcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedLocation:
    """A point and what the sender's map called it."""

    lat: float
    lng: float
    label: str


def location_of(message: Message) -> SharedLocation | None:
    """The message's shared location, from the bridge's `location` or WeChat's Location_X/Y."""
    extra = message.extra or {}
    loc = extra.get("location")
    try:
        if isinstance(loc, dict):
            return SharedLocation(float(loc["lat"]), float(loc["lng"]), str(loc.get("label") or ""))
        if message.kind == "location" and "x" in extra:
            return SharedLocation(
                float(extra["x"]), float(extra["y"]), str(extra.get("label") or "")
            )
    except (KeyError, TypeError, ValueError):
        log.warning("message %s/%s: unreadable location %r", message.channel, message.msg_id, loc)
    return None


def _label(data: dict) -> str:
    return str(data.get("label") or "")


def community_at(location: SharedLocation, ctx: Context) -> str | None:
    """The nearest configured community whose radius covers the point."""
    community, _metres = ctx.config.nearest_community(location.lat, location.lng)
    return community.name if community else None


def ask_once(message: Message, location: SharedLocation, ctx: Context) -> None:
    """Ask the sender about a location outside every community, once per sender and chat."""
    chat = message.group_id or message.sender_id
    key = f"ask-location:{message.channel}:{chat}:{message.sender_id}"[:160]
    text = texts.fmt(
        texts.LOCATION_OUTSIDE, label=location.label or f"{location.lat:.4f},{location.lng:.4f}"
    )
    ctx.desk.sends.reply(message, text, key=key)


class LocationHandler:
    """A location on its own: it completes the sender's complaint of the last few minutes."""

    name = "location"

    def match(self, message: Message, ctx: Context) -> SharedLocation | None:
        if message.kind != "location" and (message.text or "").strip():
            return None  # a complaint with a location goes to the complaint handler
        return location_of(message)

    def handle(self, message: Message, ctx: Context, location: SharedLocation) -> Outcome:
        community = community_at(location, ctx)
        if community is None:
            ask_once(message, location, ctx)
            return Outcome(self.name, detail={"outside": True, "label": location.label})
        minutes = ctx.config.media.join_minutes
        ticket = attachments.recent_ticket(ctx.session, message, ctx.now, minutes)
        if ticket is None:
            return Outcome(self.name, detail={"community": community, "label": location.label})
        if location.label and not ticket.place:
            ticket.place = location.label[:128]
        note = texts.fmt(texts.LOCATION_ADDED, label=location.label, community=community)
        ctx.desk.event(ticket, "resident", "location", ticket.status, ticket.status, note)
        return Outcome(self.name, ticket.no, {"community": community})
