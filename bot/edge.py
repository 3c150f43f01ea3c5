"""Shared helpers for the WeChat and WeCom callbacks: signatures, replay window, answers."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import struct
import time
from datetime import datetime, timedelta, timezone
from xml.parsers.expat import ExpatError

import xmltodict
from flask import Response, current_app, request
from wechatpy.exceptions import WeChatException
from wechatpy.utils import WeChatSigner
from werkzeug.exceptions import RequestEntityTooLarge

from bot import inputs
from bot.cards import card_click
from bot.message import IncomingMessage
from channels.signing import UNIX_SECONDS

log = logging.getLogger(__name__)

# China has no daylight saving time: a fixed offset is exact and needs no tz database.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

# What wechatpy raises for a well-signed but malformed payload (measured, see docs/stack-notes.md):
# bad base64, bad padding, bad length prefix, wrong corp/app id, broken or entity-laden XML,
# XML without MsgType/Event, or fields of the wrong shape.
BAD_PAYLOAD_ERRORS = (
    ValueError,  # includes UnicodeDecodeError, binascii.Error and xmltodict's "entities"
    binascii.Error,
    struct.error,
    ExpatError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    WeChatException,  # InvalidCorpIdException / InvalidAppIdException after decryption
)

# The plaintext fields we read, with the most characters each may hold (the column widths, and
# the bridge's 4,000 for text). A field given twice or holding an element is not text.
FIELD_LIMITS = {
    "MsgId": inputs.MAX_ID_CHARS,
    "FromUserName": inputs.MAX_ID_CHARS,
    "MsgType": 32,
    "Event": 64,
    "Content": 4000,
    "Recognition": 4000,
    "MediaId": 256,
    "PicUrl": 1024,
    "Label": 256,
    "Location_X": 32,
    "Location_Y": 32,
}

SUCCESS_TEXT = "success"  # what WeChat and WeCom expect; anything else triggers retries


class BadPayload(Exception):
    """A request whose signature was fine but whose body we cannot read."""


def services():
    """The app's service container (config, secrets, intake) set up by the factory."""
    return current_app.extensions["cgbot"]


def plain(text: str, status: int = 200) -> Response:
    """A plain-text UTF-8 answer."""
    return Response(text, status=status, mimetype="text/plain")


def success() -> Response:
    """The answer WeChat/WeCom want for an accepted (or ignored) push."""
    return plain(SUCCESS_TEXT)


def not_configured(endpoint: str, missing: list[str]) -> Response:
    """503 for a channel whose secrets are unset or invalid: the operator must fix the env."""
    log.error("%s: channel not configured, missing or invalid: %s", endpoint, ", ".join(missing))
    return plain("渠道未配置 / channel not configured: " + ", ".join(missing), 503)


def forbidden(endpoint: str, reason: str, text: str) -> Response:
    """403 for a request we cannot trust (bad signature, stale timestamp)."""
    log.warning("%s: refused (%s) from %s", endpoint, reason, request.remote_addr)
    return plain(text, 403)


def bad_request(endpoint: str, reason: str | Exception) -> Response:
    """400 for a request whose payload is unreadable; `reason` may be the exception raised."""
    if isinstance(reason, BadPayload):
        reason = str(reason)
    elif isinstance(reason, BaseException):
        kind = type(reason)
        name = kind.__name__
        if kind.__module__ != "builtins":
            name = f"{kind.__module__}.{name}"  # "struct.error" says more than "error"
        reason = f"{name}: {reason}"[:200]
    reason = inputs.printable(reason)
    log.warning("%s: bad payload: %s", endpoint, reason)
    return plain("请求无法解析 / bad request: " + reason, 400)


def signature_ok(signature: str | None, token: str, *parts: str) -> bool:
    """True when `signature` is the SHA-1 WeChat signature of token and parts (constant time)."""
    if not signature or any(part is None for part in parts):
        return False
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    # wechatpy compares with `!=`; compare_digest does not leak how many characters matched.
    return hmac.compare_digest(signer.signature, signature)


def aes_key_ok(key: str | None) -> bool:
    """True when `key` is a 43-character EncodingAESKey decoding to 32 bytes."""
    if not key or len(key) != 43:
        return False
    try:
        return len(base64.b64decode(key + "=", validate=True)) == 32
    except binascii.Error:
        return False


def missing_secrets(secrets, keys: tuple[str, ...]) -> list[str]:
    """Env variable names of the secrets in `keys` that are unset."""
    return [secrets.env_name(key) for key in keys if not secrets.get(key)]


def authenticate(endpoint: str, signature, token: str, timestamp, nonce, *parts):
    """A 403 Response for a bad signature or a stale timestamp; None when the request is trusted."""
    if not signature_ok(signature, token, timestamp, nonce, *parts):
        return forbidden(endpoint, "bad signature", "签名错误 / bad signature")
    window = services().config.service.replay_window_seconds
    if not is_fresh(timestamp, window):
        return forbidden(endpoint, f"stale timestamp {timestamp}", "请求已过期 / stale")
    return None


