"""WeCom 智能机器人 callback: residents @-mention the bot in a group; WeCom posts encrypted JSON
({"encrypt": ...}, msg_signature over token, timestamp, nonce and the ciphertext; ReceiveId ""),
which becomes an IncomingMessage. We answer with an empty body at once and reply later through
the message's response_url (usable once, for an hour)."""

from __future__ import annotations

import base64
import json
import logging
import re

from flask import Blueprint, Response, request
from wechatpy.enterprise.crypto import PrpCrypto

from bot import edge
from bot.message import IncomingMessage

log = logging.getLogger(__name__)
aibot_bp = Blueprint("aibot", __name__)

ENDPOINT = "/aibot/callback"
CHANNEL = "aibot"
RECEIVE_ID = ""  # 企业内部智能机器人: the ReceiveId inside every ciphertext is empty
REQUIRED_SECRETS = ("aibot_token", "aibot_encoding_aes_key")
LEADING_MENTION = re.compile(r"^\s*@\S+\s*")


def _settings() -> tuple[tuple[str, PrpCrypto] | None, Response | None]:
    """(token, crypto), or a 503 answer when the bot's secrets are unset or invalid."""
    secrets = edge.services().secrets
    missing = edge.missing_secrets(secrets, REQUIRED_SECRETS)
    key = secrets.get("aibot_encoding_aes_key")
    if not missing and not edge.aes_key_ok(key):
        missing = [secrets.env_name("aibot_encoding_aes_key")]
    if missing:
        return None, edge.not_configured(ENDPOINT, missing)
    crypto = PrpCrypto(base64.b64decode(key + "="))
    return (secrets.get("aibot_token"), crypto), None


@aibot_bp.get(ENDPOINT)
def verify_url() -> Response:
    """URL verification: answer the decrypted echostr of a signed, fresh request."""
    settings, refusal = _settings()
    if refusal:
        return refusal
    token, crypto = settings
    signature, timestamp, nonce = edge.signed_args("msg_signature")
    echostr = request.args.get("echostr")
    refusal = edge.authenticate(ENDPOINT, signature, token, timestamp, nonce, echostr)
    if refusal:
        return refusal
    try:
        return edge.plain(crypto.decrypt(echostr, RECEIVE_ID))
    except edge.BAD_PAYLOAD_ERRORS as exc:
        return edge.bad_request(ENDPOINT, exc)


@aibot_bp.post(ENDPOINT)
def receive() -> Response:
    """Verify, decrypt, map, hand to intake; an empty 200 (no passive reply)."""
    settings, refusal = _settings()
    if refusal:
        return refusal
    token, crypto = settings
    edge.limit_body(edge.services().config.service.max_body_bytes)
    body = request.get_data()  # outside any try: a 413 must reach the client as a 413
    try:
        encrypted = _envelope(body)
    except edge.BadPayload as exc:
        return edge.bad_request(ENDPOINT, str(exc))
    signature, timestamp, nonce = edge.signed_args("msg_signature")
    refusal = edge.authenticate(ENDPOINT, signature, token, timestamp, nonce, encrypted)
    if refusal:
        return refusal
    try:
        payload = json.loads(crypto.decrypt(encrypted, RECEIVE_ID))
        message = to_incoming(payload, edge.sent_at_now())
    except (edge.BadPayload, *edge.BAD_PAYLOAD_ERRORS) as exc:
        return edge.bad_request(ENDPOINT, exc)
    if message is None:
        log.info("%s: ignored %s", ENDPOINT, str(payload.get("msgtype"))[:20])
        return edge.plain("")
    receipt = edge.services().intake.accept(message)
    if receipt.duplicate:
        log.info("%s: msg %s is a retry, already stored", ENDPOINT, message.msg_id)
    return edge.plain("")


def _envelope(body: bytes) -> str:
    """The `encrypt` field of the JSON body."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise edge.BadPayload(f"body is not JSON ({type(exc).__name__})") from None
    encrypted = data.get("encrypt") if isinstance(data, dict) else None
    if not isinstance(encrypted, str) or not encrypted:
        raise edge.BadPayload("缺少encrypt字段 / missing encrypt")
    return encrypted


def _text(payload: dict) -> str | None:
    """The message's words: a text message, or the text items of a mixed one."""
    if payload.get("msgtype") == "text":
        return str((payload.get("text") or {}).get("content") or "")
    if payload.get("msgtype") == "mixed":
        items = (payload.get("mixed") or {}).get("msg_item") or []
        parts = [
            str((i.get("text") or {}).get("content") or "")
            for i in items
            if isinstance(i, dict) and i.get("msgtype") == "text"
        ]
        return " ".join(p for p in parts if p)
    return None


def to_incoming(payload: dict, sent_at) -> IncomingMessage | None:
    """The decrypted JSON as IncomingMessage; None for message types we do not take."""
    if not isinstance(payload, dict):
        raise edge.BadPayload("decrypted payload is not a JSON object")
    text = _text(payload)
    if text is None:
        return None
    msg_id, sender = payload.get("msgid"), (payload.get("from") or {}).get("userid")
    if not (isinstance(msg_id, str) and msg_id and isinstance(sender, str) and sender):
        raise edge.BadPayload("missing msgid or from.userid")
    group = payload.get("chatid") if payload.get("chattype") == "group" else None
    extra = {
        key: payload[key] for key in ("response_url", "aibotid", "chattype") if payload.get(key)
    }
    return IncomingMessage(
        channel=CHANNEL,
        msg_id=msg_id[:128],
        sender_id=sender[:128],
        sender_name=sender[:128],  # the callback carries no display name
        text=LEADING_MENTION.sub("", text, count=1)[:4000],  # "@城管小助手 ..." -> "..."
        sent_at=sent_at,
        group_id=group[:128] if isinstance(group, str) and group else None,
        mentions=("aibot",),
        extra=extra,
    )
