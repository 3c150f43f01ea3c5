"""What officers and leaders do to a ticket, with the permission rules; used by chat and API.

Which actions exist, their Chinese names and arguments: domain/officer_actions.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

from domain import texts
from domain.models import Ticket
from domain.questions import ask_satisfaction
from domain.roster import on_duty
from domain.tickets import TicketDesk

AMOUNT = re.compile(r"(?:约|共|计)?\s*(\d+(?:\.\d+)?)\s*(平方米|平米|㎡|处|辆|只|张|起)")
UNIT_ALIASES = {"平米": "平方米", "㎡": "平方米"}
RETURN_HANDLERS = (  # who residents should call instead, by the words of the officer's reason
    ("物业", "小区物业"),
    ("公安", "派出所（110）"),
    ("派出所", "派出所（110）"),
    ("交警", "交警部门（122）"),
    ("环保", "生态环境部门"),
    ("住建", "住建部门"),
    ("市场监管", "市场监管部门"),
    ("社区", "社区居委会"),
)


class PermissionDenied(Exception):
    """The actor may not act on this ticket; the text goes back to them."""


def may_act(desk: TicketDesk, userid: str, ticket: Ticket) -> str:
    """Officers act on their station's tickets, leaders on their squadron's; returns the role."""
    role = desk.config.role_of(userid)
    if role is None:
        raise PermissionDenied("抱歉，只有城管队员可以操作工单")
    kind, scope = role
    squadron = desk.config.station(ticket.station).squadron
    allowed = scope == ticket.station if kind == "officer" else scope == squadron
    if not allowed:
        raise PermissionDenied(f"抱歉，工单 {ticket.no} 不属于您的辖区，无法操作")
    return kind


def accept(desk: TicketDesk, ticket: Ticket, actor: str) -> str:
    """接单: the actor takes the ticket; the reporter hears it is being handled."""
    may_act(desk, actor, ticket)
    desk.transition(ticket, "accept", actor, f"{desk.name_of(actor)} 接单")
    ticket.officer, ticket.accepted_at = actor, desk.now
    desk.sends.tell_reporter(
        ticket,
        texts.fmt(texts.RESIDENT_ACCEPTED, no=ticket.no),
        f"accepted:{ticket.no}:{ticket.round}",
    )
    return texts.fmt(texts.ACCEPTED_OK, no=ticket.no)


def arrive(desk: TicketDesk, ticket: Ticket, actor: str) -> str:
    """到场: recorded in the history (the clock the bureau measures response by)."""
    may_act(desk, actor, ticket)
    desk.transition(ticket, "arrive", actor, f"{desk.name_of(actor)} 已到场")
    return texts.fmt(texts.ARRIVED_OK, no=ticket.no)


def parse_amount(note: str) -> tuple[float | None, str | None]:
    """The quantity in a resolution note (`约12平方米` -> (12.0, "平方米"))."""
    m = AMOUNT.search(note or "")
    if not m:
        return None, None
    return float(m.group(1)), UNIT_ALIASES.get(m.group(2), m.group(2))


def resolve(desk: TicketDesk, ticket: Ticket, actor: str, note: str) -> str:
    """办结: what was done and how much; the reporter is asked once whether they are satisfied."""
    may_act(desk, actor, ticket)
    note = note.strip() or "已处置"
    amount, unit = parse_amount(note)
    desk.transition(ticket, "resolve", actor, note)
    ticket.resolved_at = desk.now
    ticket.resolution = {
        "note": note,
        "amount": amount,
        "unit": unit or desk.config.categories[ticket.category].unit,
        "photos": [],
        "by": actor,
    }
    wait = timedelta(hours=desk.config.time_limits.satisfaction_wait_hours)
    desk.timers.arm(ticket, "close", desk.now + wait)
    ask_satisfaction(desk, ticket, note)
    return texts.fmt(texts.RESOLVED_OK, no=ticket.no, note=note)


def transfer(desk: TicketDesk, ticket: Ticket, actor: str, target_name: str) -> str:
    """转派: to another officer by name (or userid); they must accept it anew."""
    may_act(desk, actor, ticket)
    target = find_person(desk, target_name)
    role = desk.config.role_of(target.userid)
    desk.transition(ticket, "transfer", actor, f"转派给 {target.name}")
    if role and role[0] == "officer":
        ticket.station = role[1]
    desk.assign(ticket, target.userid, texts.PUSH_TRANSFERRED, next_timer="escalate")
    return texts.fmt(texts.TRANSFERRED_OK, no=ticket.no, name=target.name)


def find_person(desk: TicketDesk, name_or_id: str):
    """An officer or leader by display name or userid; PermissionDenied-style error otherwise."""
    wanted = name_or_id.strip()
    person = desk.config.officer(wanted)
    if person is None:
        matches = [p for st in desk.config.stations for p in st.officers if p.name == wanted]
        person = matches[0] if len(matches) == 1 else None
    if person is None:
        raise PermissionDenied(f"未找到队员「{wanted}」，请写全名")
    return person


def return_ticket(desk: TicketDesk, ticket: Ticket, actor: str, reason: str) -> str:
    """退回: not urban management or not ours; the reporter is told who should handle it."""
    may_act(desk, actor, ticket)
    reason = reason.strip() or "不属于城管职责"
    who = next((w for key, w in RETURN_HANDLERS if key in reason), "相关部门")
    desk.transition(ticket, "return", actor, reason)
    ticket.resolution = {"returned": reason, "handled_by": who, "by": actor}
    text = texts.fmt(texts.RESIDENT_RETURNED, no=ticket.no, reason=reason, who=who)
    desk.sends.tell_reporter(ticket, text, f"returned:{ticket.no}")
    return texts.fmt(texts.RETURNED_OK, no=ticket.no)


def escalate(desk: TicketDesk, ticket: Ticket, actor: str, reason: str) -> str:
    """升级: a hard case goes to the squadron leader (also what the accept timer does)."""
    if actor != "system":
        may_act(desk, actor, ticket)
    squadron = desk.config.squadron(desk.config.station(ticket.station).squadron)
    desk.transition(ticket, "escalate", actor, reason.strip() or "需中队协调")
    desk.assign(ticket, squadron.leader.userid, texts.PUSH_ESCALATED, next_timer=None)
    return texts.fmt(texts.ESCALATED_OK, no=ticket.no, squadron=squadron.name)


def reopen(desk: TicketDesk, ticket: Ticket, actor: str) -> None:
    """重新办理: the reporter is not satisfied; back to the officer on duty at the same station."""
    desk.transition(ticket, "reopen", actor, "反映人不满意，重新办理")
    ticket.satisfaction, ticket.resolved_at = "unsatisfied", None
    duty = on_duty(desk.config, ticket.station, desk.now)
    officer = (
        ticket.officer
        if ticket.officer in {p.userid for p in duty.officers}
        else desk.least_loaded([p.userid for p in duty.officers])
    )
    desk.assign(ticket, officer, texts.PUSH_REOPENED, next_timer="reassign")


def close(desk: TicketDesk, ticket: Ticket, actor: str, satisfaction: str) -> None:
    """结案: satisfied, or no answer in time."""
    desk.transition(
        ticket,
        "close",
        actor,
        "反映人满意" if satisfaction == "satisfied" else "超时未评价，默认结案",
    )
    ticket.satisfaction, ticket.closed_at = satisfaction, desk.now


def attach_photo(desk: TicketDesk, ticket: Ticket, actor: str, photo: dict) -> str:
    """A photo an officer sends right after 办结 joins the resolution."""
    may_act(desk, actor, ticket)
    resolution = dict(ticket.resolution or {})
    resolution["photos"] = [*resolution.get("photos", []), photo]
    ticket.resolution = resolution  # reassign: JSON columns track replacement, not mutation
    desk.event(ticket, actor, "photo", ticket.status, ticket.status, "附现场照片")
    return texts.fmt(texts.PHOTO_OK, no=ticket.no)


def perform(desk: TicketDesk, ticket: Ticket, verb: str, actor: str, argument: str = "") -> str:
    """Run the officer action `verb` (a row of OFFICER_ACTIONS) with its argument; the reply."""
    return RUNS[verb](desk, ticket, actor, argument)


RUNS = {  # verb -> run(desk, ticket, actor, argument); one entry per row of OFFICER_ACTIONS
    "accept": lambda desk, ticket, actor, _: accept(desk, ticket, actor),
    "arrive": lambda desk, ticket, actor, _: arrive(desk, ticket, actor),
    "resolve": resolve,
    "transfer": transfer,
    "return": return_ticket,
    "escalate": escalate,
}
