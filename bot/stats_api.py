"""`GET /api/stats`: the figures leaders and the bureau report, from the tickets themselves."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, jsonify, request

from bot import inputs
from bot.api import api_viewer, bad_param, refuse_bad_params, refused, require_token
from domain.access import Scope, allowed_scope, default_scope
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


def _stations(config, squadron: str | None, station: str | None):
    """The stations to count (None: the squadron's, or the district), or a 403 response: a
    signed-in person gets their role's scope, and a scope asked for must lie inside it."""
    viewer = api_viewer()
    if viewer is None:
        return [station] if station else None
    if station:
        wanted = Scope("station", station)
    else:
        wanted = Scope("squadron", squadron) if squadron else default_scope(viewer)
    if not allowed_scope(config, viewer, wanted):
        return refused("该范围不在您的辖区")
    return wanted.stations(config)


@stats_bp.get("/stats")
def stats():
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (exclusive, local days)&squadron=code&station=code
    &format=text."""
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
    station = request.args.get("station")
    if station and config.station(station) is None:
        return bad_param("station", f"unknown station {station[:64]}")
    stations = _stations(config, squadron, station)
    if isinstance(stations, tuple):
        return stations  # the refusal
    with services.store.session() as s:
        report = period_report(s, config, start, end, squadron, stations)
    if request.args.get("format") == "text":
        return render_text(report, config), 200, {"Content-Type": "text/plain; charset=utf-8"}
    return jsonify(report.as_dict())
