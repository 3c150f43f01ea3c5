"""Figure 2, push latency: messages at fixed rates (default 10 and 60 msg/s) into the service
as `make run` starts it, one worker; how long from a complaint's arrival to its officer's push.

Run: .venv/bin/python bench/push_latency.py [--rates 10,60] [--seconds 30] [--workers 1]
     [--database URL]

Mix: 10% complaints (a fifth of them urgent), some duplicates, status questions and officer
commands, the rest chatter (texts from nlp/data/train). Latency is read from the database:
the officer push's sent_at minus the message's received_at. Loopback only; bounded.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import Corpus, Messages, Service, header, pct, send_at_rate  # noqa: E402

WARM_UP = 20  # messages before the measured window (first requests load lazily)


def measure(rate: float, seconds: float, workers: int, database: str | None) -> dict:
    corpus = Corpus.load()
    with Service(workers=workers, database_url=database) as svc:
        header(f"push latency at {rate:g} msg/s for {seconds:g} s", svc)
        warm = Messages(corpus, seed=1, prefix="w")
        send_at_rate(svc.port, [warm.next()[0] for _ in range(WARM_UP)], rate=50)
        svc.wait_drained(WARM_UP, timeout=60)
        since = datetime.now(UTC)
        stream = Messages(corpus, seed=int(rate), prefix=f"r{rate:g}-")
        bodies = [stream.next()[0] for _ in range(int(rate * seconds))]
        sent = send_at_rate(svc.port, bodies, rate)
        backlog_at_end = sum(svc.backlog().values())
        drained = svc.wait_drained(WARM_UP + len(bodies), timeout=max(120, seconds * 4))
        lat = svc.push_latencies(since)
        result = {
            "rate": sent["rate"],
            "late_p95": sent["late_p95"],
            "pushes": len(lat["urgent"]) + len(lat["ordinary"]),
            "push_p50": pct(lat["urgent"] + lat["ordinary"], 50),
            "push_p95": pct(lat["urgent"] + lat["ordinary"], 95),
            "urgent_p95": pct(lat["urgent"], 95),
            "reply_p95": pct(lat["replies"], 95),
            "backlog_at_end": backlog_at_end,
            "drained": drained,
            "redis_mb": svc.used_memory_mb(),
            "statuses": sent["statuses"],
        }
    print(
        f"  sent {result['rate']:.1f} msg/s (sender late p95 {result['late_p95'] * 1000:.0f} ms, "
        f"HTTP {result['statuses']}); {result['pushes']} officer pushes: "
        f"p50 {result['push_p50'] * 1000:.0f} ms, p95 {result['push_p95'] * 1000:.0f} ms "
        f"(urgent p95 {result['urgent_p95'] * 1000:.0f} ms); "
        f"group replies p95 {result['reply_p95'] * 1000:.0f} ms; "
        f"jobs waiting when sending stopped {result['backlog_at_end']}; "
        f"drained {result['drained']}; Redis used_memory {result['redis_mb']:.1f} MB",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="10,60")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    for rate in (float(r) for r in args.rates.split(",")):
        measure(rate, args.seconds, args.workers, args.database)


if __name__ == "__main__":
    main()
