"""What officers' pushes look like in WeCom: the 按钮交互型 template card with an 接单 button,
and the news card that shows a ticket's first photo."""

from __future__ import annotations

from domain.models import Outbox

SOURCE_DESC = "社区城管助手"
# "invalid message type" / "template card not supported": the app cannot show the card.
CARD_UNSUPPORTED = {40008, 40058}


def accept_card(row: Outbox, link: str) -> dict:
    """A button_interaction card; the button's key names the ticket (see bot/cards.py)."""
    return {
        "card_type": "button_interaction",
        "source": {"desc": SOURCE_DESC},
        "main_title": {"title": (row.title or "")[:36], "desc": row.ticket_no or ""},
        "sub_title_text": row.text[:160],
        "card_action": {"type": 1, "url": link},
        # One task per assignment round: WeCom refuses a task_id it has seen before.
        "task_id": task_id(row),
        "button_list": [{"text": "接单", "style": 1, "key": f"accept:{row.ticket_no}"}],
    }


def task_id(row: Outbox) -> str:
    """`assign:CY20261126-0001:2` -> `assign-CY20261126-0001-2` (letters, digits, _-@ only)."""
    return row.key.replace(":", "-")[:128]


def news_article(row: Outbox, link: str, picture_url: str) -> dict:
    """One article: the photo as its picture, the ticket page as its link."""
    return {
        "title": row.title or row.text[:40],
        "description": row.text,
        "url": link,
        "image": picture_url,
    }
