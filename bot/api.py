"""The JSON API for officers' tools and leaders: tickets, outbox, and its OpenAPI document."""

from __future__ import annotations

import hmac
import logging
from datetime import UTC

from flask import Blueprint, current_app, g, jsonify, request

from bot import inputs
from bot.desk.auth import current_viewer
from bot.desk.common import csrf
from bot.media import message_files_json, photos_json
from domain.access import Viewer, may_see_ticket, visible_stations
from domain.lifecycle import status_name
from domain.models import Outbox, Ticket

log = logging.getLogger(__name__)
api_bp = Blueprint("api", __name__, url_prefix="/api")
MAX_PAGE = 200
MAX_OFFSET = 1_000_000_000  # far past any real list; larger numbers overflow SQLite's INTEGER


def services():
    """The app's service container."""
    return current_app.extensions["cgbot"]


@api_bp.before_request
def require_token():
    """Bearer $API_TOKEN (machines: everything), or a desk sign-in (people: their role's scope;
    writes then need the page's CSRF token in X-CSRFToken). The bridge intake and the OpenAPI
    document are other blueprints."""
    token = services().secrets.get("api_token")
    if not token:
        return jsonify({"error": f"{services().secrets.env_name('api_token')} is not set"}), 503
    given = request.headers.get("Authorization", "")
    if given or current_viewer() is None or current_viewer().ticket is not None:
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return jsonify({"error": "missing or bad bearer token"}), 401
        g.api_viewer = None
        return None
    if request.method != "GET":
        csrf.protect()  # a cookie rides along on cross-site requests; the token does not
    g.api_viewer = current_viewer()
    return None


def api_viewer() -> Viewer | None:
    """The signed-in person the request acts for; None for the machine token (no limits)."""
    return g.get("api_viewer")


def refused(text: str):
    """403 for a person asking outside their role, logged once."""
    viewer = api_viewer()
    log.warning("%s %s: 403 %s: %s", request.method, request.path, viewer.userid, text)
    return jsonify({"error": text}), 403


def refuse_bad_params():
    """400 naming the first query or path parameter that no database could compare (NUL)."""
    params = [*(request.view_args or {}).items(), *request.args.items(multi=True)]
    for name, value in params:
        problem = inputs.text_problem(str(value))
        if problem:
            return bad_param(name, problem)
    return None


def bad_param(name: str, reason: str):
    """A 400 for parameter `name`, logged once."""
    reason = inputs.printable(reason)
    log.warning("%s %s: 400 %s: %s", request.method, request.path, name, reason)
    return jsonify({"error": f"{name}: {reason}", "field": name}), 400


api_bp.before_request(refuse_bad_params)


@api_bp.get("/tickets")
def list_tickets():
    """Tickets, newest first; ?status=&station=&community=&category=&limit=&offset=."""
    try:
        # Above the cap is clamped (it always was); below 1 is refused, never "everything".
        limit = min(
            inputs.bounded_int("limit", request.args.get("limit"), 50, 1, MAX_OFFSET), MAX_PAGE
        )
        offset = inputs.bounded_int("offset", request.args.get("offset"), 0, 0, MAX_OFFSET)
    except inputs.BadInput as exc:
        return bad_param(exc.field, exc.reason)
    filters = {
        k: request.args[k]
        for k in ("status", "station", "community", "category")
        if request.args.get(k)
    }
    viewer, stations = api_viewer(), None
    if viewer is not None:
        stations = visible_stations(services().config, viewer)
        if stations is not None and filters.get("station", stations[0]) not in stations:
            return refused("该工作站不在您的辖区")
    tickets = services().store.tickets(limit=limit, offset=offset, stations=stations, **filters)
    return jsonify({"tickets": [ticket_json(t) for t in tickets]})


@api_bp.get("/tickets/<no>")
def get_ticket(no: str):
    """One ticket with its history."""
    ticket = services().store.ticket(no)
    if ticket is None:
        return jsonify({"error": f"ticket {no} not found"}), 404
    viewer = api_viewer()
    if viewer is not None and not may_see_ticket(services().config, viewer, no, ticket.station):
        return refused(f"工单 {no} 不在您的辖区")
    return jsonify(ticket_json(ticket, with_events=True) | {"photos": photos_json(ticket.id)})


