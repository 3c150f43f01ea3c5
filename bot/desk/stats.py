"""`/desk/stats` with charts, and the same figures as `/desk/stats.xlsx` and `/desk/stats.csv`.

Query parameters are those of `/api/stats` (from, to, squadron) plus station and scope=district.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, current_app, g, render_template, request

from bot.desk.auth import desk_guard, forbidden, services, signed_in
from bot.desk.exports import csv_text, xlsx_bytes
from bot.desk.params import BadParam, period, scope, scope_choices
from domain.access import Scope
from domain.desk_stats import Figures, figures
from domain.desk_tables import all_tables, heat

log = logging.getLogger(__name__)
stats_bp = Blueprint("desk_stats", __name__)
stats_bp.before_request(desk_guard)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _load():
    """(scope, start, end, figures) from the query, or a 400/403 response."""
    config = services().config
    today = services().clock().astimezone(config.tz).date()
    args = _with_pick(request.args)
    try:
        start, end = period(args, today, config.tz)
        chosen = scope(args, config, g.viewer)
    except BadParam as exc:
        log.warning("%s %s: 400 %s", request.method, request.path, exc)
        page = render_template(
            "desk/message.html", title="参数错误", text=str(exc), viewer=g.viewer
        )
        return None, (page, 400)
    except PermissionError as exc:
        return None, forbidden(str(exc))
    with services().store.session() as s:
        fig = figures(s, config, start, end, chosen.stations(config))
    return (chosen, start, end, fig), None


def _with_pick(args) -> dict:
    """The page's single scope picker (`pick=station:ST01`) as station/squadron/scope."""
    merged = args.to_dict()
    kind, _, code = merged.pop("pick", "").partition(":")
    if kind in ("station", "squadron"):
        merged[kind] = code
    elif kind == "scope":
        merged["scope"] = code
    return merged


def heading(chosen: Scope, start, end) -> str:
    """ "城阳街道中队 2026-11-01 至 2026-11-30"."""
    last = (end - timedelta(days=1)).date()
    span = f"{start:%Y-%m-%d}" if last == start.date() else f"{start:%Y-%m-%d} 至 {last:%Y-%m-%d}"
    return f"{chosen.label(services().config)} {span}"


@stats_bp.get("/desk/stats")
@signed_in
def stats_page():
    """Charts and tables for the chosen period and scope."""
    loaded, error = _load()
    if error:
        return error
    chosen, start, end, fig = loaded
    config = services().config
    query = request.query_string.decode()
    return render_template(
        "desk/stats.html",
        viewer=g.viewer,
        title=heading(chosen, start, end),
        tables=all_tables(fig, config),
        heat=heat(fig, config),
        charts=_charts(fig, config),
        choices=scope_choices(config, g.viewer),
        picked=_picked(chosen),
        start=start.date().isoformat(),
        end=end.date().isoformat(),
        query=query,
    )


def _picked(chosen: Scope) -> str:
    return "scope:district" if chosen.kind == "district" else f"{chosen.kind}:{chosen.code}"


def _charts(fig: Figures, config) -> dict:
    """Series for ECharts (drawn by static/desk/charts.js from this JSON)."""
    cats = sorted(fig.by_category.items(), key=lambda kv: -kv[1])
    stations = sorted(fig.by_station.items(), key=lambda kv: -kv[1])[:20]
    names = {"satisfied": "满意", "unsatisfied": "不满意", "timeout": "未评价"}
    return {
        "category": {
            "labels": [config.categories[c].zh for c, _ in cats],
            "values": [n for _, n in cats],
        },
        "day": {"labels": list(fig.by_day), "values": list(fig.by_day.values())},
        "station": {
            "labels": [config.station(c).name if config.station(c) else c for c, _ in stations],
            "values": [n for _, n in stations],
        },
        "satisfaction": [
            {"name": names.get(k, k), "value": n} for k, n in fig.satisfaction.items()
        ],
    }


def _download(body, mimetype: str, filename: str):
    disposition = f"attachment; filename=stats; filename*=UTF-8''{quote(filename)}"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": disposition}
    )


@stats_bp.get("/desk/stats.xlsx")
@signed_in
def stats_xlsx():
    """Every table of the page, one sheet each."""
    loaded, error = _load()
    if error:
        return error
    chosen, start, end, fig = loaded
    title = heading(chosen, start, end)
    body = xlsx_bytes(all_tables(fig, services().config), title)
    log.info("desk stats.xlsx for %s: %s", g.viewer.userid, title)
    return _download(body, XLSX, f"城管统计 {title}.xlsx")


@stats_bp.get("/desk/stats.csv")
@signed_in
def stats_csv():
    """Every table (or `?table=key` alone) as CSV."""
    loaded, error = _load()
    if error:
        return error
    chosen, start, end, fig = loaded
    tables = all_tables(fig, services().config)
    wanted = request.args.get("table")
    if wanted:
        tables = [t for t in tables if t.key == wanted]
        if not tables:
            return render_template(
                "desk/message.html", title="参数错误", text=f"未知表 {wanted}", viewer=g.viewer
            ), 400
    title = heading(chosen, start, end)
    return _download(csv_text(tables, title), "text/csv; charset=utf-8", f"城管统计 {title}.csv")
