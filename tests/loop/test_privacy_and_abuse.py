"""Residents' ids stay private, status queries stay in their community, one person is one voice,
names cannot mention everyone, and an over-long page note is explained (issue 11, part 3)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from bot.message import IncomingMessage
from channels.signing import signed_headers
from tests.conftest import TEST_SECRETS
from tests.loop.conftest import CLUTTER, YOUSHANJUN_GROUP

AUTH = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}
TANFU_GROUP = "grp-tanfu"  # another community, another station
OPENID = "oPrivacy0penidOfAResident01"


def test_one_resident_three_times_is_one_reporter(chat):
    """The same sender repeating a complaint does not make it urgent."""
    chat.resident(CLUTTER)
    chat.resident("3号楼2单元楼道堆满了纸箱旧家具")
    chat.resident("3号楼2单元楼道的杂物还没人清理")
    primary = chat.store.tickets(status="dispatched")[0]
    assert primary.reporters == 1 and not primary.urgent
    assert "同一人" in primary.events[-1].note
    pushes = [r for r in chat.sent("push") if r.key.startswith("more:")]
    assert pushes == []  # the officer is not told "more neighbours" about one person


def test_distinct_people_still_count(chat):
    chat.resident(CLUTTER)
    chat.resident("3号楼2单元楼道堆满了纸箱旧家具", name="李四", sender="wxid_lisi")
    chat.resident("3号楼2单元楼道堆满了纸箱旧家具", sender="wxid_zhangsan")  # again: no count
    chat.resident("3号楼2单元楼道的杂物还没人清理", name="王五", sender="wxid_wangwu")
    primary = chat.store.tickets(status="dispatched")[0]
    assert primary.reporters == 3 and primary.urgent


@pytest.fixture
def accepted(chat) -> str:
    """张三's clutter ticket in 龙湖悠山郡, accepted by its officer (named in the latest step)."""
    chat.resident(CLUTTER)
    ticket = chat.ticket()
    chat.officer(ticket.officer, f"接单 {ticket.no}")
    return ticket.no


def test_query_from_another_community_is_not_found(chat, accepted):
    chat.resident(f"查询 {accepted}", name="外人", sender="wxid_stranger", group=TANFU_GROUP)
    reply = chat.last_reply(TANFU_GROUP)
    assert "未找到工单" in reply and "接单" not in reply


def test_query_from_a_neighbour_gets_status_without_the_officer(chat, accepted):
    chat.resident(f"查询 {accepted}", name="李四", sender="wxid_lisi")
    reply = chat.last_reply()
    assert "已接单" in reply and "张勤利" not in reply and "刘洋" not in reply


def test_query_from_the_reporter_names_the_officer(chat, accepted):
    officer = chat.ticket(accepted).officer
    name = chat.services.config.officer(officer).name
    chat.resident(f"查询 {accepted}")
    assert name in chat.last_reply()


def test_reporter_may_ask_from_one_to_one_too(chat, accepted):
    """Asked privately (no group), only one's own tickets are answered."""
    chat._post("bridge", f"查询 {accepted}", "wxid_zhangsan", "张三", None)
    assert "已接单" in chat.sent("reply", "wxid_zhangsan")[-1].text
    chat._post("bridge", f"查询 {accepted}", "wxid_other", "王五", None)
    assert "未找到工单" in chat.sent("reply", "wxid_other")[-1].text


@pytest.mark.parametrize(
    "name", ["所有人\n@全体成员", "@全体成员", "＠所有人", "张三\r\n@所有人 明天停水", "\u202e@all"]
)
def test_names_cannot_mention_everyone(chat, name):
    chat.resident(CLUTTER, name=name)
    reply = chat.last_reply()
    first_line = reply.splitlines()[0]
    assert "\n" not in reply.split(" ", 1)[0]
    for form in ("所有人", "全体成员", "@all", "＠"):
        assert form not in first_line.split(" ", 1)[0]
    assert reply.count("@") == 1 and reply.startswith("@")
    assert "\n" not in chat.sent("reply")[-1].mention


def test_bridge_stores_the_cleaned_name(client, store):
    body = {
        "msg_id": "name-1",
        "group_id": YOUSHANJUN_GROUP,
        "sender_id": "wxid_x",
        "sender_name": "所有人\n@全体成员",
        "text": CLUTTER,
        "sent_at": int(time.time()),
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = signed_headers(TEST_SECRETS["BRIDGE_SECRET"], raw)
    assert client.post("/api/messages", data=raw, headers=headers).status_code == 200
    assert store.find_message("bridge", "name-1").sender_name == "居民"


def test_outbox_and_message_view_never_show_a_resident_openid(chat, client):
    chat.services.intake.accept(
        IncomingMessage(
            channel="wechat",
            msg_id="wx-private-1",
            sender_id=OPENID,
            sender_name="微信用户",
            text=CLUTTER,
            sent_at=datetime.now(UTC),
        )
    )
    chat.run()
    assert chat.sent("reply", OPENID)  # the bot did answer the resident one to one
    outbox = client.get("/api/outbox", headers=AUTH)
    view = client.get("/api/messages/wechat/wx-private-1", headers=AUTH)
    assert outbox.status_code == view.status_code == 200
    for resp in (outbox, view):
        assert OPENID not in resp.get_data(as_text=True)
    recipients = {r["recipient"] for r in outbox.get_json()["outbox"]}
    assert any(r.startswith("居民-") for r in recipients)


def test_group_and_officer_recipients_stay_readable(chat, client):
    chat.resident(CLUTTER)
    rows = client.get("/api/outbox", headers=AUTH).get_json()["outbox"]
    assert {r["recipient"] for r in rows} >= {YOUSHANJUN_GROUP, chat.ticket().officer}


def test_page_note_over_500_characters_is_explained(client, chat, services, clock):
    from tests.desk.conftest import act, push_link

    services.clock = clock
    chat.resident(CLUTTER)
    no = chat.ticket().no
    client.get(push_link(no, "zhangqinli"))  # the push link signs the officer in
    resp = act(client, no, "return", note="字" * 501)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "说明过长：最多 500 个字" in page and "请选择有效的操作" not in page
    assert chat.ticket(no).status == "dispatched"
