"""POST /api/messages: signature, validation, limits and storage, in-process and over real HTTP."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from channels.signing import sign, signed_headers
from domain.models import Message
from tests.conftest import TEST_SECRETS

SECRET = TEST_SECRETS["BRIDGE_SECRET"]
TEN_AM_SHANGHAI = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def message(**fields) -> dict:
    """A valid bridge message; `fields` override or add keys."""
    body = {
        "msg_id": "m-1",
        "group_id": "grp-longhu-youshanjun",
        "sender_id": "wxid_zhangsan",
        "sender_name": "张三",
        "text": "8号楼后面消防通道被一辆白色越野车堵死了",
        "sent_at": int(time.time()),
        "mentions": ["城管小助手"],
    }
    body.update(fields)
    return body


def raw(payload) -> bytes:
    """JSON bytes as a bridge sends them."""
    return json.dumps(payload, ensure_ascii=False).encode()


def post(client, body: bytes, headers: dict | None = None):
    """POST `body` signed with the test secret unless `headers` are given."""
    headers = signed_headers(SECRET, body) if headers is None else headers
    return client.post("/api/messages", data=body, headers=headers)


def stored_count(store) -> int:
    """How many messages the database holds."""
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Message))


def as_utc(value: datetime) -> datetime:
    """A stored datetime as aware UTC (SQLite hands back naive UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_good_signature_is_accepted_with_exact_shape(client, store):
    """A signed, valid message answers 200 with exactly accepted/msg_id/duplicate and is stored."""
    resp = post(client, raw(message()))
    assert resp.status_code == 200
    assert resp.get_json() == {"accepted": True, "msg_id": "m-1", "duplicate": False}
    stored = store.find_message("bridge", "m-1")
    assert (stored.group_id, stored.sender_name, stored.state) == (
        "grp-longhu-youshanjun",
        "张三",
        "received",
    )


def test_same_msg_id_twice_is_a_duplicate_and_makes_one_ticket(client, store, work):
    """A redelivered msg_id is acknowledged as duplicate; one message, and one ticket after work."""
    first = post(client, raw(message()))
    second = post(client, raw(message(text="同一条消息再次投递")))
    assert first.get_json()["duplicate"] is False
    assert second.status_code == 200
    assert second.get_json() == {"accepted": True, "msg_id": "m-1", "duplicate": True}
    assert stored_count(store) == 1
    work()
    assert len(store.tickets()) == 1


@pytest.mark.parametrize("tamper", ["body", "signature", "secret"])
def test_bad_signature_is_401(client, store, tamper, caplog):
    """A body, signature or key that does not match is refused, logged and not stored."""
    body = raw(message())
    headers = signed_headers("wrong-secret" if tamper == "secret" else SECRET, body)
    if tamper == "signature":
        headers["X-Signature"] = "0" * 64
    if tamper == "body":
        body = raw(message(text="改过的内容"))
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, body, headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "bad signature"
    assert "401 bad signature" in caplog.text
    assert stored_count(store) == 0


@pytest.mark.parametrize("missing", ["X-Timestamp", "X-Signature"])
def test_missing_header_is_401(client, missing, caplog):
    """Without either signing header the request is refused and logged."""
    body = raw(message())
    headers = signed_headers(SECRET, body)
    del headers[missing]
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, body, headers)
    assert resp.status_code == 401
    assert "missing X-Timestamp or X-Signature" in caplog.text


def test_non_ascii_signature_is_401_not_500(client):
    """A signature header with non-ASCII bytes is just a bad signature."""
    body = raw(message())
    headers = signed_headers(SECRET, body)
    headers["X-Signature"] = "é" * 64
    assert post(client, body, headers).status_code == 401


@pytest.mark.parametrize("skew", [-301, 301, -3600, 86400])
def test_timestamp_outside_window_is_401(client, store, skew, caplog):
    """A correctly signed message stamped over 300 s in the past or future is refused (replay)."""
    body = raw(message())
    headers = signed_headers(SECRET, body, now=time.time() + skew)
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, body, headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"] == "stale timestamp"
    assert "stale timestamp" in caplog.text
    assert stored_count(store) == 0


def test_timestamp_inside_window_is_accepted(client):
    """Clock skew of a few minutes between bridge and bot is tolerated."""
    body = raw(message())
    headers = signed_headers(SECRET, body, now=time.time() - 240)
    assert post(client, body, headers).status_code == 200


def test_non_json_body_is_400(client, caplog):
    """A signed body that is not JSON is a 400 with the reason, logged."""
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, b"msg_id=m-1&text=hello")
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith("body is not JSON")
    assert "400 body is not JSON" in caplog.text


def test_invalid_utf8_body_is_400(client):
    """Bytes that are not UTF-8 are refused as non-JSON, not a crash."""
    assert post(client, b'{"msg_id": "\xff\xfe"}').status_code == 400


