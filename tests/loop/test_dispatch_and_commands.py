"""Officers' commands from WeCom, with their permission checks, and what residents hear."""

from __future__ import annotations

import pytest

from tests.loop.conftest import CLUTTER, FIRE_LANE, YOUSHANJUN_GROUP


@pytest.fixture
def ticket_no(chat) -> str:
    """A fresh clutter ticket in 龙湖悠山郡, dispatched to ST01."""
    chat.resident(CLUTTER)
    return chat.ticket().no


def test_dispatch_goes_to_least_loaded_officer_on_duty(chat):
    """Two complaints in a row go to the two officers on duty, one each."""
    chat.resident(CLUTTER)
    chat.resident(FIRE_LANE, name="李四", sender="wxid_lisi")
    officers = {t.officer for t in chat.store.tickets()}
    assert officers == {"zhangqinli", "liuyang01"}


def test_accept_by_sequence_tells_the_reporter(chat, ticket_no):
    """`接单 0001` accepts today's ticket 1 and the group hears it, mentioning the reporter."""
    chat.officer("zhangqinli", "接单 0001")
    ticket = chat.ticket(ticket_no)
    assert (ticket.status, ticket.officer) == ("accepted", "zhangqinli")
    assert chat.sent("reply", "zhangqinli")[-1].text == f"已接单 {ticket_no}，请尽快到场处置"
    assert (
        chat.last_reply() == f"@张三 您反映的问题（工单 {ticket_no}）已有城管队员接单，正在处理。"
    )


def test_full_number_lower_case_is_understood(chat, ticket_no):
    """The full ticket number works too, whatever its case."""
    chat.officer("liuyang01", f"接单 {ticket_no.lower()}")
    assert chat.ticket(ticket_no).status == "accepted"


def test_resolve_records_amount_and_unit_then_photo_attaches(chat, ticket_no):
    """`办结 … 约12平方米` stores note, amount and unit; the next photo joins the resolution."""
    chat.officer("zhangqinli", "接单 0001")
    chat.officer("zhangqinli", "到场 0001")
    chat.officer("zhangqinli", "办结 0001 已拆除 约12平方米")
    chat.officer("zhangqinli", "", kind="image", extra={"media_id": "m-1", "pic_url": "http://p/1"})
    ticket = chat.ticket(ticket_no)
    assert ticket.status == "resolved"
    assert ticket.resolution["amount"] == 12 and ticket.resolution["unit"] == "平方米"
    assert ticket.resolution["photos"] == [{"media_id": "m-1", "pic_url": "http://p/1"}]
    assert [e.action for e in ticket.events] == [
        "open",
        "dispatch",
        "accept",
        "arrive",
        "resolve",
        "photo",
    ]


def test_transfer_by_name_pushes_the_new_officer(chat, ticket_no):
    """`转派 0001 姜婷` moves it to 檀府工作站's officer, who is pushed and must accept."""
    chat.officer("zhangqinli", "转派 0001 姜婷")
    ticket = chat.ticket(ticket_no)
    assert (ticket.status, ticket.officer, ticket.station) == ("transferred", "jiangting", "ST02")
    assert chat.sent("push", "jiangting")[-1].title.startswith(f"转派工单 {ticket_no}")


def test_return_tells_the_reporter_who_handles_it(chat, ticket_no):
    """`退回 0001 属物业管理` returns it and points the resident to property management."""
    chat.officer("liuyang01", "退回 0001 属物业管理")
    assert chat.ticket(ticket_no).status == "returned"
    assert "建议联系小区物业" in chat.last_reply()


def test_escalate_goes_to_the_squadron_leader(chat, ticket_no):
    """`升级 0001 需中队协调` hands it to 城阳街道中队's leader with a supervision push."""
    chat.officer("zhangqinli", "升级 0001 需中队协调")
    ticket = chat.ticket(ticket_no)
    assert (ticket.status, ticket.officer) == ("escalated", "zhaobingquan")
    assert "督办" in chat.sent("push", "zhaobingquan")[-1].title


