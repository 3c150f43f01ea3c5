"""Ticket states, their Chinese names, and the transitions the closed loop allows."""

from __future__ import annotations

from domain.officer_actions import OFFICER_ACTIONS

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

# Waiting for someone to accept: the accept timers watch these.
AWAITING_ACCEPT = frozenset({"dispatched", "transferred", "escalated", "reopened"})
# Somebody is (or should be) working on it: merging and workload count these.
OPEN_STATUSES = AWAITING_ACCEPT | {"received", "accepted"}
HANDLING = AWAITING_ACCEPT | {"accepted"}

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "dispatch": (frozenset({"received"}), "dispatched"),
    "accept": (AWAITING_ACCEPT, "accepted"),
    "arrive": (frozenset({"accepted"}), "accepted"),
    "resolve": (frozenset({"accepted"}), "resolved"),
    "close": (frozenset({"resolved"}), "closed"),
    "reopen": (frozenset({"resolved"}), "reopened"),
    "return": (HANDLING, "returned"),
    "transfer": (HANDLING, "transferred"),
    "escalate": (HANDLING - {"escalated"}, "escalated"),
    "merge": (frozenset({"received"}), "merged"),
}

ACTION_NAMES = {
    **{action.verb: action.zh for action in OFFICER_ACTIONS},
    "open": "受理",
    "dispatch": "派单",
    "close": "结案",
    "reopen": "重新办理",
    "merge": "合并",
    "remind": "催办",
    "supervise": "督办",
    "report": "再次反映",
    "photo": "附照片",
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
        raise IllegalTransition(
            f"工单当前状态为「{status_name(current)}」，不能{ACTION_NAMES.get(action, action)}"
        )
    return target
