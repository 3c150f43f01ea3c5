"""The JSON API: bearer token, ticket fields, privacy of reporters, outbox, messages, OpenAPI."""

from __future__ import annotations

import json
import re

import pytest

from bot.api import api_bp
from domain.models import Ticket
from tests.conftest import TEST_SECRETS

AUTH = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}
SECOND_COMPLAINT = {
    "msg_id": "m-2",
    "group_id": "grp-tanfu",
    "sender_id": "wxid_lisi",
    "sender_name": "李四",
    "text": "檀府小区门口有人占道摆摊卖水果，堵得人都过不去",
}


@pytest.fixture
def two_tickets(post_message, work, store):
    """Two complaints from two communities, processed by the worker; tickets newest first."""
    assert post_message().status_code == 200
    assert post_message(**SECOND_COMPLAINT).status_code == 200
    work()
    tickets = store.tickets()
    assert len(tickets) == 2
    return tickets


@pytest.mark.parametrize(
    "path",
    ["/api/tickets", "/api/tickets/CY20261126-0001", "/api/outbox", "/api/messages/bridge/m-1"],
)
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer wrong-token",
        "test-api-token",
        "Bearer test-api-token-and-more",
        "Basic dGVzdA==",
    ],
)
def test_missing_or_bad_token_is_401(client, path, header):
    """Every protected route refuses a missing, wrong, unprefixed or padded token."""
    headers = {"Authorization": header} if header else {}
    resp = client.get(path, headers=headers)
    assert resp.status_code == 401
    assert resp.get_json() == {"error": "missing or bad bearer token"}


def test_non_ascii_token_is_401_not_500(client):
    """A header with non-ASCII characters is just a bad token."""
    assert client.get("/api/tickets", headers={"Authorization": "Bearer 令牌"}).status_code == 401


@pytest.mark.parametrize("path", ["/api/tickets", "/api/tickets/CY20261126-0001"])
def test_unset_api_token_is_503(make_app, path):
    """Without API_TOKEN the API is closed with 503 naming the variable, whatever is sent."""
    env = {k: v for k, v in TEST_SECRETS.items() if k != "API_TOKEN"}
    resp = make_app(env).test_client().get(path, headers={"Authorization": "Bearer "})
    assert resp.status_code == 503
    assert "API_TOKEN" in resp.get_json()["error"]


def test_ticket_list_fields_newest_first(client, two_tickets):
    """Tickets come newest first with number, status, category code, place, officer and msg ids."""
    resp = client.get("/api/tickets", headers=AUTH)
    assert resp.status_code == 200
    listed = resp.get_json()["tickets"]
    assert [t["no"] for t in listed] == ["CY20261126-0002", "CY20261126-0001"]
    newest, oldest = listed
    assert (oldest["status"], oldest["category"], oldest["community"], oldest["station"]) == (
        "dispatched",
        "fire_lane_blocked",
        "龙湖悠山郡",
        "ST01",
    )
    assert (newest["category"], newest["community"], newest["station"]) == (
        "street_vending",
        "檀府",
        "ST02",
    )
    assert oldest["officer"]["userid"] in ("zhangqinli", "liuyang01")
    assert oldest["officer"]["name"] and oldest["officer"]["name"] != oldest["officer"]["userid"]
    assert (oldest["reporter"], newest["reporter"]) == ("张三", "李四")
    assert (oldest["msg_ids"], newest["msg_ids"]) == (["m-1"], ["m-2"])
    assert re.fullmatch(r"2026-11-26T02:00:00(\.\d+)?\+00:00", oldest["created_at"])


def test_reporter_id_never_appears_in_the_api(client, two_tickets):
    """The residents' WeChat ids appear nowhere in tickets, ticket details, outbox or messages."""
    paths = [
        "/api/tickets",
        "/api/tickets/CY20261126-0001",
        "/api/tickets/CY20261126-0002",
        "/api/outbox",
        "/api/messages/bridge/m-1",
        "/api/messages/bridge/m-2",
    ]
    for path in paths:
        resp = client.get(path, headers=AUTH)
        assert resp.status_code == 200, path
        text = resp.get_data(as_text=True)
        assert "wxid_zhangsan" not in text and "wxid_lisi" not in text, path


def test_ticket_detail_has_events(client, two_tickets):
    """One ticket by number carries its history, opened then dispatched."""
    resp = client.get("/api/tickets/CY20261126-0001", headers=AUTH)
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["no"] == "CY20261126-0001" and data["msg_ids"] == ["m-1"]
    assert [(e["from"], e["to"]) for e in data["events"][:2]] == [
        (None, "received"),
        ("received", "dispatched"),
    ]


