"""The one internal message type: every channel adapter turns its wire format into this."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class IncomingMessage:
    """A message as the bot received it, whatever the channel."""

    channel: str  # "bridge", "wecom" or "wechat"
    msg_id: str  # the channel's own id; unique per channel
    sender_id: str  # WeChat id / WeCom userid / official-account openid: never shown to others
    sender_name: str  # display name, the only identity officers and groups see
    text: str
    sent_at: datetime  # timezone-aware
    group_id: str | None = None  # None for a one-to-one conversation
    mentions: tuple[str, ...] = ()
    kind: str = "text"  # text | image | location | voice | event
    extra: dict = field(default_factory=dict)  # channel extras: media_id, image url, location
