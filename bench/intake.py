"""Figure 1, intake: signed `POST /api/messages` against a bare Flask endpoint, same gunicorn
settings (the supervisor's), same run; then p99 at a fixed 500 req/s.

Run: .venv/bin/python bench/intake.py [--seconds 10] [--connections 16] [--database URL]
Needs wrk (Debian package `wrk`: `make bench-deps` or `apt-get install wrk`).

The worker is suspended (`rq suspend`) while wrk runs, so both endpoints have the two cores to
themselves; the queued messages are drained afterwards. Loopback only; every run is bounded.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rq.suspension import resume, suspend  # noqa: E402

from bench.harness import (  # noqa: E402
    ROOT,
    Corpus,
    Messages,
    Service,
    header,
    signed,
)

LUA = ROOT / "bench" / "wrk_signed.lua"
THREADS = 2
PACED_CONNECTIONS = 32


def need_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        sys.exit(
            "wrk is not installed: `make bench-deps` (runs `apt-get install -y wrk`) "
            "or `sudo apt-get install wrk` on Debian/Ubuntu"
        )
    return path


def request_file(directory: Path, prefix: str, n: int) -> Path:
    """n distinct signed bridge requests, one `ts<TAB>sig<TAB>body` line each."""
    stream = Messages(Corpus.load(), prefix=prefix)
    path = directory / f"{prefix}.tsv"
    with path.open("w", encoding="utf-8") as f:
        for _ in range(n):
            raw, headers = signed(stream.next()[0])
            f.write(f"{headers['X-Timestamp']}\t{headers['X-Signature']}\t{raw.decode()}\n")
    return path


def measured(svc: Service, *args, **kwargs) -> dict:
    """wrk against `svc`, plus the service's CPU milliseconds per request."""
    before = svc.cpu_seconds()
    result = wrk(svc.port, *args, **kwargs)
    result["cpu_ms"] = (svc.cpu_seconds() - before) * 1000 / max(1, result["requests"])
    return result


def wrk(port: int, requests: Path, seconds: int, connections: int, delay_ms=None) -> dict:
    env = dict(os.environ)
    if delay_ms is not None:
        env["WRK_DELAY_MS"] = str(delay_ms)
    out = subprocess.run(
        [
            need_wrk(),
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}/api/messages",
            "--",
            str(requests),
            str(THREADS),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=seconds + 60,
        check=True,
    ).stdout
    figures = dict(line.split(" ", 1) for line in out.splitlines() if line.count(" ") == 1)
    result = {k: float(v) for k, v in figures.items() if _number(v)}
    result["rate"] = result["requests"] / result["seconds"]
    return result


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def describe(name: str, r: dict) -> str:
    bad = int(r["non2xx"] + r["socket_errors"])
    wrapped = " (request list wrapped)" if r["wrapped"] else ""
    return (
        f"  {name:<22} {r['rate']:7.0f} req/s  p50 {r['p50_ms']:6.1f} ms  "
        f"p99 {r['p99_ms']:6.1f} ms  service CPU {r['cpu_ms']:.2f} ms/request  "
        f"errors {bad}{wrapped}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=int, default=500, help="the fixed rate for p99")
    parser.add_argument("--database", help="DATABASE_URL (default: a new SQLite file)")
    args = parser.parse_args()
    need_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="cgbot-wrk-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> None:
    n = 6000 * args.seconds  # more than the endpoint can take in that time: no msg_id repeats
    with Service(workers=0, web_app="bench.bare_app:app") as bare:
        header("intake: bare Flask endpoint", bare)
        bare_r = measured(bare, request_file(tmp, "bare", 2000), args.seconds, args.connections)
        print(describe("bare Flask endpoint", bare_r), flush=True)
    with Service(database_url=args.database) as svc:
        header("intake: signed POST /api/messages", svc)
        suspend(svc.redis)
        full = measured(svc, request_file(tmp, "full", n), args.seconds, args.connections)
        print(describe("POST /api/messages", full), flush=True)
        # wrk 4 has no rate option: each of PACED_CONNECTIONS waits between its requests so
        # that together they offer about --rate (the achieved rate is printed)
        delay = max(0, round(PACED_CONNECTIONS * 1000 / args.rate) - 3)
        paced = measured(
            svc, request_file(tmp, "paced", n // 2), args.seconds, PACED_CONNECTIONS, delay
        )
        print(describe(f"paced (~{args.rate} req/s)", paced), flush=True)
        stored = svc.counts()[0]
        resume(svc.redis)
        drained = svc.wait_drained(stored, timeout=600)
        time.sleep(1)
        print(
            f"  ratio {full['rate'] / bare_r['rate']:.2f}x the bare endpoint in req/s, "
            f"{bare_r['cpu_ms'] / full['cpu_ms']:.2f}x in service CPU per request; "
            f"p99 {paced['p99_ms']:.1f} ms at {paced['rate']:.0f} req/s; "
            f"{stored} messages stored, drained: {drained}; "
            f"Redis used_memory {svc.used_memory_mb():.1f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
