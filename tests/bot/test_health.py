"""/healthz is liveness only; /readyz reports Redis, database and worker heartbeat (or 503)."""

from __future__ import annotations

from redis import Redis

from bot import Services, create_app
from bot.intake import Intake
from workers.queues import JobQueue, connect
from workers.worker import make_worker


def test_healthz_is_plain_liveness(client):
    assert client.get("/healthz").get_json() == {"ok": True}


def test_ready_with_a_live_worker(client, redis):
    worker = make_worker(redis, "cgbot-ready-test")
    worker.register_birth()
    worker.heartbeat()
    try:
        resp = client.get("/readyz")
        body = resp.get_json()
        assert resp.status_code == 200 and body["ready"] is True
        assert all(check["ok"] for check in body["checks"].values())
    finally:
        worker.register_death()


def test_not_ready_without_a_worker_heartbeat(client, redis):
    resp = client.get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 503 and body["ready"] is False
    assert body["checks"]["redis"]["ok"] and body["checks"]["database"]["ok"]
    assert not body["checks"]["worker"]["ok"]
    assert "no worker heartbeat" in body["checks"]["worker"]["detail"]


def test_not_ready_when_redis_is_down(test_config, services, store, tmp_path):
    dead = JobQueue(connect(f"unix://{tmp_path / 'nobody.sock'}", fail_fast=True))
    app = create_app(
        Services(test_config, services.secrets, store, Intake(store, dead), services.clock)
    )
    resp = app.test_client().get("/readyz")
    body = resp.get_json()
    assert resp.status_code == 503
    assert not body["checks"]["redis"]["ok"] and not body["checks"]["worker"]["ok"]
    assert body["checks"]["database"]["ok"]
    assert app.test_client().get("/healthz").status_code == 200  # still alive


def test_dead_workers_heartbeat_goes_stale(client, redis: Redis):
    """A worker whose last heartbeat is older than a minute does not count."""
    worker = make_worker(redis, "cgbot-stale-test")
    worker.register_birth()
    redis.hset(worker.key, "last_heartbeat", "2020-01-01T00:00:00.000000Z")
    try:
        assert client.get("/readyz").status_code == 503
    finally:
        worker.register_death()
