"""Photos over HTTP: `/media/<sha256>` returns the stored bytes (bearer token, or a signed ticket
link of a ticket the photo belongs to), and officers upload photos from the ticket page."""

from __future__ import annotations

import hmac
import logging
import time

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy import select

from channels.media import MediaRejected, check_image
from channels.signing import officer_link_problem, ticket_sig, ticket_sig_ok
from domain import attachments
from domain.models import Attachment, Media, Ticket

log = logging.getLogger(__name__)
media_bp = Blueprint("media", __name__)


def services():
    """The app's service container."""
    return current_app.extensions["cgbot"]


def _bearer_ok() -> bool:
    token = services().secrets.get("api_token")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def link_ok(no: str | None) -> bool:
    """A ticket link's signature: over the number, or an officer's push link (`u`, with its
    expiry `e`, still valid)."""
    if not no:
        return False
    key = services().secrets.get("api_token")
    user = request.args.get("u")
    if user:
        args = request.args
        return (
            officer_link_problem(key, no, user, args.get("e"), args.get("sig"), time.time()) is None
        )
    return ticket_sig_ok(key, no, request.args.get("sig"))


def media_url(sha256: str, ticket_no: str | None = None, key: str | None = None) -> str:
    """`/media/<sha256>`, signed for `ticket_no` when a key is given (for pages and cards)."""
    url = f"/media/{sha256}"
    if ticket_no and key:
        url += f"?no={ticket_no}&sig={ticket_sig(key, ticket_no)}"
    return url


@media_bp.before_request
def require_store():
    """503 when the app was built without a media store (the composition root always adds one)."""
    if services().media_store is None:
        log.error("%s %s: no media store configured", request.method, request.path)
        return jsonify({"error": "media store not configured"}), 503
    return None


@media_bp.get("/media/<sha256>")
def get_media(sha256: str):
    """Exactly the stored bytes, with the content type found when they were checked."""
    no = request.args.get("no")
    if not (_bearer_ok() or link_ok(no)):
        log.warning("GET /media/%s: 403 no token and no valid ticket link", sha256[:16])
        return jsonify({"error": "bearer token or signed ticket link required"}), 403
    store = services().store
    with store.session() as s:
        media = s.get(Media, sha256)
        if media is not None and no and not _bearer_ok():
            ticket = s.scalar(select(Ticket).where(Ticket.no == no))
            if ticket is None or not attachments.ticket_has_media(s, ticket.id, sha256):
                media = None  # a link opens its own ticket's photos only
        content_type = media.content_type if media else None
    data = services().media_store.get(sha256) if content_type else None
    if data is None:
        return jsonify({"error": f"media {sha256[:16]} not found"}), 404
    resp = Response(data, mimetype=content_type)
    resp.headers["Cache-Control"] = "private, max-age=86400, immutable"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp


@media_bp.post("/tickets/<no>/photos")
def upload_photo(no: str):
    """An officer's photo from the ticket page (signed link with `u`): checked, stored, linked."""
    if not (link_ok(no) and request.args.get("u")):
        log.warning("POST /tickets/%s/photos: 403 missing or bad sig", no)
        return jsonify({"error": "signed ticket link required"}), 403
    settings = services().config.media
    # The app-wide body limit is for chat messages; a photo may be larger.
    request.max_content_length = settings.max_bytes + 64 * 1024
    upload = request.files.get("photo")
    if upload is None:
        return _bad(no, "missing file field `photo`")
    data = upload.read(settings.max_bytes + 1)
    try:
        checked = check_image(data, settings)
    except MediaRejected as exc:
        return _bad(no, str(exc))
    sha = services().media_store.put(data, checked.content_type)
    now = services().clock()
    with services().store.session() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.no == no))
        if ticket is None:
            return jsonify({"error": f"ticket {no} not found"}), 404
        attachments.store_media(s, sha, checked, len(data), now)
        s.add(
            Attachment(
                kind="image",
                source="page",
                ticket_id=ticket.id,
                origin={"uploaded_by": request.args["u"]},
                state="stored",
                sha256=sha,
                attempts=0,
                created_at=now,
                stored_at=now,
            )
        )
    log.info("ticket %s: photo %s uploaded by %s", no, sha[:12], request.args["u"])
    return jsonify({"sha256": sha, "url": media_url(sha)}), 201


def _bad(no: str, reason: str):
    log.warning("POST /tickets/%s/photos: 400 %s", no, reason)
    return jsonify({"error": reason}), 400


def photos_json(ticket_id: int) -> list[dict]:
    """The `photos` of a ticket as the API lists them."""
    with services().store.session() as s:
        return [
            {
                "sha256": m.sha256,
                "content_type": m.content_type,
                "bytes": m.bytes,
                "source": a.source,
                "url": media_url(m.sha256),
            }
            for a, m in attachments.ticket_photos(s, ticket_id)
        ]


def message_files_json(message_id: int) -> list[dict]:
    """The files a message carried (a photo kept on a message with no ticket shows here)."""
    with services().store.session() as s:
        rows = s.scalars(
            select(Attachment).where(Attachment.message_id == message_id).order_by(Attachment.id)
        )
        return [
            {
                "kind": a.kind,
                "state": a.state,
                "sha256": a.sha256,
                "url": media_url(a.sha256) if a.sha256 else None,
                "error": a.error,
            }
            for a in rows
        ]
