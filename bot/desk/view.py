"""What the ticket page shows: names instead of ids, local times, deadlines and allowed actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.media import media_url
from domain.access import Viewer
from domain.actions import PermissionDenied, may_act
from domain.attachments import ticket_photos
from domain.lifecycle import ACTION_NAMES, AWAITING_ACCEPT, HANDLING, TRANSITIONS, status_name
from domain.models import Ticket
from domain.officer_actions import OFFICER_ACTIONS
from domain.roster import on_duty
from domain.tickets import TicketDesk


@dataclass(frozen=True)
class Deadline:
    """A time limit with the time left (negative once overdue)."""

    label: str
    at: str
    left: str
    overdue: bool


def local(at: datetime | None, tz, fmt: str = "%m-%d %H:%M") -> str:
    """`at` in local time; naive values are UTC (SQLite drops the offset)."""
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(tz).strftime(fmt)


def span(seconds: float) -> str:
    """A duration as people say it: 2天3小时, 1小时5分, 12分钟."""
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时"
    if hours:
        return f"{hours}小时{mins}分"
    return f"{mins}分钟"


def deadlines(ticket: Ticket, now: datetime, tz) -> list[Deadline]:
    """The accept limit while nobody has accepted, the resolve limit until resolved."""
    found = []
    if ticket.status in AWAITING_ACCEPT | {"received"} and ticket.accept_by:
        found.append(_deadline("接单时限", ticket.accept_by, now, tz))
    if ticket.status in HANDLING | {"received"} and ticket.resolve_by:
        found.append(_deadline("办结时限", ticket.resolve_by, now, tz))
    return found


def _deadline(label: str, at: datetime, now: datetime, tz) -> Deadline:
    left = (at - now).total_seconds()
    text = f"剩余 {span(left)}" if left >= 0 else f"已超时 {span(left)}"
    return Deadline(label, local(at, tz), text, left < 0)


def person_name(config, actor: str | None) -> str:
    """Staff by name; the system as 系统; anyone else (a resident) as 反映人, never by id."""
    if not actor:
        return ""
    if actor == "system":
        return "系统"
    person = config.officer(actor)
    if person:
        return person.name
    for p in (*config.bureau, *config.admin):
        if p.userid == actor:
            return p.name
    return "反映人"


def allowed_actions(desk: TicketDesk, viewer: Viewer | None, ticket: Ticket) -> list[str]:
    """The actions this viewer may take now: the chat commands' permission and state rules."""
    if viewer is None:
        return []
    try:
        may_act(desk, viewer.userid, ticket)
    except PermissionDenied:
        return []
    return [a.verb for a in OFFICER_ACTIONS if ticket.status in TRANSITIONS[a.verb][0]]


def colleagues_on_duty(config, ticket: Ticket, viewer: Viewer, now: datetime) -> list[tuple]:
    """(userid, label) of people on duty in the ticket's squadron, its own station first."""
    squadron = config.station(ticket.station).squadron
    stations = sorted(
        (s for s in config.stations if s.squadron == squadron),
        key=lambda s: s.code != ticket.station,
    )
    seen, found = {viewer.userid}, []
    for station in stations:
        for person in on_duty(config, station.code, now).officers:
            if person.userid not in seen:
                seen.add(person.userid)
                found.append((person.userid, f"{person.name}（{station.name}）"))
    return found


def photos(ticket: Ticket) -> list[dict]:
    """Resolution photos not in the media store: WeChat ones by their link or media id."""
    shown = []
    for p in (ticket.resolution or {}).get("photos", []):
        if p.get("sha256"):
            continue  # stored: shown with the ticket's attachments
        if p.get("pic_url"):
            shown.append({"link": p["pic_url"]})
        elif p.get("media_id"):
            shown.append({"text": f"企业微信图片 {p['media_id'][:12]}…"})
    return shown


def ticket_view(services, ticket: Ticket, viewer: Viewer | None) -> dict:
    """Everything the template needs, already in words."""
    config, now = services.config, services.clock()
    tz = config.tz
    key = services.secrets.get("api_token")
    with services.store.session() as s:
        desk = TicketDesk(s, config, now)
        actions = allowed_actions(desk, viewer, ticket)
        # Photos the channels stored (residents', officers' from WeCom), by a link signed for
        # this ticket, before the ones uploaded on this page.
        stored = [
            {"src": media_url(m.sha256, ticket.no, key)} for _, m in ticket_photos(s, ticket.id)
        ]
    officer = config.officer(ticket.officer) if ticket.officer else None
    return {
        "t": ticket,
        "status": status_name(ticket.status),
        "category": config.categories[ticket.category].zh,
        "unit": config.categories[ticket.category].unit,
        "station": config.station(ticket.station).name,
        "officer": officer.name if officer else "",
        "created": local(ticket.created_at, tz),
        "deadlines": deadlines(ticket, now, tz),
        "timeline": [
            {
                "at": local(e.at, tz),
                "actor": person_name(config, e.actor),
                "action": ACTION_NAMES.get(e.action, e.action),
                "status": status_name(e.to_status),
                "note": e.note or "",
            }
            for e in ticket.events
        ],
        "photos": stored + photos(ticket),
        "resolution": ticket.resolution or {},
        "actions": actions,
        "action_names": {a.verb: a.zh for a in OFFICER_ACTIONS},
        "colleagues": colleagues_on_duty(config, ticket, viewer, now)
        if "transfer" in actions
        else [],
    }
