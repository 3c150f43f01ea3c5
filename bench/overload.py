"""Figure 3, overload fairness: more messages than one worker can classify (default 150 msg/s
for 20 s); urgent complaints' pushes must still go out within seconds while chatter backs up.

Run: .venv/bin/python bench/overload.py [--rate 150] [--seconds 20] [--workers 1]
     [--database URL]

Same mix as bench/push_latency.py (10% complaints, a fifth of them urgent). Printed: pushes for
urgent tickets (p50/p95/max), ordinary tickets' pushes, the backlog when sending stopped, and
how long the rest took to drain. Loopback only; bounded (the drain waits at most 10 minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Corpus, Messages, Service, header, pct, send_at_rate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=150)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    stream = Messages(Corpus.load(), seed=150, prefix="o")
    bodies, kinds = zip(*(stream.next() for _ in range(int(args.rate * args.seconds))), strict=True)
    with Service(workers=args.workers, database_url=args.database) as svc:
        header(f"overload: {args.rate:g} msg/s for {args.seconds:g} s", svc)
        since = datetime.now(UTC)
        sent = send_at_rate(svc.port, list(bodies), args.rate, threads=12)
        backlog = svc.backlog()
        during = svc.push_latencies(since)
        start = time.monotonic()
        drained = svc.wait_drained(len(bodies), timeout=600)
        drain_s = time.monotonic() - start
        after = svc.push_latencies(since)
        memory = svc.used_memory_mb()
    urgent, ordinary = after["urgent"], after["ordinary"]
    print(
        f"  sent {sent['rate']:.0f} msg/s ({kinds.count('urgent')} urgent-worded, "
        f"{kinds.count('complaint')} other complaints, {kinds.count('chatter')} chatter; "
        f"sender late p95 {sent['late_p95'] * 1000:.0f} ms; HTTP {sent['statuses']})\n"
        f"  urgent tickets' pushes: {len(urgent)}, p50 {pct(urgent, 50):.2f} s, "
        f"p95 {pct(urgent, 95):.2f} s, max {max(urgent, default=float('nan')):.2f} s "
        f"({len(during['urgent'])} already out when sending stopped)\n"
        f"  ordinary tickets' pushes: {len(ordinary)}, p50 {pct(ordinary, 50):.2f} s, "
        f"p95 {pct(ordinary, 95):.2f} s\n"
        f"  backlog when sending stopped: {backlog}; drained in {drain_s:.0f} s: {drained}; "
        f"Redis used_memory {memory:.1f} MB",
        flush=True,
    )


if __name__ == "__main__":
    main()
