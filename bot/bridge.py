"""`POST /api/messages`: the signed JSON endpoint for group-chat bridges."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot import inputs
from bot.message import IncomingMessage
from channels.signing import verify
from domain.names import clean_name

log = logging.getLogger(__name__)
# The body limit (service.max_body_bytes) bounds a data: URL photo too: bridges send larger
# photos as an http(s) URL they serve, which the fetch job downloads.
MAX_IMAGE_FIELD = 4 * 1024 * 1024
bridge_bp = Blueprint("bridge", __name__)


class BridgeLocation(BaseModel):
    """A shared location, GCJ-02 as WeChat gives it."""

    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    label: str = Field(default="", max_length=200)


class BridgeMessage(BaseModel):
    """A group message as a bridge posts it; extra fields (image, location) are kept."""

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)

    msg_id: str = Field(min_length=1, max_length=128)
    group_id: str = Field(min_length=1, max_length=128)
    sender_id: str = Field(min_length=1, max_length=128)
    sender_name: str = Field(min_length=1, max_length=128)
    text: str = Field(max_length=4000)
    sent_at: datetime
    mentions: list[str] = Field(default_factory=list)
    image: str | None = Field(default=None, max_length=MAX_IMAGE_FIELD)
    location: BridgeLocation | None = None

    @field_validator("image")
    @classmethod
    def _image_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://", "data:image/")):
            raise ValueError("must be an http(s) URL or a data:image/... URL")
        return value or None

    @field_validator("msg_id", "group_id", "sender_id", "sender_name", "text")
    @classmethod
    def _storable(cls, value: str) -> str:
        problem = inputs.text_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("mentions")
    @classmethod
    def _short_names(cls, value: list[str]) -> list[str]:
        if len(value) > 50 or any(len(name) > inputs.MAX_ID_CHARS for name in value):
            raise ValueError("at most 50 names of at most 128 characters")
        return value

    @field_validator("sent_at", mode="before")
    @classmethod
    def _unix_or_iso(cls, value):
        if isinstance(value, bool):
            raise ValueError("must be unix seconds or ISO 8601")
        if isinstance(value, int | float):
            return inputs.unix_seconds("sent_at", value)  # BadInput is a ValueError
        return value

    @field_validator("sent_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        inputs.in_span("sent_at", value)
        # Stored in UTC: SQLite drops the offset, so a +08:00 time would read back 8 h off.
        local = value if value.tzinfo else value.replace(tzinfo=current_tz())
        return local.astimezone(UTC)

    def to_incoming(self) -> IncomingMessage:
        """The internal message."""
        return IncomingMessage(
            channel="bridge",
            msg_id=self.msg_id,
            group_id=self.group_id,
            sender_id=self.sender_id,
            sender_name=clean_name(self.sender_name),
            text=self.text,
            sent_at=self.sent_at,
            mentions=tuple(self.mentions),
            kind=self._kind(),
            extra=self._extra(),
        )

    def _kind(self) -> str:
        if self.text:
            return "text"
        return "image" if self.image else "location" if self.location else "text"

    def _extra(self) -> dict:
        extra = dict(self.model_extra)
        if self.image:
            extra["image"] = self.image
        if self.location:
            extra["location"] = self.location.model_dump()
        return extra


def current_tz():
    """Naive ISO times from bridges are local (service timezone)."""
    return current_app.extensions["cgbot"].config.tz


def _error(status: int, reason: str, **extra):
    # printable(): a lone surrogate in what the sender wrote must not break the log or the answer
    reason = inputs.printable(reason)
    extra = {k: inputs.printable(v) if isinstance(v, str) else v for k, v in extra.items()}
    if "fields" in extra:
        extra["fields"] = [inputs.printable(f) for f in extra["fields"]]
    log.warning("POST /api/messages: %d %s %s", status, reason, extra or "")
    return jsonify({"accepted": False, "error": reason, **extra}), status


@bridge_bp.post("/api/messages")
def receive_message():
    """Verify, validate, store, enqueue, answer: no NLP in the request."""
    services = current_app.extensions["cgbot"]
    secret = services.secrets.get("bridge_secret")
    if not secret:
        return _error(503, f"{services.secrets.env_name('bridge_secret')} is not set")
    body = request.get_data(cache=True)
    reason = verify(
        secret,
        request.headers.get("X-Timestamp", ""),
        request.headers.get("X-Signature", ""),
        body,
        services.config.service.replay_window_seconds,
        time.time(),
    )
    if reason:
        return _error(401, reason)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return _error(400, f"body is not JSON: {str(exc)[:100]}")
    if not isinstance(payload, dict):
        return _error(400, "body must be a JSON object")
    msg_id = _echo(payload.get("msg_id"))
    try:
        inputs.check_tree(payload)
        message = BridgeMessage.model_validate(payload)
    except inputs.BadInput as exc:
        return _error(400, "invalid message", fields=[str(exc)], msg_id=msg_id)
    except ValidationError as exc:
        return _error(400, "invalid message", fields=_field_errors(exc), msg_id=msg_id)
    receipt = services.intake.accept(message.to_incoming())
    return jsonify({"accepted": True, "msg_id": receipt.msg_id, "duplicate": receipt.duplicate})


def _field_errors(exc: ValidationError) -> list[str]:
    return [".".join(str(p) for p in e["loc"]) + ": " + e["msg"] for e in exc.errors()]


def _echo(msg_id) -> str:
    """The msg_id to repeat in a 400, only when it is printable text (the answer must encode)."""
    if not isinstance(msg_id, str | int) or isinstance(msg_id, bool):
        return ""
    text = str(msg_id)[: inputs.MAX_ID_CHARS]
    return "" if inputs.text_problem(text) else text