def signed_args(signature_arg: str) -> tuple[str | None, str | None, str | None]:
    """(signature, timestamp, nonce) from the query string."""
    args = request.args
    return args.get(signature_arg), args.get("timestamp"), args.get("nonce")


def is_fresh(timestamp: str | None, window_seconds: int, now: float | None = None) -> bool:
    """True when the unix `timestamp` lies within the replay window around now."""
    if not timestamp or not UNIX_SECONDS.fullmatch(timestamp):
        return False  # 400 digits would overflow the float arithmetic below
    now = time.time() if now is None else now
    return abs(now - int(timestamp)) <= window_seconds


def limit_body(max_bytes: int | None) -> None:
    """Cap this request's body even if the factory forgot MAX_CONTENT_LENGTH (Flask 3.1)."""
    if not max_bytes:
        return
    current = request.max_content_length
    request.max_content_length = max_bytes if current is None else min(current, max_bytes)
    if request.content_length is not None and request.content_length > max_bytes:
        raise RequestEntityTooLarge()


def read_envelope(body: bytes) -> dict:
    """The outer `<xml>` of an encrypted push as a dict holding `Encrypt`; BadPayload otherwise."""
    try:
        envelope = xmltodict.parse(body)["xml"]
    except BAD_PAYLOAD_ERRORS as exc:
        raise BadPayload(f"外层XML无效 / invalid envelope XML ({type(exc).__name__})") from exc
    if not isinstance(envelope, dict) or not envelope.get("Encrypt"):
        raise BadPayload("缺少Encrypt字段 / missing Encrypt")
    return envelope


def check_fields(parsed) -> None:
    """BadPayload naming the first plaintext field we cannot store as it is."""
    data = parsed._data
    for name, limit in FIELD_LIMITS.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadPayload(f"{name}: must be plain text, given once")
        try:
            inputs.check_text(name, value, limit)
        except inputs.BadInput as exc:
            raise BadPayload(str(exc)) from None
    raw = data.get("CreateTime")
    if raw is not None and not (isinstance(raw, str) and UNIX_SECONDS.fullmatch(raw.strip())):
        raise BadPayload("CreateTime: must be unix seconds")


def sent_at(parsed) -> datetime:
    """When the message was sent, timezone-aware; now when CreateTime is missing."""
    raw = parsed._data.get("CreateTime")
    if raw is None:
        return datetime.now(CHINA_TZ)
    try:
        return inputs.unix_seconds("CreateTime", int(raw)).astimezone(CHINA_TZ)
    except inputs.BadInput as exc:
        raise BadPayload(str(exc)) from None


def sent_at_now() -> datetime:
    """Now, for pushes that carry no send time (智能机器人 JSON)."""
    return datetime.now(CHINA_TZ)


def _location_extra(parsed) -> dict:
    return {"x": parsed.location_x, "y": parsed.location_y, "label": parsed.label or ""}


def _content(parsed) -> tuple[str, str, dict] | None:
    """(kind, text, extra) for the message types we handle; None for the rest."""
    if parsed.type == "text":
        return "text", parsed.content or "", {}
    if parsed.type == "image":
        return "image", "", {"media_id": parsed.media_id, "pic_url": parsed.image}
    if parsed.type == "location":
        return "location", parsed.label or "", _location_extra(parsed)
    if parsed.type == "voice":
        # Recognition is only present when speech recognition is enabled for the account.
        return "voice", parsed.recognition or "", {"media_id": parsed.media_id}
    return None


def to_incoming(parsed, channel: str, sender_name: str) -> IncomingMessage | None:
    """Map a parsed wechatpy message to IncomingMessage; None for events and unhandled types."""
    check_fields(parsed)
    content = _content(parsed)
    if content is None:
        return card_click(parsed, channel, sent_at(parsed))
    kind, text, extra = content
    return IncomingMessage(
        channel=channel,
        msg_id=str(parsed._data.get("MsgId") or ""),
        sender_id=parsed.source or "",
        sender_name=sender_name or parsed.source or "",
        text=text,
        sent_at=sent_at(parsed),
        kind=kind,
        extra=extra,
    )


def record(endpoint: str, parsed, message: IncomingMessage | None) -> Response:
    """Hand a mapped push to intake (messages with a MsgId only) and answer success."""
    if message is None:
        event = getattr(parsed, "event", "") or ""
        log.info("%s: ignored %s %s from %s", endpoint, parsed.type, event, parsed.source)
        return success()
    if not message.msg_id:
        log.warning(
            "%s: %s message without MsgId from %s, not stored",
            endpoint,
            message.kind,
            message.sender_id,
        )
        return success()
    receipt = services().intake.accept(message)
    if receipt.duplicate:
        log.info("%s: msg %s is a retry, already stored", endpoint, message.msg_id)
    return success()