def test_leader_may_act_on_any_ticket_of_the_squadron(chat, ticket_no):
    """The squadron leader accepts a ticket of one of the squadron's stations."""
    chat.officer("zhaobingquan", "接单 0001")
    assert chat.ticket(ticket_no).status == "accepted"


def test_officer_of_another_station_is_refused(chat, ticket_no):
    """An officer of another station gets a polite refusal and nothing changes."""
    chat.officer("wangjing", "接单 0001")
    assert chat.ticket(ticket_no).status == "dispatched"
    assert "不属于您的辖区" in chat.sent("reply", "wangjing")[-1].text


def test_resident_cannot_command(chat, ticket_no):
    """A resident typing a command in the group is refused politely; nothing changes."""
    chat.resident("接单 0001", name="王五", sender="wxid_wangwu")
    assert chat.ticket(ticket_no).status == "dispatched"
    assert chat.last_reply().startswith("@王五 抱歉，只有城管队员可以操作工单")


def test_illegal_transition_is_refused_with_the_reason(chat, ticket_no):
    """办结 before 接单 is refused with the current state named."""
    chat.officer("zhangqinli", "办结 0001 已清理")
    assert chat.ticket(ticket_no).status == "dispatched"
    assert chat.sent("reply", "zhangqinli")[-1].text == "工单当前状态为「已派单」，不能办结"


def test_unknown_ticket_and_missing_number(chat, ticket_no):
    """A number that does not exist, and a command without one, each get a clear answer."""
    chat.officer("zhangqinli", "接单 0099")
    assert chat.sent("reply", "zhangqinli")[-1].text == "未找到工单 0099，请核对工单号"
    chat.officer("zhangqinli", "接单")
    assert "请写明工单号" in chat.sent("reply", "zhangqinli")[-1].text


def test_my_tickets_and_duty_today(chat, ticket_no):
    """我的工单 lists the officer's open tickets; 今日值班 names who is on duty now."""
    officer = chat.ticket(ticket_no).officer
    chat.officer(officer, "我的工单")
    assert ticket_no in chat.sent("reply", officer)[-1].text
    chat.officer(officer, "今日值班")
    assert chat.sent("reply", officer)[-1].text == "龙湖悠山郡工作站 当前值班：张勤利、刘洋"


def test_status_query_by_number_and_by_own_report(chat, ticket_no):
    """`查询 <no>` and "我反映的问题怎么样了" both answer with status and the latest step."""
    chat.resident(f"查询 {ticket_no}", name="李四", sender="wxid_lisi")
    assert chat.last_reply().startswith(f"@李四 工单 {ticket_no}（乱堆乱放）当前状态：已派单")
    chat.resident("我反映的问题怎么样了")
    assert chat.last_reply().startswith(f"@张三 工单 {ticket_no}")
    assert "wxid_zhangsan" not in chat.last_reply()


def test_group_never_sees_reporter_identity(chat, ticket_no):
    """No group message or push carries the reporter's WeChat id."""
    chat.officer("zhangqinli", "接单 0001")
    chat.officer("zhangqinli", "办结 0001 已清理 2处")
    assert all("wxid_zhangsan" not in (r.text + (r.title or "")) for r in chat.sent())
    assert chat.sent("reply", YOUSHANJUN_GROUP)


def test_officer_commands_from_the_community_group(chat, ticket_no):
    """An officer known by a bridge WeChat id (config wechat_ids) can accept in the group."""
    chat.resident("接单 0001", name="张勤利", sender="wxid_zhangqinli")
    ticket = chat.ticket(ticket_no)
    assert (ticket.status, ticket.officer) == ("accepted", "zhangqinli")
    notice, answer = (r.text for r in chat.sent("reply", YOUSHANJUN_GROUP)[-2:])
    assert notice == f"@张三 您反映的问题（工单 {ticket_no}）已有城管队员接单，正在处理。"
    assert answer == f"@张勤利 已接单 {ticket_no}，请尽快到场处置"
