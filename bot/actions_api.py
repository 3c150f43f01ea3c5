"""`POST /api/tickets/<no>/actions`: officers' actions over HTTP, with the same rules as in chat."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import select

from bot import inputs
from bot.api import api_viewer, refuse_bad_params, refused, require_token, ticket_json
from domain import actions
from domain.lifecycle import IllegalTransition
from domain.models import Ticket
from domain.officer_actions import BY_VERB
from domain.tickets import TicketDesk
from workers.timers import after_commit

log = logging.getLogger(__name__)
actions_bp = Blueprint("actions", __name__, url_prefix="/api")
actions_bp.before_request(require_token)
actions_bp.before_request(refuse_bad_params)


class ActionRequest(BaseModel):
    """What an officer's tool posts: who acts, what they do, and its argument."""

    model_config = ConfigDict(extra="forbid")

    actor: str = Field(min_length=1, max_length=64, description="officer or leader userid")
    action: str = Field(pattern=f"^({'|'.join(BY_VERB)})$", description="domain/officer_actions")
    note: str = Field(default="", max_length=500, description="resolution, reason")
    target: str | None = Field(default=None, max_length=64, description="transfer: name/userid")
    photos: list[dict] = Field(
        default_factory=list, max_length=9, description="resolve: photo references"
    )

    @field_validator("actor", "note", "target")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        problem = inputs.text_problem(value) if value else None
        if problem:
            raise ValueError(problem)
        return value


def _run(desk: TicketDesk, ticket: Ticket, req: ActionRequest) -> str:
    wants = BY_VERB[req.action].argument
    argument = (req.target or "") if wants == "target" else req.note if wants else ""
    text = actions.perform(desk, ticket, req.action, req.actor, argument)
    if req.action == "resolve":
        for photo in req.photos:
            actions.attach_photo(desk, ticket, req.actor, photo)
    return text


@actions_bp.post("/tickets/<no>/actions")
def act(no: str):
    """Apply one action; 403 for a refusal, 409 for an illegal transition, 404 unknown ticket."""
    try:
        payload = json.loads(request.get_data() or b"{}")
        inputs.check_tree(payload, max_depth=4)
        req = ActionRequest.model_validate(payload)
    except (ValueError, RecursionError) as exc:  # bad JSON, BadInput and ValidationError
        errors = _errors(exc)
        log.warning("ticket %s: bad action request: %s", no, errors)
        return jsonify({"error": "invalid action", "fields": errors}), 400
    viewer = api_viewer()
    if viewer is not None and req.actor != viewer.userid:
        return refused("只能以本人身份操作工单")  # a person acts as themselves, never as another
    status, body = perform(no, req)
    return jsonify(body), status


def _errors(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return [".".join(map(str, e["loc"])) + ": " + e["msg"] for e in exc.errors()]
    if isinstance(exc, inputs.BadInput):
        return [inputs.printable(exc)]
    return [f"body: not a JSON object ({type(exc).__name__})"]


def perform(no: str, req: ActionRequest) -> tuple[int, dict]:
    """Run `req` on ticket `no` in one transaction; then queue its sends and timers."""
    services = current_app.extensions["cgbot"]
    with services.store.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.no == no).with_for_update())
        if ticket is None:
            return 404, {"error": f"ticket {no} not found"}
        desk = TicketDesk(s, services.config, services.clock())
        try:
            message = _run(desk, ticket, req)
        except actions.PermissionDenied as exc:
            log.warning("ticket %s: %s refused %s: %s", no, req.actor, req.action, exc)
            return 403, {"error": str(exc)}
        except IllegalTransition as exc:
            return 409, {"error": str(exc)}
        s.flush()
        sends, armed = desk.sends.to_deliver(), list(desk.timers.armed)
    after_commit(services.intake.queue, services.clock, sends, armed)
    log.info("ticket %s: %s by %s", no, req.action, req.actor)
    return 200, {"ok": True, "message": message, "ticket": ticket_json(services.store.ticket(no))}