def test_json_array_is_400(client, caplog):
    """A JSON array (a batch) is not a message."""
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, raw([message()]))
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "body must be a JSON object"
    assert "body must be a JSON object" in caplog.text


def test_missing_field_is_400_naming_it(client, store, caplog):
    """A message without sender_id names the field; nothing is stored."""
    payload = message()
    del payload["sender_id"]
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, raw(payload))
    assert resp.status_code == 400
    data = resp.get_json()
    assert data["error"] == "invalid message" and data["msg_id"] == "m-1"
    assert [f.split(":")[0] for f in data["fields"]] == ["sender_id"]
    assert "sender_id" in caplog.text
    assert stored_count(store) == 0


def test_wrong_types_are_400_naming_each_field(client):
    """Wrong types are reported per field: sent_at, mentions, text."""
    payload = message(sent_at="yesterday", mentions="城管小助手", text=["not", "a", "string"])
    resp = post(client, raw(payload))
    assert resp.status_code == 400
    names = {f.split(":")[0] for f in resp.get_json()["fields"]}
    assert names == {"sent_at", "mentions", "text"}


def test_boolean_sent_at_is_400(client):
    """`true` is not a time, even though Python counts it as the number 1."""
    resp = post(client, raw(message(sent_at=True)))
    assert resp.status_code == 400
    assert resp.get_json()["fields"][0].startswith("sent_at")


@pytest.mark.parametrize(
    "sent_at",
    [
        int(TEN_AM_SHANGHAI.timestamp()),
        TEN_AM_SHANGHAI.timestamp() + 0.0,
        "2026-11-26T10:00:00",  # naive: Asia/Shanghai
        "2026-11-26T10:00:00+08:00",
        "2026-11-26T02:00:00Z",
    ],
    ids=["unix-int", "unix-float", "iso-naive-local", "iso-offset", "iso-utc"],
)
def test_sent_at_unix_or_iso_is_the_same_instant(client, store, sent_at):
    """Unix seconds and ISO 8601 (naive read as Asia/Shanghai) all store 10:00 Qingdao time."""
    assert post(client, raw(message(sent_at=sent_at))).status_code == 200
    assert as_utc(store.find_message("bridge", "m-1").sent_at) == TEN_AM_SHANGHAI


def test_body_over_limit_is_413(client, services, store, caplog):
    """A body over max_body_bytes is refused with 413 (not 400, not 500), logged, not stored."""
    limit = services.config.service.max_body_bytes
    body = raw(message(padding="x" * limit))
    with caplog.at_level(logging.WARNING, logger="bot"):
        resp = post(client, body)
    assert resp.status_code == 413
    assert "413" in caplog.text
    assert stored_count(store) == 0


def test_unset_bridge_secret_is_503(make_app, caplog):
    """Without BRIDGE_SECRET the endpoint refuses everything with 503, naming the variable."""
    env = {k: v for k, v in TEST_SECRETS.items() if k != "BRIDGE_SECRET"}
    client = make_app(env).test_client()
    with caplog.at_level(logging.WARNING, logger="bot.bridge"):
        resp = post(client, raw(message()))
    assert resp.status_code == 503
    assert "BRIDGE_SECRET" in resp.get_json()["error"]
    assert "503" in caplog.text


def test_signature_matches_documented_scheme(client):
    """The scheme in the README: hex HMAC-SHA256(secret, timestamp + "." + body)."""
    import hashlib
    import hmac

    body, ts = raw(message()), str(int(time.time()))
    expected = hmac.new(SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, ts, body) == expected
    headers = {
        "X-Timestamp": ts,
        "X-Signature": expected.upper(),
        "Content-Type": "application/json",
    }
    assert post(client, body, headers).status_code == 200


@pytest.fixture
def live_url(app):
    """The app served over real HTTP on a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.02), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_real_http_accepts_rejects_and_limits(live_url, services, store):
    """Over a real socket: 200 then duplicate, 401 for a bad signature, 413 for a huge body."""
    url = f"{live_url}/api/messages"
    body = raw(message())
    first = requests.post(url, data=body, headers=signed_headers(SECRET, body), timeout=5)
    again = requests.post(url, data=body, headers=signed_headers(SECRET, body), timeout=5)
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert again.json() == {"accepted": True, "msg_id": "m-1", "duplicate": True}
    bad = requests.post(url, data=body, headers=signed_headers("nope", body), timeout=5)
    assert bad.status_code == 401
    huge = raw(message(msg_id="m-2", padding="x" * services.config.service.max_body_bytes))
    assert (
        requests.post(url, data=huge, headers=signed_headers(SECRET, huge), timeout=5).status_code
        == 413
    )
    assert stored_count(store) == 1
