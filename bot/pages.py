"""Web pages for officers: a ticket as a phone-friendly page (the link in every push)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, request
from pydantic import ValidationError

from bot.actions_api import ActionRequest, perform
from bot.media import media_url, photos_json
from channels.signing import ticket_sig_ok
from domain.lifecycle import STATUS_NAMES, status_name
from domain.officer_actions import OFFICER_ACTIONS

log = logging.getLogger(__name__)
pages_bp = Blueprint("pages", __name__)


def _signed(no: str) -> bool:
    """The link's sig covers the ticket number, and the officer `u` when the link carries one."""
    key = current_app.extensions["cgbot"].secrets.get("api_token")
    user = request.args.get("u")
    return ticket_sig_ok(key, f"{no}:{user}" if user else no, request.args.get("sig"))


def _forbidden(no: str):
    log.warning("%s /tickets/%s: 403 missing or bad sig", request.method, no)
    return render_template("forbidden.html"), 403, {"Content-Type": "text/html; charset=utf-8"}


@pages_bp.get("/tickets/<no>")
def ticket_page(no: str, notice: str | None = None):
    """The ticket page linked from officers' pushes; only a link signed with API_TOKEN opens it."""
    services = current_app.extensions["cgbot"]
    # Checked before the lookup, so a stranger cannot even learn which numbers exist.
    if not _signed(no):
        return _forbidden(no)
    ticket = services.store.ticket(no)
    if ticket is None:
        abort(404)
    config = services.config
    local = lambda at: local_time(at, config.tz)  # noqa: E731
    officer = request.args.get("u")
    person = config.officer(officer) if officer else None
    return render_template(
        "ticket.html",
        t=ticket,
        status=status_name(ticket.status),
        category=config.categories[ticket.category].zh,
        station=config.station(ticket.station).name,
        accept_by=local(ticket.accept_by),
        local=local,
        names=STATUS_NAMES,
        notice=notice,
        officer=person is not None,
        actions=OFFICER_ACTIONS,
        officer_name=person.name if person else "",
        action_url=request.full_path.replace(f"/tickets/{no}?", f"/tickets/{no}/act?", 1),
        upload_url=request.full_path.replace(f"/tickets/{no}?", f"/tickets/{no}/photos?", 1),
        photos=signed_photos(ticket, services.secrets.get("api_token")),
    )


@pages_bp.post("/tickets/<no>/act")
def ticket_action(no: str):
    """A form post from the page: the officer named by the signed link acts, same rules as chat."""
    if not _signed(no) or not request.args.get("u"):
        return _forbidden(no)
    try:
        req = ActionRequest(
            actor=request.args["u"],
            action=request.form.get("action", ""),
            note=request.form.get("note", ""),
            target=request.form.get("target") or None,
        )
    except ValidationError as exc:
        notice = form_problem(exc)
        log.warning("ticket %s: page action refused: %s", no, notice)
        return ticket_page(no, notice=notice), 400
    status, body = perform(no, req)
    notice = body.get("message") or body.get("error")
    if status == 404:
        abort(404)
    return ticket_page(no, notice=notice)


def signed_photos(ticket, key: str | None) -> list[dict]:
    """The ticket's photos with links the page's reader may open (signed for this ticket)."""
    photos = photos_json(ticket.id)
    for photo in photos:
        photo["url"] = media_url(photo["sha256"], ticket.no, key)
    return photos


FORM_FIELDS = {"action": "操作", "note": "说明", "target": "转派对象", "actor": "队员"}


def form_problem(exc: ValidationError) -> str:
    """What is wrong with the form, in words an officer understands (first problem only)."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    label = FORM_FIELDS.get(field, field)
    if field == "action":
        return "请选择有效的操作（接单、到场、办结、转派、退回或升级）"
    if error["type"] == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        return f"{label}过长：最多 {limit} 个字，请删减后再提交"
    return f"{label}无效：请检查后再提交（不能包含特殊控制字符）"


def local_time(at: datetime | None, tz) -> str:
    """`at` as local "MM-DD HH:MM"; naive values are UTC (SQLite drops the offset)."""
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz).strftime("%m-%d %H:%M")
