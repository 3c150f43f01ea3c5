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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rq import Queue  # noqa: E402
from rq.job import Job  # noqa: E402

from bench.harness import ROOT, Service, drain_rate, header  # noqa: E402

RAW_QUEUE = "bench_noop"


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    with Service(workers=args.workers, database_url=args.database) as svc:
        header(f"worker rate: {args.messages} messages", svc)
        raw_before = raw_rq_rate(svc, args.messages)
        rate = drain_rate(svc, args.messages)
        raw_after = raw_rq_rate(svc, args.messages)
        raw = (raw_before + raw_after) / 2  # before and after: the machine is shared
        tickets = svc.push_latencies()
        print(
            f"  rq raw no-op: {raw:.0f} jobs/s (one SimpleWorker; {raw_before:.0f} before, "
            f"{raw_after:.0f} after); project: {rate:.1f} msg/s "
            f"with {args.workers} worker(s), deliveries included "
            f"({len(tickets['urgent']) + len(tickets['ordinary'])} tickets pushed, "
            f"{len(tickets['replies'])} replies): {rate / raw:.2f}x raw; "
            f"Redis used_memory {svc.used_memory_mb():.1f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
