"""Kill -9 figures: each child of `make run` SIGKILLed in the middle of a burst, one at a time.

Run: .venv/bin/python bench/chaos.py [COUNT [RATE]]   (default 300 messages at 30 msg/s)

For each of web, worker, scheduler and Redis: a fresh service (`python -m bot run` in a
temporary var/, SQLite, embedded Redis, pushes and replies to the fake WeChat server over
HTTP), a burst, SIGKILL of that child halfway through, a bridge that resends whatever was not
acknowledged (same msg_id), then the drain. Then the worker killed inside a job (its first write
held by a database lock), and the worker killed eight times, every 12 s, in a 100 s burst.
Delivery is at least once: a worker killed between WeChat's answer and its own commit sends that
one push or reply again; the dup column shows duplicates / of which such in-flight sends.
Prints sent / acknowledged / processed / lost / duplicated and the time from the end of the
burst until every message was processed and every send delivered.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from domain.db import upgrade  # noqa: E402
from tests.fakewechat import FakeWeChatServer  # noqa: E402
from tests.service import live  # noqa: E402

DRAIN_WITHIN = 300.0


def scenario(workdir: Path, child: str | None, count: int, rate: float) -> tuple[str, object]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    with FakeWeChatServer() as fake:
        service = live.LiveService(workdir, url, fake).start()
        try:
            extra = set()
            if child == "worker x8":  # again and again, each time after it was up for a while
                label, kills = (
                    "worker x8 (every 12 s)",
                    tuple((6.0 + 12.0 * i, "worker") for i in range(8)),
                )
            elif child is None:  # the worker dies inside a job
                mid = live.kill_worker_mid_job(service, "midjob-1")
                service.wait_restarted("worker", mid["killed_pid"])
                extra.add(mid["msg_id"])
                label = f"worker mid-job ({getattr(mid['status_when_killed'], 'value', None)})"
                kills = ()
            else:
                label = f"{child} at {count / rate / 2:.0f} s"
                kills = ((count / rate / 2, child),)
            burst = live.send_burst(service, count, rate, kills)
            for _, name, pid in burst.kills:
                service.wait_restarted(name, pid)
            live.retry_unacknowledged(service, burst)
            burst.acked |= extra
            drained = live.drain(service, burst.acked, DRAIN_WITHIN, since=burst.ended)
            return label, live.tally(service, fake, burst, drained), burst
        finally:
            service.stop()


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    print(f"{count} messages at {rate:.0f} msg/s per scenario; SQLite, embedded Redis")
    # dup: duplicate sends / of which the one in flight when a worker was killed
    header = "killed                          sent  ack(1st)  ack  processed  lost  dup  drain s"
    print(header)
    failed = False
    scenarios = [(c, count, rate) for c in (*live.CHILDREN, None)]
    scenarios.append(("worker x8", int(100 * rate / 3), rate / 3))  # 100 s at a third the rate
    for child, n, r in scenarios:
        with tempfile.TemporaryDirectory(prefix="cgbot-chaos-") as tmp:
            started = time.monotonic()
            label, t, burst = scenario(Path(tmp), child, n, r)
            unexplained = t.duplicated - t.in_flight_duplicates
            failed |= bool(t.lost or unexplained or t.drain_seconds is None)
            refused = ", ".join(f"{k} {v}" for k, v in burst.refused.items()) or "none"
            print(
                f"{label:30} {t.sent:5} {t.acknowledged_first_try:9} {t.acknowledged:4} "
                f"{t.processed:10} {t.lost:5} {t.duplicated:2}/{t.in_flight_duplicates} "
                f"{t.drain_seconds if t.drain_seconds is not None else '—':>8}"
                f"   (first-try refusals: {refused}; pushes {t.pushes_sent}/{t.pushes_recorded}, "
                f"replies {t.replies_sent}/{t.replies_recorded}; "
                f"{time.monotonic() - started:.0f} s)",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
