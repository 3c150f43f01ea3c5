"""WeCom (企业微信) self-built app callback: officers' messages in, IncomingMessage out."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, request
from wechatpy.enterprise import WeChatCrypto, parse_message
from wechatpy.exceptions import InvalidSignatureException

from bot import edge

log = logging.getLogger(__name__)

wecom_bp = Blueprint("wecom", __name__)

ENDPOINT = "/wecom/callback"
CHANNEL = "wecom"
REQUIRED_SECRETS = ("wecom_token", "wecom_encoding_aes_key", "wecom_corp_id")


def _crypto() -> tuple[WeChatCrypto | None, Response | None]:
    """The callback crypto built from secrets, or a 503 answer when they are unset or invalid."""
    secrets = edge.services().secrets
    missing = edge.missing_secrets(secrets, REQUIRED_SECRETS)
    if not missing and not edge.aes_key_ok(secrets.get("wecom_encoding_aes_key")):
        missing = [secrets.env_name("wecom_encoding_aes_key")]
    if missing:
        return None, edge.not_configured(ENDPOINT, missing)
    crypto = WeChatCrypto(
        secrets.get("wecom_token"),
        secrets.get("wecom_encoding_aes_key"),
        secrets.get("wecom_corp_id"),
    )
    return crypto, None


@wecom_bp.get(ENDPOINT)
def verify_url() -> Response:
    """URL verification: answer the decrypted echostr when the request is signed and fresh."""
    crypto, refusal = _crypto()
    if refusal:
        return refusal
    signature, timestamp, nonce = edge.signed_args("msg_signature")
    echostr = request.args.get("echostr")
    refusal = edge.authenticate(ENDPOINT, signature, crypto.token, timestamp, nonce, echostr)
    if refusal:
        return refusal
    try:
        return edge.plain(crypto.check_signature(signature, timestamp, nonce, echostr))
    except InvalidSignatureException:
        return edge.forbidden(ENDPOINT, "bad signature", "签名错误 / bad signature")
    except edge.BAD_PAYLOAD_ERRORS as exc:
        return edge.bad_request(ENDPOINT, exc)


@wecom_bp.post(ENDPOINT)
def receive() -> Response:
    """An encrypted push: verify, decrypt, map, hand to intake, answer "success" at once."""
    crypto, refusal = _crypto()
    if refusal:
        return refusal
    edge.limit_body(edge.services().config.service.max_body_bytes)
    body = request.get_data()  # outside any try: a 413 must reach the client as a 413
    try:
        envelope = edge.read_envelope(body)
    except edge.BadPayload as exc:
        return edge.bad_request(ENDPOINT, str(exc))
    signature, timestamp, nonce = edge.signed_args("msg_signature")
    refusal = edge.authenticate(
        ENDPOINT, signature, crypto.token, timestamp, nonce, envelope["Encrypt"]
    )
    if refusal:
        return refusal
    try:
        parsed = parse_message(crypto.decrypt_message(envelope, signature, timestamp, nonce))
        if parsed is None:
            raise edge.BadPayload("解密后内容为空 / empty plaintext")
        message = edge.to_incoming(parsed, CHANNEL, sender_name="")
    except InvalidSignatureException:
        return edge.forbidden(ENDPOINT, "bad signature", "签名错误 / bad signature")
    except (edge.BadPayload, *edge.BAD_PAYLOAD_ERRORS) as exc:
        return edge.bad_request(ENDPOINT, exc)
    return edge.record(ENDPOINT, parsed, message)
