"""WeChat official account (公众号) callback: residents' messages in, IncomingMessage out."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.parser import parse_message

from bot import edge

log = logging.getLogger(__name__)

wechat_bp = Blueprint("wechat", __name__)

ENDPOINT = "/wechat/callback"
CHANNEL = "wechat"
RESIDENT_NAME = "微信用户"  # the official account never tells us a resident's nickname
SAFE_MODE_SECRETS = ("wechat_encoding_aes_key", "wechat_app_id")


def _token() -> tuple[str | None, Response | None]:
    """The callback token, or a 503 answer when it is unset."""
    secrets = edge.services().secrets
    token = secrets.get("wechat_token")
    if not token:
        return None, edge.not_configured(ENDPOINT, [secrets.env_name("wechat_token")])
    return token, None


def _safe_mode_crypto(token: str) -> tuple[WeChatCrypto | None, Response | None]:
    """Safe-mode crypto, or a 503 answer when the AES key or app id is unset or invalid."""
    secrets = edge.services().secrets
    missing = edge.missing_secrets(secrets, SAFE_MODE_SECRETS)
    if not missing and not edge.aes_key_ok(secrets.get("wechat_encoding_aes_key")):
        missing = [secrets.env_name("wechat_encoding_aes_key")]
    if missing:
        return None, edge.not_configured(ENDPOINT, missing)
    key, app_id = secrets.get("wechat_encoding_aes_key"), secrets.get("wechat_app_id")
    return WeChatCrypto(token, key, app_id), None


@wechat_bp.get(ENDPOINT)
def verify_url() -> Response:
    """URL verification: echo echostr when the plain signature is valid and fresh."""
    token, refusal = _token()
    if refusal:
        return refusal
    args = request.args
    refusal = edge.authenticate(
        ENDPOINT, args.get("signature"), token, args.get("timestamp"), args.get("nonce")
    )
    return refusal or edge.plain(args.get("echostr", ""))


@wechat_bp.post(ENDPOINT)
def receive() -> Response:
    """A push in plain or safe mode: verify, decode, map, hand to intake, answer "success"."""
    token, refusal = _token()
    if refusal:
        return refusal
    edge.limit_body(edge.services().config.service.max_body_bytes)
    body = request.get_data()  # outside any try: a 413 must reach the client as a 413
    mode = request.args.get("encrypt_type", "raw")
    if mode == "aes":
        return _receive_safe(token, body)
    if mode != "raw":
        return edge.bad_request(ENDPOINT, f"未知加密方式 / unknown encrypt_type {mode[:20]}")
    if edge.services().secrets.get("wechat_encoding_aes_key"):
        # The plain signature does not cover the body: once safe mode is set up, insist on it.
        return edge.forbidden(
            ENDPOINT,
            "plain mode while safe mode is configured",
            "需要安全模式 / safe mode required",
        )
    return _receive_plain(token, body)


def _receive_plain(token: str, body: bytes) -> Response:
    """Plain mode: the query signature covers token, timestamp and nonce only."""
    args = request.args
    refusal = edge.authenticate(
        ENDPOINT, args.get("signature"), token, args.get("timestamp"), args.get("nonce")
    )
    if refusal:
        return refusal
    return _parse_and_record(body)


def _receive_safe(token: str, body: bytes) -> Response:
    """Safe mode: msg_signature covers the ciphertext; decrypt with the EncodingAESKey."""
    crypto, refusal = _safe_mode_crypto(token)
    if refusal:
        return refusal
    try:
        envelope = edge.read_envelope(body)
    except edge.BadPayload as exc:
        return edge.bad_request(ENDPOINT, str(exc))
    signature, timestamp, nonce = edge.signed_args("msg_signature")
    refusal = edge.authenticate(ENDPOINT, signature, token, timestamp, nonce, envelope["Encrypt"])
    if refusal:
        return refusal
    try:
        plaintext = crypto.decrypt_message(envelope, signature, timestamp, nonce)
    except InvalidSignatureException:
        return edge.forbidden(ENDPOINT, "bad signature", "签名错误 / bad signature")
    except edge.BAD_PAYLOAD_ERRORS as exc:
        return edge.bad_request(ENDPOINT, exc)
    return _parse_and_record(plaintext)


def _parse_and_record(xml: bytes | str) -> Response:
    """Parse the message XML, map it and hand it to intake; 400 when it cannot be read."""
    try:
        parsed = parse_message(xml)
        if parsed is None:
            raise edge.BadPayload("消息为空 / empty message")
        message = edge.to_incoming(parsed, CHANNEL, RESIDENT_NAME)
    except (edge.BadPayload, *edge.BAD_PAYLOAD_ERRORS) as exc:
        return edge.bad_request(ENDPOINT, exc)
    return edge.record(ENDPOINT, parsed, message)
