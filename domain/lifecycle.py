"""Ticket states, their Chinese names, and the transitions the closed loop allows."""

from __future__ import annotations

STATUS_NAMES = {
    "received": "已受理",
    "dispatched": "已派单",
    "accepted": "已接单",
    "resolved": "已办结",
    "closed": "已结案",
    "returned": "已退回",
    "transferred": "已转派",
    "escalated": "已升级",
    "merged": "已合并",
    "reopened": "重新办理",
}

OPEN_STATUSES = frozenset(
    {"received", "dispatched", "accepted", "transferred", "escalated", "reopened"}
)

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "dispatch": (frozenset({"received", "reopened"}), "dispatched"),
    "accept": (frozenset({"dispatched", "transferred", "escalated", "reopened"}), "accepted"),
    "arrive": (frozenset({"accepted"}), "accepted"),
    "resolve": (frozenset({"accepted"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved"}), "reopened"),
    "return": (frozenset({"dispatched", "accepted", "transferred", "escalated", "reopened"}),
               "returned"),
    "transfer": (frozenset({"dispatched", "accepted", "transferred", "escalated", "reopened"}),
                 "transferred"),
    "escalate": (frozenset({"dispatched", "accepted", "transferred", "reopened"}), "escalated"),
    "merge": (frozenset({"received"}), "merged"),
}


class IllegalTransition(Exception):
    """An action that the ticket's current state does not allow; its text goes to the user."""


def status_name(status: str) -> str:
    """The Chinese name users see for a status code."""
    return STATUS_NAMES[status]


def next_status(current: str, action: str) -> str:
    """The status `action` leads to from `current`, or IllegalTransition with a readable reason."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise IllegalTransition(f"工单当前状态为「{status_name(current)}」，不能执行该操作")
    return target
