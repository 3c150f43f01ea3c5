"""The services a worker process uses, built once from settings (or installed by tests)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import yaml

from channels.senders import Sender, build_senders
from domain.config import Config
from domain.db import make_engine
from domain.secrets import Secrets
from domain.store import Store
from service.settings import Settings, load_secrets_file
from workers.queues import JobQueue, connect

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    """The real clock; tests install a runtime with a controlled one."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Config, storage, queue, classifier and senders of one worker process."""

    config: Config
    store: Store
    queue: JobQueue
    classifier: object
    senders: dict[str, Sender]
    clock: Callable[[], datetime] = utc_now


_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    """Make `runtime` the one jobs use (entry points and tests call this)."""
    global _current
    _current = runtime


def current() -> Runtime:
    """The installed runtime, built from the environment on first use."""
    if _current is None:
        install(build_runtime(Settings.from_env()))
    return _current


def build_runtime(settings: Settings) -> Runtime:
    """Build every worker service from settings and environment secrets."""
    from nlp import Classifier, Lexicon  # heavy (jieba): only worker processes load it

    load_secrets_file(os.environ)
    raw = yaml.safe_load(settings.config_file.read_text(encoding="utf-8"))
    config = Config.from_mapping(raw)
    if not settings.redis_url:
        raise RuntimeError("REDIS_URL is not set (use `make run` for the embedded Redis)")
    redis = connect(settings.redis_url)
    secrets = Secrets(config.secrets.model_dump(), os.environ)
    return Runtime(
        config=config,
        store=Store(make_engine(settings.database_url)),
        queue=JobQueue(redis),
        classifier=Classifier(Lexicon.from_mapping(raw)),
        senders=build_senders(config, secrets, _token_storage(redis)),
    )


def _token_storage(redis):
    """Share WeChat access tokens between workers through Redis (TTL = expires_in)."""
    from wechatpy.session.redisstorage import RedisStorage

    return RedisStorage(redis, prefix="cgbot")
