"""The whole path: bridge message in, real rq worker, ticket assigned, push and group reply out."""

from __future__ import annotations

import json
import time

from channels.signing import signed_headers


def post_bridge(client, secret: str = "test-bridge-secret", **fields):
    """POST a signed bridge message; returns the response."""
    body = {
        "msg_id": "m-1",
        "group_id": "grp-longhu-youshanjun",
        "sender_id": "wxid_zhangsan",
        "sender_name": "张三",
        "text": "8号楼后面消防通道被一辆白色越野车堵死了，着火了消防车进不来",
        "sent_at": int(time.time()),
        "mentions": ["城管小助手"],
    }
    body.update(fields)
    raw = json.dumps(body, ensure_ascii=False).encode()
    return client.post("/api/messages", data=raw, headers=signed_headers(secret, raw))


def test_complaint_becomes_dispatched_ticket_with_push_and_reply(client, work, store, fake_wechat):
    """A fire-lane complaint is ticketed, dispatched on duty, the officer pushed, the group told."""
    assert post_bridge(client).get_json() == {"accepted": True, "msg_id": "m-1", "duplicate": False}
    work()
    (ticket,) = store.tickets()
    assert ticket.no == "CY20261126-0001"
    assert (ticket.status, ticket.category, ticket.urgent) == (
        "dispatched",
        "fire_lane_blocked",
        True,
    )
    assert ticket.community == "龙湖悠山郡" and ticket.station == "ST01"
    assert ticket.officer in ("zhangqinli", "liuyang01")
    sent = {row.kind: row for row in store.outbox()}
    assert sent["push"].recipient == ticket.officer and sent["push"].state == "sent"
    assert (
        sent["reply"].text
        == "@张三 已受理，工单号 CY20261126-0001，已派 龙湖悠山郡工作站 值班队员处理"
    )
    (reply_call,) = fake_wechat.calls_to("/bridge/reply")
    assert reply_call[2]["group_id"] == "grp-longhu-youshanjun"
    assert reply_call[2]["text"] == sent["reply"].text
