"""The officers' actions over the JSON API follow the same rules as the chat commands."""

from __future__ import annotations

import pytest

from tests.loop.conftest import CLUTTER

AUTH = {"Authorization": "Bearer test-api-token"}


@pytest.fixture
def ticket_no(chat, services, clock) -> str:
    """A dispatched clutter ticket; the web process shares the workers' clock."""
    services.clock = clock
    chat.resident(CLUTTER)
    return chat.ticket().no


def act(client, no, **body):
    """POST an action; returns the response."""
    return client.post(f"/api/tickets/{no}/actions", json=body, headers=AUTH)


def test_accept_then_resolve_over_the_api(client, chat, ticket_no):
    """accept then resolve with a photo; the reporter is told, as from chat."""
    assert act(client, ticket_no, actor="zhangqinli", action="accept").status_code == 200
    resp = act(
        client,
        ticket_no,
        actor="zhangqinli",
        action="resolve",
        note="已清理 2处",
        photos=[{"pic_url": "http://p/1"}],
    )
    body = resp.get_json()
    assert resp.status_code == 200 and body["ticket"]["status"] == "resolved"
    assert body["ticket"]["resolution"]["photos"] == [{"pic_url": "http://p/1"}]
    chat.run()  # deliveries queued by the web process
    assert chat.last_reply().startswith(f"@张三 您反映的问题（工单 {ticket_no}）已办结")


def test_other_station_is_forbidden(client, chat, ticket_no):
    """An officer of another station gets 403 and the ticket does not move."""
    resp = act(client, ticket_no, actor="wangjing", action="accept")
    assert resp.status_code == 403 and "不属于您的辖区" in resp.get_json()["error"]
    assert chat.ticket(ticket_no).status == "dispatched"


def test_illegal_transition_is_409(client, ticket_no):
    """Resolving a ticket nobody accepted is a conflict with the reason in Chinese."""
    resp = act(client, ticket_no, actor="zhangqinli", action="resolve", note="x")
    assert resp.status_code == 409 and resp.get_json()["error"].startswith(
        "工单当前状态为「已派单」"
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"actor": "zhangqinli", "action": "fly"},
        {"actor": "zhangqinli", "action": "accept", "extra": 1},
    ],
)
def test_malformed_action_is_400(client, ticket_no, body):
    """Missing or unknown fields are a 400 naming them."""
    resp = act(client, ticket_no, **body)
    assert resp.status_code == 400 and resp.get_json()["fields"]


def test_unknown_ticket_404_and_token_required(client, ticket_no):
    """Unknown ticket numbers are 404; without the bearer token it is 401."""
    assert act(client, "CY20990101-0001", actor="zhangqinli", action="accept").status_code == 404
    resp = client.post(
        f"/api/tickets/{ticket_no}/actions", json={"actor": "zhangqinli", "action": "accept"}
    )
    assert resp.status_code == 401


def test_stats_count_incidents_once_and_sum_amounts(client, chat, ticket_no):
    """A merged duplicate is one incident and two reports; resolved amounts add up by unit."""
    chat.resident("3号楼2单元楼道堆满纸箱旧家具没人管", name="李四", sender="wxid_lisi")
    act(client, ticket_no, actor="zhangqinli", action="accept")
    act(client, ticket_no, actor="zhangqinli", action="resolve", note="清理杂物 3处")
    body = client.get("/api/stats?from=2026-11-01&to=2026-12-01", headers=AUTH).get_json()
    assert (body["incidents"], body["reports"]) == (1, 2)
    assert body["by_category"] == {"clutter": 1}
    assert body["amounts"] == {"clutter": {"处": 3.0}}
    assert body["accepted_on_time_rate"] == 1.0
    text = client.get("/api/stats?from=2026-11-01&to=2026-12-01&format=text", headers=AUTH)
    assert "乱堆乱放 1 起（处置 3处）" in text.get_data(as_text=True)


def test_stats_reject_bad_dates(client, ticket_no):
    """A malformed date is a 400."""
    assert client.get("/api/stats?from=11/01", headers=AUTH).status_code == 400
