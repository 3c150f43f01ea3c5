"""The table of officer actions is the one every surface reads."""

from __future__ import annotations

from bot.actions_api import ActionRequest
from domain import actions
from domain.lifecycle import ACTION_NAMES
from domain.officer_actions import OFFICER_ACTIONS
from handlers.commands import parse_command


def test_every_row_has_a_run_and_nothing_else_does():
    """domain.actions runs exactly the actions the table lists."""
    assert set(actions.RUNS) == {a.verb for a in OFFICER_ACTIONS}


def test_every_surface_knows_every_row():
    """Chat parses each Chinese name, the API accepts each verb, the lifecycle names each."""
    for action in OFFICER_ACTIONS:
        assert parse_command(f"{action.zh} 0012").verb == action.zh
        assert ActionRequest(actor="zhangqinli", action=action.verb).action == action.verb
        assert ACTION_NAMES[action.verb] == action.zh
