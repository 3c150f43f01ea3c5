"""`/desk/reports/<period>`: the daily, weekly or monthly report, on the page or downloaded."""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Blueprint, current_app, g, render_template, request

from bot.desk.auth import desk_guard, forbidden, services, signed_in
from bot.desk.exports import csv_text, xlsx_bytes
from bot.desk.params import BadParam, parse_day, scope
from bot.desk.stats import XLSX
from domain.desk_reports import PERIOD_NAMES, PERIODS, paragraph, period_containing, previous_period
from domain.desk_stats import figures
from domain.desk_tables import amounts, by_category, by_station, summary

log = logging.getLogger(__name__)
reports_bp = Blueprint("desk_reports", __name__)
reports_bp.before_request(desk_guard)


@reports_bp.get("/desk/reports/<period>")
@signed_in
def report_page(period: str):
    """?date= any day in the period (default: the last complete one), scope as /desk/stats;
    ?format=txt|xlsx|csv downloads it."""
    config = services().config
    if period not in PERIODS:
        return _bad(f"报告周期只能是 {'、'.join(PERIODS)}")
    try:
        day = parse_day(request.args.get("date"), "date")
        chosen = scope(request.args, config, g.viewer)
    except BadParam as exc:
        return _bad(str(exc))
    except PermissionError as exc:
        return forbidden(str(exc))
    today = services().clock().astimezone(config.tz).date()
    bounds = (
        period_containing(period, day, config.tz)
        if day
        else previous_period(period, today, config.tz)
    )
    with services().store.session() as s:
        fig = figures(s, config, bounds.start, bounds.end, chosen.stations(config))
    label = chosen.label(config)
    text = paragraph(fig, config, bounds, label)
    tables = [summary(fig), by_category(fig, config), amounts(fig, config), by_station(fig, config)]
    title = f"{label} {PERIOD_NAMES[period]} {bounds.label}"
    fmt = request.args.get("format")
    if fmt:
        return _download(fmt, title, text, tables)
    return render_template(
        "desk/report.html",
        viewer=g.viewer,
        title=title,
        text=text,
        tables=tables,
        period=period,
        periods=PERIOD_NAMES,
        query=request.query_string.decode(),
        date=bounds.start.date().isoformat(),
    )


def _bad(text: str):
    log.warning("%s %s: 400 %s", request.method, request.path, text)
    page = render_template("desk/message.html", title="参数错误", text=text, viewer=g.viewer)
    return page, 400


def _download(fmt: str, title: str, text: str, tables):
    if fmt == "txt":
        body, mimetype = title + "\n\n" + text + "\n", "text/plain; charset=utf-8"
    elif fmt == "xlsx":
        body, mimetype = xlsx_bytes(tables, title), XLSX
    elif fmt == "csv":
        body, mimetype = csv_text(tables, title), "text/csv; charset=utf-8"
    else:
        return _bad("format 只能是 txt、xlsx 或 csv")
    disposition = f"attachment; filename=report.{fmt}; filename*=UTF-8''{quote(title)}.{fmt}"
    return current_app.response_class(
        body, mimetype=mimetype, headers={"Content-Disposition": disposition}
    )
