"""The one table of what officers do to a ticket. Chat commands, the JSON API, `python -m bot act`
and the ticket page all read it; domain.actions holds what each one does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Who may: domain.actions.may_act (and a Chinese refusal for anyone else).
STATION_OR_SQUADRON = "officers of the ticket's station, leaders of its squadron"


@dataclass(frozen=True)
class OfficerAction:
    """One action: API verb, Chinese name (chat command, page label), its argument, who may."""

    verb: str
    zh: str
    argument: Literal["", "note", "target"]  # what the text after the ticket number is
    who: str = STATION_OR_SQUADRON


OFFICER_ACTIONS = (
    OfficerAction("accept", "接单", ""),
    OfficerAction("arrive", "到场", ""),
    OfficerAction("resolve", "办结", "note"),
    OfficerAction("transfer", "转派", "target"),
    OfficerAction("return", "退回", "note"),
    OfficerAction("escalate", "升级", "note"),
)
BY_VERB = {a.verb: a for a in OFFICER_ACTIONS}
BY_ZH = {a.zh: a for a in OFFICER_ACTIONS}