@api_bp.get("/outbox")
def list_outbox():
    """What the bot sent (or is sending), newest first; ?ticket_no= narrows it."""
    if api_viewer() is not None and not api_viewer().is_admin:
        return refused("发送记录含居民的群和账号，仅管理员可查看")
    rows = services().store.outbox(limit=MAX_PAGE, ticket_no=request.args.get("ticket_no"))
    return jsonify({"outbox": [outbox_json(r) for r in rows]})


@api_bp.get("/messages/<channel>/<path:msg_id>")
def get_message(channel: str, msg_id: str):
    """What became of a message: processing state, handler outcome, ticket and replies."""
    if api_viewer() is not None and not api_viewer().is_admin:
        return refused("消息记录含居民的账号，仅管理员可查看")
    view = services().store.message_view(channel, msg_id)
    if view is None:
        return jsonify({"error": f"message {channel}/{msg_id} not found"}), 404
    message, replies = view
    ticket_no = (message.outcome or {}).get("ticket_no")
    ticket = services().store.ticket(ticket_no) if ticket_no else None
    return jsonify(
        {
            "channel": message.channel,
            "msg_id": message.msg_id,
            "state": message.state,
            "outcome": message.outcome,
            "ticket": ticket_json(ticket) if ticket else None,
            "replies": [outbox_json(r) for r in replies],
            "files": message_files_json(message.id),
        }
    )


def _iso(value):
    # SQLite returns naive datetimes; everything is stored in UTC, so say so on the wire.
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def ticket_json(t: Ticket, with_events: bool = False) -> dict:
    """A ticket as the API shows it: the reporter's display name only, never their id."""
    config = services().config
    officer = config.officer(t.officer) if t.officer else None
    data = {
        "no": t.no,
        "status": t.status,
        "status_name": status_name(t.status),
        "category": t.category,
        "category_name": config.categories[t.category].zh,
        "urgent": t.urgent,
        "community": t.community,
        "station": t.station,
        "station_name": config.station(t.station).name,
        "officer": {"userid": t.officer, "name": officer.name if officer else t.officer}
        if t.officer
        else None,
        "reporter": t.reporter_name,
        "reporters": t.reporters,
        "merged_into": t.merged_into.no if t.merged_into else None,
        "place": t.place,
        "text": t.text,
        "evidence": t.evidence.get("words", []),
        "created_at": _iso(t.created_at),
        "updated_at": _iso(t.updated_at),
        "accept_by": _iso(t.accept_by),
        "resolve_by": _iso(t.resolve_by),
        "resolution": t.resolution,
        "msg_ids": [m.msg_id for m in t.messages],
    }
    if with_events:
        data["events"] = [
            {
                "at": _iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in t.events
        ]
    return data


def shown_recipient(r: Outbox) -> str:
    """Officers and groups by id; a resident (a one-to-one reply) never by their WeChat id, but
    by a stable alias, so an operator can still see which rows went to the same person."""
    config = services().config
    if r.kind == "push" or config.staff_userid(r.recipient) is not None:
        return r.recipient
    if config.community_for_group(r.recipient) is not None:
        return r.recipient
    key = (services().secrets.get("api_token") or "").encode()
    return "居民-" + hmac.new(key, r.recipient.encode(), "sha256").hexdigest()[:8]


def outbox_json(r: Outbox) -> dict:
    """One recorded send."""
    return {
        "id": r.id,
        "kind": r.kind,
        "channel": r.channel,
        "recipient": shown_recipient(r),
        "mention": r.mention,
        "ticket_no": r.ticket_no,
        "title": r.title,
        "text": r.text,
        "url": r.url,
        "state": r.state,
        "attempts": r.attempts,
        "error": r.error,
        "created_at": _iso(r.created_at),
        "sent_at": _iso(r.sent_at),
    }
