"""The ticket page (`/tickets/<no>`, the link in every push) and the actions taken from it.

The actions go through bot.actions_api.perform, so the page, the API and the WeCom commands
share one set of rules (domain/actions.py).
"""

from __future__ import annotations

import logging
import time
from typing import get_args

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from pydantic import ValidationError
from sqlalchemy import select

from bot.actions_api import ActionRequest, perform
from bot.desk.auth import LINK_SESSION_SECONDS, current_viewer, desk_guard, services, sign_in
from bot.desk.view import ticket_view
from channels.media import MediaRejected, check_image
from channels.signing import officer_link_problem, ticket_sig_ok
from domain.access import Viewer, may_see_ticket, viewer_for
from domain.actions import parse_amount
from domain.attachments import store_media
from domain.config import Category
from domain.models import Attachment, Ticket

log = logging.getLogger(__name__)
ticket_bp = Blueprint("desk_ticket", __name__)
UNITS = get_args(Category.model_fields["unit"].annotation)  # 处 平方米 辆 只 张 起
FORM_OVERHEAD = 64 * 1024


@ticket_bp.before_request
def _room_for_a_photo():
    # Registered before the guard: its CSRF check reads the form, and so hits the body limit.
    if request.endpoint == "desk_ticket.ticket_action":
        request.max_content_length = services().config.media.max_bytes + FORM_OVERHEAD


ticket_bp.before_request(desk_guard)


@ticket_bp.errorhandler(413)
def _photo_too_large(exc):
    limit = services().config.media.max_bytes
    log.warning("%s %s: 413 body over %d bytes", request.method, request.path, limit)
    text = f"照片超过 {limit // (1024 * 1024)} MB，请压缩后重试（企业微信拍照默认即可）。"
    return render_template("desk/message.html", title="照片太大", text=text), 413


def _forbidden(
    no: str, reason: str, text: str = "链接无效或已被改动，请从企业微信中的工单推送打开。"
):
    log.warning("%s /tickets/%s: 403 %s", request.method, no, reason)
    return render_template("desk/message.html", title="无权查看", text=text, login=True), 403


def _link_key() -> str | None:
    return services().secrets.get("api_token")


@ticket_bp.get("/tickets/<no>")
def ticket_page(no: str):
    """A push link signs its officer in for this ticket; `?sig=` alone opens it read-only."""
    if request.args.get("u"):
        return _open_push_link(no, request.args["u"])
    viewer = current_viewer()
    ticket = services().store.ticket(no)
    if viewer is not None and ticket is not None:
        if may_see_ticket(services().config, viewer, no, ticket.station):
            return _render(ticket, viewer)
    if not ticket_sig_ok(_link_key(), no, request.args.get("sig")):
        # Refused before saying whether the number exists, so numbers cannot be probed.
        return _forbidden(no, "missing or bad sig" if viewer is None else "outside the scope")
    if ticket is None:
        return render_template("desk/message.html", title="未找到", text=f"工单 {no} 不存在"), 404
    return _render(ticket, None)


def _open_push_link(no: str, userid: str):
    problem = officer_link_problem(
        _link_key(), no, userid, request.args.get("e"), request.args.get("sig"), time.time()
    )
    if problem == "expired":
        return _forbidden(no, "expired link", "链接已过期，请打开最新的工单推送，或登录后查看。")
    if problem or viewer_for(services().config, userid) is None:
        return _forbidden(no, "missing or bad sig")
    signed = current_viewer()
    if signed is None or signed.userid != userid:  # keep a fuller desk session of the same person
        sign_in(userid, "link", ticket=no, seconds=LINK_SESSION_SECONDS)
    log.info("ticket %s: push link opened by %s", no, userid)
    # Without the signature in the address bar it cannot leak through screenshots or Referer.
    return redirect(url_for("desk_ticket.ticket_page", no=no))


