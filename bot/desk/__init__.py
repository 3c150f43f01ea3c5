"""The desk: officers', leaders' and the bureau's web pages (templates/ and static/ at the root).

Sessions live in Flask's signed cookie (SECRET_KEY); the cookie is Secure whenever the public
URL is https, and only then, because browsers drop Secure cookies on plain http (local runs).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.desk.common import SESSION_HOURS, assets_bp, csrf

log = logging.getLogger(__name__)


def install_desk(app: Flask, services) -> None:
    """Session cookies, CSRF and the desk's blueprints on `app`."""
    # Imported here: bot.api reads the desk's session (bot.desk.auth), and the ticket page
    # posts through bot.actions_api, so importing the views with the package would loop.
    from bot.desk.admin import admin_bp
    from bot.desk.auth import auth_bp
    from bot.desk.lists import lists_bp
    from bot.desk.reports import reports_bp
    from bot.desk.stats import stats_bp
    from bot.desk.ticket import ticket_bp

    app.secret_key = services.secrets.get("session_secret")
    app.config.update(
        SESSION_COOKIE_NAME="cgbot_desk",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=services.config.service.public_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked by the desk's own views; the API and callbacks
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session it belongs to
    )
    hops = services.config.service.proxy_hops
    if hops:  # the sign-in limit per address must count clients, not the proxy
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    csrf.init_app(app)
    for bp in (assets_bp, auth_bp, ticket_bp, lists_bp, stats_bp, reports_bp, admin_bp):
        app.register_blueprint(bp)
    app.register_error_handler(CSRFError, _csrf_refused)


def _csrf_refused(exc: CSRFError):
    log.warning("%s %s: 400 CSRF %s", request.method, request.path, exc.description)
    if request.path.startswith("/api/"):
        return jsonify({"error": "missing or bad X-CSRFToken", "status": 400}), 400
    return render_template(
        "desk/message.html", title="请求已失效", text="页面已过期，请刷新后重试。"
    ), 400