def test_unassigned_ticket_has_null_officer(client, store):
    """A ticket nobody has been given yet shows officer null, not a placeholder."""
    from datetime import UTC, datetime

    now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    with store.session() as s:
        s.add(
            Ticket(
                no="CY20261126-0009",
                day="20261126",
                seq=9,
                origin_message_id=999,
                status="received",
                category="garbage",
                community="天泰城",
                station="ST01",
                text="垃圾没人清",
                reporter_name="王五",
                reporter_id="wxid_wangwu",
                channel="bridge",
                created_at=now,
                updated_at=now,
            )
        )
    data = client.get("/api/tickets/CY20261126-0009", headers=AUTH).get_json()
    assert data["officer"] is None and data["status"] == "received"
    assert data["reporter"] == "王五" and "wxid_wangwu" not in json.dumps(data)


def test_filters_narrow_the_list(client, two_tickets):
    """?station= and ?category= select matching tickets only; a bad limit is 400."""
    by_station = client.get("/api/tickets?station=ST02", headers=AUTH).get_json()["tickets"]
    assert [t["no"] for t in by_station] == ["CY20261126-0002"]
    by_category = client.get("/api/tickets?category=fire_lane_blocked", headers=AUTH).get_json()
    assert [t["no"] for t in by_category["tickets"]] == ["CY20261126-0001"]
    assert client.get("/api/tickets?limit=ten", headers=AUTH).status_code == 400


def test_unknown_ticket_is_404(client, store):
    """An unknown ticket number is 404 with a JSON error."""
    resp = client.get("/api/tickets/CY20991231-0001", headers=AUTH)
    assert resp.status_code == 404
    assert "CY20991231-0001" in resp.get_json()["error"]


def test_outbox_lists_pushes_and_replies(client, two_tickets):
    """Each ticket produced an officer push and a group reply, all sent, newest first."""
    rows = client.get("/api/outbox", headers=AUTH).get_json()["outbox"]
    kinds = sorted((r["ticket_no"], r["kind"]) for r in rows)
    assert kinds == [
        ("CY20261126-0001", "push"),
        ("CY20261126-0001", "reply"),
        ("CY20261126-0002", "push"),
        ("CY20261126-0002", "reply"),
    ]
    assert {r["state"] for r in rows} == {"sent"}
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)
    only = client.get("/api/outbox?ticket_no=CY20261126-0002", headers=AUTH).get_json()["outbox"]
    assert {r["ticket_no"] for r in only} == {"CY20261126-0002"} and len(only) == 2


def test_message_view_shows_state_ticket_and_reply(client, two_tickets):
    """/api/messages/bridge/<id> tells what became of a message: processed, ticket, reply."""
    data = client.get("/api/messages/bridge/m-1", headers=AUTH).get_json()
    assert (data["channel"], data["msg_id"], data["state"]) == ("bridge", "m-1", "processed")
    assert data["ticket"]["no"] == "CY20261126-0001"
    (reply,) = data["replies"]
    assert reply["text"].startswith("@张三 ") and "CY20261126-0001" in reply["text"]


def test_message_view_before_processing_and_unknown(client, post_message):
    """A message not yet processed is 'received' with no ticket; an unknown one is 404."""
    post_message()
    data = client.get("/api/messages/bridge/m-1", headers=AUTH).get_json()
    assert (data["state"], data["ticket"], data["replies"]) == ("received", None, [])
    assert client.get("/api/messages/bridge/nope", headers=AUTH).status_code == 404
    assert client.get("/api/messages/wecom/m-1", headers=AUTH).status_code == 404


def _flask_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_is_public_and_covers_every_route(app, client):
    """The document is OpenAPI 3.1, served without a token, and lists every API route."""
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.1.") and doc["info"]["title"] and doc["info"]["version"]
    endpoints = [
        r
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith(f"{api_bp.name}.") or r.endpoint.startswith("bridge.")
    ]
    api_rules = {_flask_path(r.rule) for r in endpoints}
    assert api_rules <= set(doc["paths"]), api_rules - set(doc["paths"])


def test_openapi_refs_resolve_and_operations_are_complete(client):
    """Every $ref points at a component; every operation has responses and declared path params."""
    doc = client.get("/api/openapi.json").get_json()
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(doc))
    assert refs and set(refs) <= set(doc["components"]["schemas"])
    for path, item in doc["paths"].items():
        params = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            assert method in {"get", "post", "put", "patch", "delete"}
            assert op["responses"] and all(r.get("description") for r in op["responses"].values())
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == params, (path, method)
            for scheme in op.get("security", []):
                assert set(scheme) <= set(doc["components"]["securitySchemes"])


def test_openapi_document_validates_against_the_3_1_schema(client):
    """openapi-spec-validator accepts the served document."""
    from openapi_spec_validator import validate

    validate(client.get("/api/openapi.json").get_json())
