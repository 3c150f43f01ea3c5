"""`GET /api/stats`: the figures leaders and the bureau report, from the tickets themselves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, jsonify, request

from bot import inputs
from bot.api import bad_param, refuse_bad_params, require_token
from domain.stats import period_report, render_text

stats_bp = Blueprint("stats", __name__, url_prefix="/api")
stats_bp.before_request(require_token)
stats_bp.before_request(refuse_bad_params)


def _day(name: str, value: str | None, default, tz) -> datetime:
    try:
        d = datetime.strptime(value, "%Y-%m-%d").date() if value else default
    except ValueError:
        raise inputs.BadInput(name, "must be YYYY-MM-DD") from None
    return datetime.combine(inputs.day_in_span(name, d), time(0), tz)


@stats_bp.get("/stats")
def stats():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (exclusive, local days)&squadron=code&format=text."""
    services = current_app.extensions["cgbot"]
    config = services.config
    today = services.clock().astimezone(config.tz).date()
    try:
        start = _day("from", request.args.get("from"), today.replace(day=1), config.tz)
        end = _day("to", request.args.get("to"), today + timedelta(days=1), config.tz)
    except inputs.BadInput as exc:
        return bad_param(exc.field, exc.reason)
    squadron = request.args.get("squadron")
    if squadron and config.squadron(squadron) is None:
        return bad_param("squadron", f"unknown squadron {squadron[:64]}")
    with services.store.session() as s:
        report = period_report(s, config, start, end, squadron)
    if request.args.get("format") == "text":
        return render_text(report, config), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return jsonify(report.as_dict())