def _render(ticket: Ticket, viewer: Viewer | None):
    view = ticket_view(services(), ticket, viewer)
    return render_template("desk/ticket.html", v=view, viewer=viewer, units=UNITS)


@ticket_bp.post("/tickets/<no>/act")
def ticket_action(no: str):
    """A form post from the page: the signed-in person acts, with the same rules as in chat."""
    viewer = current_viewer()
    ticket = services().store.ticket(no)
    if viewer is None or ticket is None:
        return _forbidden(no, "not signed in" if viewer is None else "unknown ticket")
    if not may_see_ticket(services().config, viewer, no, ticket.station):
        return _forbidden(no, f"{viewer.userid} outside the scope")
    try:
        req = _action_request(viewer, ticket)
    except ValueError as exc:  # the form itself is wrong: say what, on the page, as a 400
        log.warning("ticket %s: page action refused: %s", no, exc)
        flash(str(exc), "error")
        return _render(ticket, viewer), 400
    status, body = perform(no, req)
    if status != 200:
        _drop_photos(req.photos)
    flash(body.get("message") or body.get("error"), "ok" if status == 200 else "error")
    return redirect(url_for("desk_ticket.ticket_page", no=no))


def _action_request(viewer: Viewer, ticket: Ticket) -> ActionRequest:
    form = request.form
    action = form.get("action", "")
    note = form.get("note", "").strip()
    photos = []
    if action == "resolve":
        note = _with_amount(note, form.get("amount", "").strip(), form.get("unit", ""))
        photos = _store_photo(ticket, viewer.userid)
    try:
        return ActionRequest(
            actor=viewer.userid,
            action=action,
            note=note,
            target=form.get("target") or None,
            photos=photos,
        )
    except ValidationError as exc:
        _drop_photos(photos)
        raise ValueError(form_problem(exc)) from None


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


def _with_amount(note: str, amount: str, unit: str) -> str:
    """The note as the chat command would read it: the amount from the form joins the note."""
    if not amount:
        return note
    try:
        value = float(amount)
    except ValueError:
        raise ValueError("数量必须是数字") from None
    if not 0 < value < 10_000_000 or unit not in UNITS:
        raise ValueError("请填写正确的数量和单位")
    if parse_amount(note)[0] is not None:
        return note  # the officer wrote the amount in the note already
    return f"{note or '已处置'}，共{value:g}{unit}"


def _store_photo(ticket: Ticket, userid: str) -> list[dict]:
    """The camera photo into the media store (checked as every photo is), linked to the ticket
    as an attachment from the page; returns the resolution's photo references."""
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return []
    settings = services().config.media
    data = upload.read(settings.max_bytes + 1)
    try:
        checked = check_image(data, settings)
    except MediaRejected as exc:
        log.warning("ticket %s: page photo refused: %s", ticket.no, exc)
        raise ValueError("只能上传照片（JPEG、PNG、GIF、WebP），且不超过 10 MB") from None
    sha = services().media_store.put(data, checked.content_type)
    now = services().clock()
    with services().store.session() as s:
        store_media(s, sha, checked, len(data), now)
        row = Attachment(
            kind="image",
            source="page",
            ticket_id=ticket.id,
            origin={"uploaded_by": userid},
            state="stored",
            sha256=sha,
            attempts=0,
            created_at=now,
            stored_at=now,
        )
        s.add(row)
        s.flush()
        log.info("ticket %s: photo %s uploaded by %s", ticket.no, sha[:12], userid)
        return [{"sha256": sha, "attachment_id": row.id}]


def _drop_photos(photos: list[dict]) -> None:
    """Unlink photos of an action that did not happen (the stored bytes stay, by content)."""
    ids = [p["attachment_id"] for p in photos if "attachment_id" in p]
    if ids:
        with services().store.session() as s:
            for row in s.scalars(select(Attachment).where(Attachment.id.in_(ids))):
                s.delete(row)
