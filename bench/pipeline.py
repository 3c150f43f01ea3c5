"""Speed of the whole path on the embedded defaults: intake latency and worker throughput.

Run: .venv/bin/python bench/pipeline.py [N]   (default 300 messages)

Intake: signed bridge POSTs through the Flask app (verify, validate, store, enqueue) - what a
WeChat retry timer (5 s) waits for. Worker: one SimpleWorker draining the queues (classify,
ticket, dispatch, deliver to the console) - messages per second end to end.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.compose import classifier_for, secrets_for, web_services, worker_runtime  # noqa: E402
from bot import create_app  # noqa: E402
from channels.signing import signed_headers  # noqa: E402
from domain.config import load_config  # noqa: E402
from domain.db import make_engine, upgrade  # noqa: E402
from domain.store import Store  # noqa: E402
from service.redis_server import EmbeddedRedis  # noqa: E402
from workers import runtime  # noqa: E402
from workers.queues import JobQueue, connect  # noqa: E402
from workers.worker import make_worker  # noqa: E402

SAMPLES = [
    "8号楼后面消防通道被一辆白色越野车堵死了",
    "3号楼2单元楼道里堆满了纸箱和旧家具",
    "东门外有人摆摊卖水果，把人行道都占了",
    "今晚有没有人一起去打球",
    "小区南门的垃圾桶满了三天没人清运",
]
ENV = {"BRIDGE_SECRET": "bench-secret", "API_TOKEN": "bench-token"}


def build(tmp: Path, redis_url: str):
    """Services for the web side and an installed runtime for the worker side."""
    config = load_config(ROOT / "config.yaml")
    url = f"sqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    store = Store(make_engine(url))
    queue = JobQueue(connect(redis_url))
    secrets = secrets_for(config, ENV)
    runtime.install(worker_runtime(config, secrets, store, queue, classifier_for(config)))
    return create_app(web_services(config, secrets, store, queue)), config, queue


def post_all(client, config, n: int) -> list[float]:
    """POST n signed messages; returns each request's latency in seconds."""
    groups = [c.groups[0] for c in config.communities]
    latencies = []
    for i in range(n):
        body = json.dumps(
            {
                "msg_id": f"b{i}",
                "group_id": groups[i % len(groups)],
                "sender_id": f"u{i}",
                "sender_name": f"居民{i}",
                "text": SAMPLES[i % len(SAMPLES)],
                "sent_at": int(time.time()),
            },
            ensure_ascii=False,
        ).encode()
        t = time.perf_counter()
        resp = client.post("/api/messages", data=body, headers=signed_headers("bench-secret", body))
        latencies.append(time.perf_counter() - t)
        assert resp.status_code == 200, resp.get_data(as_text=True)
    return latencies


def main(n: int) -> None:
    """Print intake and worker figures."""
    import logging

    logging.disable(logging.INFO)  # the console notifier logs every send
    with tempfile.TemporaryDirectory() as d, EmbeddedRedis(Path(d) / "redis") as redis:
        app, config, queue = build(Path(d), redis.url)
        lat = sorted(post_all(app.test_client(), config, n))
        print(
            f"intake: {n} messages, {n / sum(lat):.0f} req/s (one process), "
            f"p50 {statistics.median(lat) * 1000:.1f} ms, "
            f"p99 {lat[int(n * 0.99) - 1] * 1000:.1f} ms"
        )
        t = time.perf_counter()
        make_worker(queue.redis).work(burst=True)
        elapsed = time.perf_counter() - t
        store = runtime.current().store
        tickets = len(store.tickets(limit=10_000))
        print(
            f"worker: {n} messages -> {tickets} tickets in {elapsed:.2f} s, "
            f"{n / elapsed:.0f} messages/s end to end (incl. deliveries), one SimpleWorker"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
