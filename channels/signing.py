"""HMAC signing: the bridge endpoint, our replies to the bridge, simulate, ticket page links."""

from __future__ import annotations

import hashlib
import hmac
import re
import time

UNIX_SECONDS = re.compile(r"[0-9]{1,12}")  # longer is no clock of ours, and would overflow


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 with key `secret` over `timestamp + "." + body`."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The `X-Timestamp` and `X-Signature` headers for `body`."""
    ts = str(int(now if now is not None else time.time()))
    return {
        "X-Timestamp": ts,
        "X-Signature": sign(secret, ts, body),
        "Content-Type": "application/json",
    }


def verify(
    secret: str, timestamp: str, signature: str, body: bytes, window: int, now: float
) -> str | None:
    """None when valid; otherwise the reason (stale, malformed or bad signature)."""
    if not timestamp or not signature:
        return "missing X-Timestamp or X-Signature"
    if not UNIX_SECONDS.fullmatch(timestamp):
        return "X-Timestamp is not unix seconds"
    if abs(now - int(timestamp)) > window:
        return "stale timestamp"
    # bytes, not str: compare_digest raises TypeError on non-ASCII str (a header can carry any)
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.lower().encode()):
        return "bad signature"
    return None


TICKET_SIG_CHARS = 16  # 64 bits: enough against guessing, short enough for a WeCom card link


def ticket_sig(key: str, ticket_no: str) -> str:
    """The `?sig=` of a ticket page link: HMAC-SHA256(key, ticket no), first 16 hex chars."""
    digest = hmac.new(key.encode(), ticket_no.encode(), hashlib.sha256).hexdigest()
    return digest[:TICKET_SIG_CHARS]


LINK_TTL_SECONDS = 24 * 3600  # a push link that signs an officer in is good for one day


def signed_ticket_url(
    url: str, key: str, ticket_no: str, userid: str | None = None, now: float | None = None
) -> str:
    """`url` with the signature appended; with `userid` the link signs that officer in for this
    ticket until `e` (unix seconds), which the signature covers too."""
    separator = "&" if "?" in url else "?"
    if userid:
        expires = int(now if now is not None else time.time()) + LINK_TTL_SECONDS
        sig = ticket_sig(key, f"{ticket_no}:{userid}:{expires}")
        return f"{url}{separator}u={userid}&e={expires}&sig={sig}"
    return f"{url}{separator}sig={ticket_sig(key, ticket_no)}"


def officer_link_problem(
    key: str | None, ticket_no: str, userid: str, expires: str | None, given: str | None, now: float
) -> str | None:
    """None for a valid, unexpired officer link; otherwise why not ("bad" or "expired")."""
    if not expires or not expires.isdigit():
        return "bad"
    if not ticket_sig_ok(key, f"{ticket_no}:{userid}:{expires}", given):
        return "bad"
    return "expired" if int(expires) < now else None


def ticket_sig_ok(key: str | None, ticket_no: str, given: str | None) -> bool:
    """Constant-time check of a ticket page signature; False when no key is configured."""
    if not key or not given:
        return False
    return hmac.compare_digest(ticket_sig(key, ticket_no).encode(), given.lower().encode())
