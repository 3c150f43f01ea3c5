"""Query parameters shared by the desk's pages: dates, scope and filters, validated to 400s."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.access import Scope, Viewer, allowed_scope, default_scope


class BadParam(ValueError):
    """A query parameter the page cannot use; the text is shown to the person."""


def parse_day(value: str | None, name: str) -> date | None:
    """YYYY-MM-DD, or None when empty."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadParam(f"{name} 必须是 YYYY-MM-DD 格式的日期") from None


def local_midnight(d: date, tz) -> datetime:
    """The start of local day `d`."""
    return datetime.combine(d, time(0), tz)


def period(args, today: date, tz) -> tuple[datetime, datetime]:
    """[from, to) as /api/stats reads them: local days, `to` exclusive, this month by default."""
    start = parse_day(args.get("from"), "from") or today.replace(day=1)
    end = parse_day(args.get("to"), "to") or today + timedelta(days=1)
    if end <= start:
        raise BadParam("to 必须晚于 from")
    return local_midnight(start, tz), local_midnight(end, tz)


def scope(args, config, viewer: Viewer) -> Scope:
    """?station= or ?squadron= (as /api/stats), else the viewer's widest scope; checked."""
    if args.get("station"):
        wanted = Scope("station", args["station"])
    elif args.get("squadron"):
        wanted = Scope("squadron", args["squadron"])
    elif args.get("scope") == "district":
        wanted = Scope("district")
    else:
        return default_scope(viewer)
    if wanted.kind == "station" and config.station(wanted.code) is None:
        raise BadParam(f"未知工作站 {wanted.code}")
    if wanted.kind == "squadron" and config.squadron(wanted.code) is None:
        raise BadParam(f"未知中队 {wanted.code}")
    if not allowed_scope(config, viewer, wanted):
        raise PermissionError(f"{viewer.name}（{viewer.role_name}）无权查看该范围")
    return wanted


def scope_choices(config, viewer: Viewer) -> list[tuple[str, str, str]]:
    """(param, code, label) for the scope picker: what this viewer may choose."""
    choices = []
    if viewer.district_wide:
        choices.append(("scope", "district", "全区"))
    for q in config.squadrons:
        if viewer.district_wide or (viewer.role != "officer" and viewer.scope == q.code):
            choices.append(("squadron", q.code, q.name))
    for s in config.stations:
        if allowed_scope(config, viewer, Scope("station", s.code)):
            choices.append(("station", s.code, s.name))
    return choices
