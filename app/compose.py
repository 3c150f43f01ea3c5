"""The one composition root: config, secrets, store, queue, classifier and senders, for the web
process, the worker, the command line and the tests (which pass their own parts in)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime

from flask import Flask
from redis import Redis

from bot import Services, create_app
from bot.intake import Intake
from channels.media import Fetcher
from channels.mediastore import build_media_store
from channels.ratelimit import SlidingWindow
from channels.senders import build_senders
from channels.wxclients import build_wechat_client, build_wecom_client
from domain.config import Config, load_config
from domain.db import make_engine
from domain.secrets import Secrets
from domain.store import Store
from nlp import Classifier, Lexicon
from service.settings import Settings, load_secrets_file
from workers.media import MediaRuntime
from workers.queues import JobQueue, connect
from workers.runtime import Runtime, utc_now
from workers.triage import Triage

# The config sections the classifier reads; the rest (people, rosters) is none of its business.
NLP_SECTIONS = {"categories", "communities", "nlp"}


class MissingRedis(RuntimeError):
    """REDIS_URL is unset: only `make run` starts an embedded Redis."""


def environment_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, after filling unset secrets from var/secrets.env."""
    env = os.environ if environ is None else environ
    load_secrets_file(env)
    return Settings.from_env(env)


def secrets_for(config: Config, environ: Mapping[str, str] | None = None) -> Secrets:
    """Secret lookups by the environment variable names config.yaml gives."""
    return Secrets(config.secrets.model_dump(), environ)


def classifier_for(config: Config) -> Classifier:
    """The classifier built from the validated config (jieba loads on first use)."""
    return Classifier(Lexicon.from_mapping(config.model_dump(mode="json", include=NLP_SECTIONS)))


def web_services(
    config: Config,
    secrets: Secrets,
    store: Store,
    queue: JobQueue,
    clock: Callable[[], datetime] = utc_now,
) -> Services:
    """What the Flask app needs; the intake sorts messages into lanes (workers/triage.py)."""
    services = Services(
        config, secrets, store, Intake(store, queue, Triage.from_config(config)), clock
    )
    services.media_store = build_media_store(config, secrets)
    return services


def worker_runtime(
    config: Config,
    secrets: Secrets,
    store: Store,
    queue: JobQueue,
    classifier: Classifier,
    clock: Callable[[], datetime] = utc_now,
    token_storage: object | None = None,
) -> Runtime:
    """What worker jobs need."""
    senders = build_senders(config, secrets, token_storage)
    rt = Runtime(config, store, queue, classifier, senders, clock)
    rt.media = media_runtime(config, secrets, token_storage)
    rt.limiter = SlidingWindow(queue.redis, lambda: clock().timestamp())
    return rt


def media_runtime(config: Config, secrets: Secrets, token_storage=None) -> MediaRuntime:
    """How workers fetch attachments (the channels' own API clients) and where they keep them."""
    clients = {
        "wecom": build_wecom_client(config, secrets, token_storage),
        "wechat": build_wechat_client(config, secrets, token_storage),
    }
    fetcher = Fetcher(
        {k: v for k, v in clients.items() if v is not None},
        config.channels.http_timeout_seconds,
        config.media.max_bytes,
    )
    return MediaRuntime(fetcher, build_media_store(config, secrets))


def _redis(settings: Settings, fail_fast: bool = False) -> Redis:
    if not settings.redis_url:
        raise MissingRedis("REDIS_URL is not set (use `make run` for the embedded Redis)")
    return connect(settings.redis_url, fail_fast=fail_fast)


def build_web(settings: Settings) -> Services:
    """The web process's services from settings (raises ConfigError, MissingRedis)."""
    config = load_config(settings.config_file)
    queue = JobQueue(_redis(settings, fail_fast=True))
    store = Store(make_engine(settings.database_url))
    return web_services(config, secrets_for(config), store, queue)


def build_worker(settings: Settings) -> Runtime:
    """A worker process's runtime from settings (raises ConfigError, MissingRedis)."""
    config = load_config(settings.config_file)
    redis = _redis(settings)
    return worker_runtime(
        config,
        secrets_for(config),
        Store(make_engine(settings.database_url)),
        JobQueue(redis),
        classifier_for(config),
        token_storage=_token_storage(redis),
    )


def _token_storage(redis: Redis):
    """Share WeChat access tokens between workers through Redis (TTL = expires_in)."""
    from wechatpy.session.redisstorage import RedisStorage

    return RedisStorage(redis, prefix="cgbot")


def build_app() -> Flask:
    """The production WSGI app (gunicorn `bot.wsgi:app`)."""
    try:
        return create_app(build_web(environment_settings()))
    except MissingRedis as exc:
        raise SystemExit(str(exc)) from None
