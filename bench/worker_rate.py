"""Figure 4, worker rate: messages per second a worker drains (classify, ticket, dispatch, and
every delivery job), against rq's raw no-op job rate on the same Redis in the same run.

Run: .venv/bin/python bench/worker_rate.py [--messages 2000] [--workers 1] [--database URL]

The service runs as `make run` starts it; workers are suspended (`rq suspend`) while the
messages are posted through the real intake, then resumed: the clock runs from the first
message handled to the last send delivered. The raw rate: a plain `rq worker` (SimpleWorker,
rq's defaults) draining as many no-op jobs, timed by the jobs' own start and end stamps.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rq import Queue  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.suspension import resume, suspend  # noqa: E402

from bench.harness import ROOT, Corpus, Messages, Service, header, send_at_rate  # noqa: E402

RAW_QUEUE = "bench_noop"
POST_RATE = 400  # msg/s while the workers are suspended: only the intake is busy


def raw_rq_rate(svc: Service, n: int) -> float:
    """No-op jobs per second through a plain rq SimpleWorker on the service's Redis."""
    queue = Queue(RAW_QUEUE, connection=svc.redis)
    ids = [queue.enqueue("bench.noop.noop").id for _ in range(n)]
    rq_cli = str(Path(sys.executable).with_name("rq"))
    subprocess.run(
        [rq_cli, "worker", "--burst", "-w", "rq.worker.SimpleWorker", "-u", svc.redis_server.url,
         RAW_QUEUE],
        cwd=ROOT, env=svc.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        timeout=600, check=True,
    )  # fmt: skip
    jobs = [j for j in Job.fetch_many(ids, connection=svc.redis) if j is not None]
    first = min(j.started_at for j in jobs)
    last = max(j.ended_at for j in jobs)
    for job in jobs:
        job.delete()
    return len(jobs) / (last - first).total_seconds()


def project_rate(svc: Service, n: int) -> tuple[float, int]:
    """Messages per second drained by the service's workers, deliveries included."""
    suspend(svc.redis)
    time.sleep(1.5)  # a worker blocked in its dequeue may still take one job
    stream = Messages(Corpus.load(), seed=4, prefix="d")
    send_at_rate(svc.port, [stream.next()[0] for _ in range(n)], POST_RATE)
    already = svc.counts()[1]
    resume(svc.redis)
    deadline = time.monotonic() + 900
    while svc.counts()[1] == already and time.monotonic() < deadline:
        time.sleep(0.02)
    start, start_done = time.monotonic(), svc.counts()[1]
    if not svc.wait_drained(n, timeout=900):
        raise RuntimeError("the workers did not drain the messages within 15 minutes")
    sends = svc.redis.info("stats")["total_commands_processed"]  # informative only
    return (n - start_done) / (time.monotonic() - start), sends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    with Service(workers=args.workers, database_url=args.database) as svc:
        header(f"worker rate: {args.messages} messages", svc)
        raw = raw_rq_rate(svc, args.messages)
        rate, _ = project_rate(svc, args.messages)
        tickets = svc.push_latencies()
        print(
            f"  rq raw no-op: {raw:.0f} jobs/s (one SimpleWorker); project: {rate:.1f} msg/s "
            f"with {args.workers} worker(s), deliveries included "
            f"({len(tickets['urgent']) + len(tickets['ordinary'])} tickets pushed, "
            f"{len(tickets['replies'])} replies): {rate / raw:.2f}x raw; "
            f"Redis used_memory {svc.used_memory_mb():.1f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
