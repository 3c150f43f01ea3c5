"""Residents' side of the loop: neighbours' duplicate reports merge; satisfaction closes or
reopens; an unsure message is asked about once."""

from __future__ import annotations

from tests.loop.conftest import CLUTTER, FIRE_LANE


def resolve_first(chat) -> str:
    """Open a clutter ticket, accept and resolve it; returns its number."""
    chat.resident(CLUTTER)
    officer = chat.ticket().officer
    chat.officer(officer, "接单 0001")
    chat.officer(officer, "办结 0001 已清理 3处")
    return chat.ticket().no


def test_neighbours_reporting_the_same_incident_merge(chat):
    """A second and third report of the same fire lane join the first ticket and raise it."""
    chat.resident("8号楼后面消防通道又被那辆白色越野车堵住了", name="李四", sender="wxid_lisi")
    first = chat.ticket()
    chat.resident(FIRE_LANE, name="王五", sender="wxid_wangwu")
    chat.resident("8号楼后面的消防通道被堵了！！", name="赵六", sender="wxid_zhaoliu")
    primary = chat.ticket(first.no)
    assert primary.reporters == 3
    assert primary.status == "dispatched"
    assert chat.last_reply().startswith(
        f"@赵六 该问题已有邻居反映，已并入工单 {first.no}（共 3 人反映）"
    )
    statuses = chat.statuses()
    assert sorted(statuses.values()) == ["dispatched", "merged", "merged"]
    assert chat.sent("push", primary.officer)[-1].text == (
        f"工单 {first.no} 又有居民反映，共 3 人反映，请优先处理"
    )


def test_different_incidents_do_not_merge(chat):
    """Same community, different category: two tickets."""
    chat.resident(CLUTTER)
    chat.resident(FIRE_LANE, name="李四", sender="wxid_lisi")
    assert sorted(chat.statuses().values()) == ["dispatched", "dispatched"]


def test_reporters_count_raises_priority(chat):
    """Three reports of a non-urgent problem make the ticket urgent."""
    chat.resident(CLUTTER)
    assert not chat.ticket().urgent
    chat.resident("3号楼2单元楼道堆满了纸箱旧家具", name="李四", sender="wxid_lisi")
    chat.resident("3号楼2单元楼道的杂物还没人清理", name="王五", sender="wxid_wangwu")
    assert chat.store.tickets(status="dispatched")[0].urgent


def test_resolved_asks_once_then_satisfied_closes(chat):
    """After 办结 the reporter is asked once; 满意 closes the ticket."""
    no = resolve_first(chat)
    assert (
        chat.last_reply()
        == f"@张三 您反映的问题（工单 {no}）已办结：已清理 3处。请回复「满意」或「不满意」。"
    )
    chat.resident("满意")
    ticket = chat.ticket(no)
    assert (ticket.status, ticket.satisfaction) == ("closed", "satisfied")
    assert chat.last_reply() == f"@张三 感谢您的评价，工单 {no} 已结案。"


def test_unsatisfied_reopens_to_the_same_station(chat):
    """不满意 reopens the ticket (重新办理) at the same station and pushes an officer there."""
    no = resolve_first(chat)
    pushes = len(chat.sent("push"))
    chat.resident("@城管小助手 不满意，还是堆着")
    ticket = chat.ticket(no)
    assert (ticket.status, ticket.station) == ("reopened", "ST01")
    assert len(chat.sent("push")) == pushes + 1
    chat.officer(ticket.officer, "接单 0001")
    assert chat.ticket(no).status == "accepted"


def test_someone_else_saying_satisfied_changes_nothing(chat):
    """Only the reporter's answer counts."""
    no = resolve_first(chat)
    assert chat.handled_by(chat.resident("满意", name="李四", sender="wxid_lisi")) == "chatter"
    assert chat.ticket(no).status == "resolved"


def test_no_answer_closes_after_the_wait(chat, time_machine):
    """Without an answer within satisfaction_wait_hours the ticket is closed."""
    no = resolve_first(chat)
    time_machine.advance(hours=23)
    chat.run()
    assert chat.ticket(no).status == "resolved"
    time_machine.advance(hours=2)
    chat.run()
    ticket = chat.ticket(no)
    assert (ticket.status, ticket.satisfaction) == ("closed", "timeout")
    late = chat.resident("不满意")  # too late: the question is moot, nothing reopens
    assert chat.handled_by(late) == "follow_up"
    assert chat.ticket(no).status == "closed"


def test_whole_loop_to_closed_has_an_audit_trail(chat):
    """From group message to 已结案, every step is an event with actor and time."""
    no = resolve_first(chat)
    chat.resident("满意")
    events = chat.ticket(no).events
    assert [(e.from_status, e.to_status) for e in events] == [
        (None, "received"),
        ("received", "dispatched"),
        ("dispatched", "accepted"),
        ("accepted", "resolved"),
        ("resolved", "closed"),
    ]
    assert all(e.actor and e.at for e in events)


def test_same_kind_of_problem_at_another_building_is_another_ticket(chat):
    """Fire lanes blocked at two different buildings are two incidents, not one."""
    chat.resident("8号楼后面消防通道被一辆白色越野车堵死了")
    chat.resident("2号楼后面消防通道被一辆白色越野车堵死了", name="李四", sender="wxid_lisi")
    assert sorted(chat.statuses().values()) == ["dispatched", "dispatched"]


def test_api_shows_the_merge_both_ways(chat, client):
    """The duplicate names the ticket it joined; the first counts both reporters."""
    chat.resident(FIRE_LANE)
    chat.resident("8号楼后面的消防通道又被堵了", name="李四", sender="wxid_lisi")
    auth = {"Authorization": "Bearer test-api-token"}
    tickets = client.get("/api/tickets", headers=auth).get_json()["tickets"]
    duplicate, first = tickets  # newest first
    assert (duplicate["status"], duplicate["merged_into"]) == ("merged", first["no"])
    assert (first["reporters"], first["merged_into"]) == (2, None)
