"""`/desk`: my tickets, my station's, my squadron's or the district's, filtered and paged."""

from __future__ import annotations

import logging
import math

from flask import Blueprint, g, render_template, request, url_for

from bot.desk.auth import desk_guard, forbidden, services, signed_in
from bot.desk.params import BadParam, local_midnight, parse_day
from bot.desk.view import local
from domain.access import visible_stations
from domain.desk_lists import ListQuery, page_of_tickets, status_counts
from domain.lifecycle import STATUS_NAMES

log = logging.getLogger(__name__)
lists_bp = Blueprint("desk_lists", __name__)
lists_bp.before_request(desk_guard)
PAGE_SIZE = 20
FILTERS = ("view", "status", "category", "community", "station", "from", "to")


@lists_bp.get("/desk")
@signed_in
def desk_home():
    """The list for the viewer's role; a filter outside their scope is a 403."""
    try:
        query = _query(request.args)
        page = max(int(request.args.get("page", 1)), 1)
    except BadParam as exc:
        return _bad(str(exc))
    except ValueError:
        return _bad("page 必须是正整数")
    except PermissionError as exc:
        return forbidden(str(exc))
    services_ = services()
    with services_.store.session() as s:
        rows, total = page_of_tickets(
            s, query, services_.clock(), PAGE_SIZE, (page - 1) * PAGE_SIZE
        )
        counts = status_counts(s, query)
    return render_template(
        "desk/list.html",
        viewer=g.viewer,
        rows=[_row(r) for r in rows],
        total=total,
        counts=counts,
        page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1),
        args={k: request.args.get(k, "") for k in FILTERS},
        status_names=STATUS_NAMES,
        config=services_.config,
        views=_views(g.viewer),
        stations=_stations_in_view(),
        link=_linker({k: request.args.get(k, "") for k in FILTERS}),
    )


def _linker(args: dict):
    """link(page=2) -> this list's URL with the current filters and `page` changed."""

    def link(**changes) -> str:
        merged = {k: v for k, v in {**args, **changes}.items() if v not in ("", None)}
        return url_for("desk_lists.desk_home", **merged)

    return link


def _bad(text: str):
    log.warning("GET /desk: 400 %s", text)
    return render_template("desk/message.html", title="参数错误", text=text, viewer=g.viewer), 400


def _views(viewer) -> list[tuple[str, str]]:
    """The list tabs this role has: mine, then its scope."""
    if viewer.district_wide:
        return [("district", "全区")]
    scope = ("station", "本站") if viewer.role == "officer" else ("squadron", "本中队")
    return [("mine", "我的"), scope]


def _stations_in_view():
    config = services().config
    codes = visible_stations(config, g.viewer)
    return [s for s in config.stations if codes is None or s.code in codes]


def _query(args) -> ListQuery:
    config, viewer = services().config, g.viewer
    stations = visible_stations(config, viewer)
    if args.get("station"):
        if config.station(args["station"]) is None:
            raise BadParam(f"未知工作站 {args['station']}")
        if stations is not None and args["station"] not in stations:
            raise PermissionError("该工作站不在您的辖区")
        stations = [args["station"]]
    _check_choice(args.get("status"), STATUS_NAMES, "状态")
    _check_choice(args.get("category"), config.categories, "类别")
    community = args.get("community") or None
    if community and config.community_named(community) is None:
        raise BadParam(f"未知小区 {community}")
    start, end = parse_day(args.get("from"), "from"), parse_day(args.get("to"), "to")
    return ListQuery(
        stations=stations,
        officer=viewer.userid if args.get("view") == "mine" else None,
        status=args.get("status") or None,
        category=args.get("category") or None,
        community=config.community_named(community).name if community else None,
        start=local_midnight(start, config.tz) if start else None,
        end=local_midnight(end, config.tz) if end else None,
    )


def _check_choice(value, allowed, label: str) -> None:
    if value and value not in allowed:
        raise BadParam(f"未知{label} {value}")


def _row(r) -> dict:
    config = services().config
    officer = config.officer(r.officer) if r.officer else None
    return {
        "no": r.no,
        "status": STATUS_NAMES[r.status],
        "category": config.categories[r.category].zh,
        "urgent": r.urgent,
        "overdue": bool(r.overdue),
        "community": r.community,
        "station": config.station(r.station).name,
        "officer": officer.name if officer else "",
        "place": r.place or "",
        "text": r.text[:60],
        "reporters": r.reporters,
        "created": local(r.created_at, config.tz),
        "accept_by": local(r.accept_by, config.tz),
        "resolve_by": local(r.resolve_by, config.tz),
    }
