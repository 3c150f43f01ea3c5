"""Figure 5, a compressed district day: Chengyang's 289 groups over a day with morning and
evening peaks, at 20x the real rate, against the service as `make run` starts it.

Run: .venv/bin/python bench/district_day.py [--speed 20] [--hour-seconds 10]
     [--per-group 200] [--workers 1] [--database URL]

The real district (assumed, see README): each group sends --per-group messages a day, shaped by
HOURLY below; 10% complaints (a fifth urgent), 3% a neighbour repeating a complaint, 2% status
questions, 1% officers' commands, the rest chatter. Each hour of the day is played in
--hour-seconds at --speed times its real rate (so the peak rate is held for as long as the
peak hours last, compressed). Printed: the peak rate held, p95 push latency (all day and in
the peak hours), the deepest backlog, then the workers' capacity on the same mix (drained
from a suspended backlog) and the headroom factor: capacity / the real district's peak rate.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import (  # noqa: E402
    Corpus,
    Messages,
    Service,
    drain_rate,
    header,
    pct,
    send_on_schedule,
)

GROUPS = 289
# Share of a day's messages in each hour (local time), 0-23: quiet nights, a morning peak when
# people leave and find the fire lane blocked, a lunch bump, the evening peak after dinner.
HOURLY = (
    0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 5.0, 8.0, 8.5, 6.5, 5.5,
    5.5, 4.5, 4.0, 4.0, 4.5, 5.5, 6.5, 8.5, 9.0, 6.5, 3.5, 1.5,
)  # fmt: skip
PEAK_HOURS = (8, 9, 19, 20)
CAPACITY_MESSAGES = 1500


def day_schedule(corpus: Corpus, per_group: int, speed: float, hour_seconds: float, seed: int):
    """[(offset seconds, body, hour)] for the whole compressed day."""
    rng = random.Random(seed)
    stream = Messages(corpus, seed=seed, prefix="day")
    total = sum(HOURLY)
    schedule = []
    for hour, share in enumerate(HOURLY):
        real_rate = GROUPS * per_group * share / total / 3600  # messages per real second
        n = round(real_rate * speed * hour_seconds)
        for t in sorted(rng.uniform(0, hour_seconds) for _ in range(n)):
            schedule.append((hour * hour_seconds + t, stream.next()[0], hour))
    return schedule


def real_peak_rate(per_group: int) -> float:
    return GROUPS * per_group * max(HOURLY) / sum(HOURLY) / 3600


class BacklogWatch:
    """Samples the waiting jobs once a second while the day runs."""

    def __init__(self, svc: Service):
        self.svc, self.deepest, self.stop = svc, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.deepest = max(self.deepest, sum(self.svc.backlog().values()))

    def __enter__(self) -> BacklogWatch:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=20)
    parser.add_argument("--hour-seconds", type=float, default=10)
    parser.add_argument("--per-group", type=int, default=200, help="messages per group per day")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    schedule = day_schedule(Corpus.load(), args.per_group, args.speed, args.hour_seconds, 20)
    peak_real = real_peak_rate(args.per_group)
    with Service(workers=args.workers, database_url=args.database) as svc:
        header(
            f"district day: {GROUPS} groups x {args.per_group} msg/day at {args.speed:g}x, "
            f"an hour in {args.hour_seconds:g} s ({len(schedule)} messages)",
            svc,
        )
        start = datetime.now(UTC)
        with BacklogWatch(svc) as watch:
            sent = send_on_schedule(svc.port, [(t, body) for t, body, _h in schedule])
            drained = svc.wait_drained(len(schedule), timeout=600)
        lat = svc.push_latencies(start)
        peak_lat = peak_latencies(lat, schedule)
        capacity = drain_rate(svc, CAPACITY_MESSAGES, seed=21, prefix="cap")
        memory = svc.used_memory_mb()
    pushes = lat["urgent"] + lat["ordinary"]
    print(
        f"  real district peak {peak_real:.2f} msg/s; played at {peak_real * args.speed:.1f} "
        f"msg/s in the peak hours (sender late p95 {sent['late_p95'] * 1000:.0f} ms, "
        f"HTTP {sent['statuses']}); deepest backlog {watch.deepest} jobs; drained: {drained}\n"
        f"  officer pushes: {len(pushes)}, p95 {pct(pushes, 95) * 1000:.0f} ms all day, "
        f"{pct(peak_lat, 95) * 1000:.0f} ms in the peak hours; urgent p95 "
        f"{pct(lat['urgent'], 95) * 1000:.0f} ms; group replies p95 "
        f"{pct(lat['replies'], 95) * 1000:.0f} ms\n"
        f"  capacity on this mix {capacity:.0f} msg/s with {args.workers} worker(s): "
        f"headroom {capacity / peak_real:.0f}x the real district's peak; "
        f"Redis used_memory {memory:.1f} MB",
        flush=True,
    )


def peak_latencies(lat: dict, schedule) -> list[float]:
    """Push latencies of complaints that arrived during the peak hours of the played day."""
    peak_ids = {body["msg_id"] for _t, body, hour in schedule if hour in PEAK_HOURS}
    return [v for msg_id, v in lat["by_msg_id"].items() if msg_id in peak_ids]


if __name__ == "__main__":
    main()
