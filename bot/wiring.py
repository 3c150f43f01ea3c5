"""Builds the web process's services from settings: config, secrets, store, intake and queue."""

from __future__ import annotations

import os

from bot import Services, create_app
from bot.intake import Intake
from domain.config import load_config
from domain.db import make_engine
from domain.secrets import Secrets
from domain.store import Store
from service.settings import Settings, load_secrets_file
from workers.queues import JobQueue, connect


def build_services(settings: Settings) -> Services:
    """Everything the web app needs, from the environment."""
    load_secrets_file(os.environ)
    config = load_config(settings.config_file)
    if not settings.redis_url:
        raise SystemExit("REDIS_URL is not set (use `make run` for the embedded Redis)")
    store = Store(make_engine(settings.database_url))
    queue = JobQueue(connect(settings.redis_url, fail_fast=True))
    return Services(
        config=config,
        secrets=Secrets(config.secrets.model_dump(), os.environ),
        store=store,
        intake=Intake(store, queue),
    )


def build_app():
    """The production WSGI app (gunicorn `bot.wsgi:app`)."""
    return create_app(build_services(Settings.from_env()))
