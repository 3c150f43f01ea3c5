"""`GET /api/stats`: the figures leaders and the bureau report, from the tickets themselves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, jsonify, request

from bot.api import require_token
from domain.stats import period_report, render_text

stats_bp = Blueprint("stats", __name__, url_prefix="/api")
stats_bp.before_request(require_token)


def _day(value: str | None, default, tz) -> datetime:
    d = datetime.strptime(value, "%Y-%m-%d").date() if value else default
    return datetime.combine(d, time(0), tz)


@stats_bp.get("/stats")
def stats():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (exclusive, local days)&squadron=code&format=text."""
    services = current_app.extensions["cgbot"]
    config = services.config
    today = services.clock().astimezone(config.tz).date()
    try:
        start = _day(request.args.get("from"), today.replace(day=1), config.tz)
        end = _day(request.args.get("to"), today + timedelta(days=1), config.tz)
    except ValueError:
        return jsonify({"error": "from/to must be YYYY-MM-DD"}), 400
    squadron = request.args.get("squadron")
    if squadron and config.squadron(squadron) is None:
        return jsonify({"error": f"unknown squadron {squadron}"}), 400
    with services.store.session() as s:
        report = period_report(s, config, start, end, squadron)
    if request.args.get("format") == "text":
        return render_text(report, config), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return jsonify(report.as_dict())
