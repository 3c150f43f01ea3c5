"""WeCom template-card button clicks (template_card_event) as the officer's own text command, so
the click goes through the same handler, permissions and audit trail as typing 接单 <no>."""

from __future__ import annotations

import logging
import re

from bot.message import IncomingMessage

log = logging.getLogger(__name__)
EVENT = "template_card_event"
BUTTON_VERBS = {"accept": "接单"}  # button key prefix -> command verb
KEY = re.compile(r"^(accept):([A-Za-z]{0,8}\d{8}-\d{1,4})$")


def card_click(parsed, channel: str, sent_at) -> IncomingMessage | None:
    """The click as IncomingMessage (`接单 CY...`), or None for any other event or key."""
    data = parsed._data
    if data.get("MsgType") != "event" or data.get("Event") != EVENT:
        return None
    m = KEY.match(data.get("EventKey") or "")
    if not m:
        log.warning(
            "WeCom card event with unknown key %r from %s", data.get("EventKey"), parsed.source
        )
        return None
    verb, ticket_no = BUTTON_VERBS[m.group(1)], m.group(2)
    # A retried callback carries the same TaskId and key: the same msg_id, stored once.
    msg_id = f"card-{data.get('TaskId', '')}-{m.group(1)}-{parsed.source}"[:128]
    return IncomingMessage(
        channel=channel,
        msg_id=msg_id,
        sender_id=parsed.source or "",
        sender_name=parsed.source or "",
        text=f"{verb} {ticket_no}",
        sent_at=sent_at,
        kind="text",
        extra={
            "card": {
                "task_id": data.get("TaskId"),
                "key": data.get("EventKey"),
                # Lets us grey the button out once the command went through (valid 72 h, once).
                "response_code": data.get("ResponseCode"),
            }
        },
    )
