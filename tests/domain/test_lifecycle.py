"""Every (status, action) pair: the legal ones lead where the closed loop says, the rest refuse."""

from __future__ import annotations

import pytest

from domain.lifecycle import STATUS_NAMES, TRANSITIONS, IllegalTransition, next_status

LEGAL = {
    ("received", "dispatch"): "dispatched",
    ("received", "merge"): "merged",
    ("dispatched", "accept"): "accepted",
    ("transferred", "accept"): "accepted",
    ("escalated", "accept"): "accepted",
    ("reopened", "accept"): "accepted",
    ("accepted", "arrive"): "accepted",
    ("accepted", "resolve"): "resolved",
    ("resolved", "close"): "closed",
    ("resolved", "reopen"): "reopened",
    **{
        (s, "return"): "returned"
        for s in ("dispatched", "accepted", "transferred", "escalated", "reopened")
    },
    **{
        (s, "transfer"): "transferred"
        for s in ("dispatched", "accepted", "transferred", "escalated", "reopened")
    },
    **{(s, "escalate"): "escalated" for s in ("dispatched", "accepted", "transferred", "reopened")},
}
ALL_PAIRS = [(s, a) for s in STATUS_NAMES for a in TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_transition_table(status, action):
    """Legal pairs reach their target; every other pair raises IllegalTransition in Chinese."""
    if (status, action) in LEGAL:
        assert next_status(status, action) == LEGAL[(status, action)]
    else:
        with pytest.raises(IllegalTransition, match=f"工单当前状态为「{STATUS_NAMES[status]}」"):
            next_status(status, action)


@pytest.mark.parametrize("status", ["closed", "returned", "merged"])
def test_final_states_allow_nothing(status):
    """Closed, returned and merged tickets accept no action at all."""
    for action in TRANSITIONS:
        with pytest.raises(IllegalTransition):
            next_status(status, action)
