"""HMAC signing shared by the bridge endpoint, our replies to the bridge, and the simulate command."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 with key `secret` over `timestamp + "." + body`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The `X-Timestamp` and `X-Signature` headers for `body`."""
    ts = str(int(now if now is not None else time.time()))
    return {"X-Timestamp": ts, "X-Signature": sign(secret, ts, body), "Content-Type": "application/json"}


def verify(secret: str, timestamp: str, signature: str, body: bytes, window: int, now: float) -> str | None:
    """None when valid; otherwise the reason (stale, malformed or bad signature)."""
    if not timestamp or not signature:
        return "missing X-Timestamp or X-Signature"
    try:
        age = abs(now - int(timestamp))
    except ValueError:
        return "X-Timestamp is not unix seconds"
    if age > window:
        return "stale timestamp"
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.lower()):
        return "bad signature"
    return None
