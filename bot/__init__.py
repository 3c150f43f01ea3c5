"""The web edge: Flask application factory and the channel adapters (bridge, WeCom, WeChat)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from bot.actions_api import actions_bp
from bot.aibot import aibot_bp
from bot.api import api_bp
from bot.bridge import bridge_bp
from bot.desk import install_desk
from bot.health import health_bp
from bot.intake import Intake
from bot.media import media_bp
from bot.openapi import openapi_bp
from bot.stats_api import stats_bp
from bot.wechat import wechat_bp
from bot.wecom import wecom_bp
from domain.config import Config
from domain.secrets import Secrets
from domain.store import Store

log = logging.getLogger(__name__)
BLUEPRINTS = (
    bridge_bp,
    api_bp,
    openapi_bp,
    actions_bp,
    stats_bp,
    wecom_bp,
    wechat_bp,
    media_bp,
    aibot_bp,
    health_bp,
)


@dataclass
class Services:
    """What the web process needs, passed in (tests build their own)."""

    config: Config
    secrets: Secrets
    store: Store
    intake: Intake
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    media_store: object | None = None  # channels.mediastore.MediaStore: photos served at /media


def create_app(services: Services) -> Flask:
    """The Flask app serving the callbacks, the bridge endpoint and the API."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = services.config.service.max_body_bytes
    app.json.ensure_ascii = False
    app.extensions["cgbot"] = services
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    install_desk(app, services)  # the web pages (bot/desk): ticket page, lists, statistics, reports
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _http_error(exc: HTTPException):
    """4xx/5xx raised by Flask itself (413, 404, 405) as short JSON, logged once."""
    if exc.code and exc.code >= 400:
        log.warning("%s %s: %s %s", request.method, request.path, exc.code, exc.name)
    return jsonify({"error": exc.name, "status": exc.code}), exc.code


def _unexpected_error(exc: Exception):
    """A bug: log it with the path; the client gets a plain 500 without internals."""
    log.exception("%s %s: unexpected error", request.method, request.path)
    return jsonify({"error": "internal error"}), 500
