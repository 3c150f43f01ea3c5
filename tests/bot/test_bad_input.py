"""Every hostile input from issue 11: a 4xx naming the field, nothing stored, one log line."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from channels.signing import sign, signed_headers
from tests.conftest import TEST_SECRETS
from tests.fakewechat import EDGE_ENV, WeChatSender, WeComSender

SECRET = TEST_SECRETS["BRIDGE_SECRET"]
AUTH = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def bridge_body(**fields) -> dict:
    body = {
        "msg_id": "bad-1",
        "group_id": "grp-longhu-youshanjun",
        "sender_id": "wxid_zhangsan",
        "sender_name": "张三",
        "text": "8号楼后面消防通道被堵了",
        "sent_at": int(time.time()),
    }
    body.update(fields)
    return body


def post_raw(client, raw: bytes):
    return client.post("/api/messages", data=raw, headers=signed_headers(SECRET, raw))


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def warnings_from(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_400_digit_timestamp_is_401_before_anything(client, stored, caplog):
    """An absurd X-Timestamp is just not unix seconds: 401, logged once, nothing stored."""
    raw = json.dumps(bridge_body()).encode()
    ts = "9" * 400
    headers = {"X-Timestamp": ts, "X-Signature": sign(SECRET, ts, raw)}
    with caplog.at_level(logging.WARNING):
        resp = client.post("/api/messages", data=raw, headers=headers)
    assert resp.status_code == 401
    assert "X-Timestamp" in resp.get_json()["error"]
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


SENT_AT_CASES = [
    b"1e20",
    b"1000000000000000000000000000000",
    b"1e300",
    b"Infinity",
    b"-Infinity",
    b"NaN",
    b'"0001-01-01T00:00:00+23:59"',
    b'"0001-01-01T00:00:00-23:59"',
    b'"9999-12-31T23:59:59-23:59"',
    b'"9999-12-31T23:59:59+23:59"',
    b'"0001-01-01T00:00:00"',
    b"-1",
]


@pytest.mark.parametrize("sent_at", SENT_AT_CASES, ids=lambda v: v.decode())
def test_absurd_sent_at_is_400_naming_the_field(client, stored, caplog, sent_at):
    """Overflowing or non-finite times are refused as sent_at errors, never a traceback."""
    raw = json.dumps(bridge_body(sent_at="X")).encode().replace(b'"X"', sent_at)
    with caplog.at_level(logging.WARNING):
        resp = post_raw(client, raw)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert any(f.startswith("sent_at") for f in resp.get_json()["fields"])
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


def test_thousand_deep_extra_field_is_400(client, stored, caplog):
    deep = b'{"a":' * 1000 + b"{}" + b"}" * 1000  # json.dumps itself cannot write this
    raw = json.dumps(bridge_body(extra="X")).encode().replace(b'"X"', deep)
    with caplog.at_level(logging.WARNING):
        resp = post_raw(client, raw)
    assert resp.status_code == 400
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


def test_ten_deep_extra_field_names_the_path(client, stored):
    resp = post_raw(client, json.dumps(bridge_body(image=nested(10))).encode())
    assert resp.status_code == 400
    assert resp.get_json()["fields"][0].startswith("image.a.a")
    assert stored.count == 0


@pytest.mark.parametrize(
    "field,value",
    [
        ("msg_id", "\ud800"),
        ("msg_id", "m\x00"),
        ("sender_name", "张\udfff"),
        ("text", "堵了\x00"),
        ("group_id", "grp\x00"),
        ("location", {"label": "\ud800"}),
    ],
)
def test_nul_and_lone_surrogates_are_400_and_the_answer_encodes(
    client, stored, caplog, field, value
):
    """PostgreSQL refuses both, SQLite takes both: both are refused before storage."""
    raw = json.dumps(bridge_body(**{field: value})).encode()  # ensure_ascii: \\ud800 escapes
    with caplog.at_level(logging.WARNING):
        resp = post_raw(client, raw)
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["fields"][0].split(":")[0].split(".")[0] == field
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


@pytest.mark.parametrize("field", ["msg_id", "sender_id", "sender_name", "group_id"])
def test_300_character_ids_are_400(client, stored, field):
    resp = post_raw(client, json.dumps(bridge_body(**{field: "x" * 300})).encode())
    assert resp.status_code == 400 and resp.get_json()["fields"][0].startswith(field)
    assert stored.count == 0


# -- WeCom / WeChat plaintexts ------------------------------------------------------------------
WECOM_TEXT = (FIXTURES / "wecom_text.xml").read_text(encoding="utf-8")
WECHAT_TEXT = (FIXTURES / "wechat_text.xml").read_text(encoding="utf-8")
PLAINTEXT_CASES = {
    "CreateTime": [
        ("<CreateTime>1718236800</CreateTime>", "<CreateTime>12345678901234567</CreateTime>")
    ],
    "Content": [
        ("</Content>", "</Content><Content>二次</Content>"),
        ("<Content><![CDATA[", "<Content><b>x</b><![CDATA["),
    ],
    "MsgId": [("<MsgId>", "<MsgId>" + "9" * 300)],
    "FromUserName": [("<FromUserName><![CDATA[", "<FromUserName><![CDATA[" + "u" * 300)],
}
CASES = [(f, a, b) for f, pairs in PLAINTEXT_CASES.items() for a, b in pairs]


@pytest.fixture
def edge_client(make_edge_app):
    return make_edge_app(dict(EDGE_ENV)).test_client()


@pytest.mark.parametrize("field,old,new", CASES, ids=[c[0] for c in CASES])
def test_wecom_plaintext_field_problems_are_400(edge_client, stored, caplog, field, old, new):
    xml = WECOM_TEXT.replace(old, new, 1)
    assert xml != WECOM_TEXT
    query, body = WeComSender().push(xml)
    with caplog.at_level(logging.WARNING):
        resp = edge_client.post("/wecom/callback", query_string=query, data=body)
    assert resp.status_code == 400 and field in resp.get_data(as_text=True)
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


@pytest.mark.parametrize("field,old,new", CASES, ids=[c[0] for c in CASES])
def test_wechat_plaintext_field_problems_are_400(edge_client, stored, caplog, field, old, new):
    xml = WECHAT_TEXT.replace(old.replace("1718236800", "1718237000"), new, 1)
    assert xml != WECHAT_TEXT
    query, body = WeChatSender().safe_push(xml)
    with caplog.at_level(logging.WARNING):
        resp = edge_client.post("/wechat/callback", query_string=query, data=body)
    assert resp.status_code == 400 and field in resp.get_data(as_text=True)
    assert len(warnings_from(caplog)) == 1 and stored.count == 0


def test_wechat_400_digit_query_timestamp_is_403(edge_client, stored):
    query, body = WeChatSender().safe_push(WECHAT_TEXT)
    query["timestamp"] = "9" * 400
    resp = edge_client.post("/wechat/callback", query_string=query, data=body)
    assert resp.status_code == 403 and stored.count == 0


# -- API ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query,field",
    [
        ("offset=" + "9" * 30, "offset"),
        ("offset=-1", "offset"),
        ("limit=-1", "limit"),
        ("limit=0", "limit"),
        ("limit=" + "9" * 30, "limit"),
        ("status=%00", "status"),
    ],
)
def test_ticket_list_bounds_are_400_naming_the_parameter(client, store, caplog, query, field):
    with caplog.at_level(logging.WARNING):
        resp = client.get(f"/api/tickets?{query}", headers=AUTH)
    assert resp.status_code == 400 and resp.get_json()["field"] == field
    assert len(warnings_from(caplog)) == 1


def test_large_limit_is_clamped_to_the_page_cap(client, store):
    assert client.get("/api/tickets?limit=100000", headers=AUTH).status_code == 200


@pytest.mark.parametrize(
    "query,field",
    [
        ("from=0001-01-01", "from"),
        ("to=0001-01-01", "to"),
        ("to=9999-12-31", "to"),
        ("from=2026-13-01", "from"),
    ],
)
def test_stats_out_of_range_days_are_400(client, store, query, field):
    resp = client.get(f"/api/stats?{query}", headers=AUTH)
    assert resp.status_code == 400 and resp.get_json()["field"] == field


def test_nul_in_message_path_is_400(client, store):
    resp = client.get("/api/messages/bridge/a%00b", headers=AUTH)
    assert resp.status_code == 400 and resp.get_json()["field"] == "msg_id"


@pytest.mark.parametrize(
    "body", [b"[" * 1000 + b"]" * 1000, json.dumps({"actor": "a\x00", "action": "accept"}).encode()]
)
def test_hostile_action_bodies_are_400(client, store, body):
    resp = client.post(
        "/api/tickets/CY20261126-0001/actions",
        data=body,
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert resp.status_code == 400 and resp.get_json()["fields"]
