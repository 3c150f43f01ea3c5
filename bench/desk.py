"""The district statistics page on a year of a whole city's tickets (500,000 by default).

    createdb -h 127.0.0.1 -U postgres bench_desk
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/bench_desk .venv/bin/python bench/desk.py

Fills the (own, disposable) database once with generated tickets through COPY, then signs a
bureau user in and times GET /desk/stats for the whole district and the whole year, the Excel
export and /api/stats. Target: the page under 1 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis import Redis  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bot import Services, create_app  # noqa: E402
from bot.intake import Intake  # noqa: E402
from domain.config import load_config  # noqa: E402
from domain.db import make_engine, upgrade  # noqa: E402
from domain.desk_users import set_password  # noqa: E402
from domain.models import Ticket  # noqa: E402
from domain.secrets import Secrets  # noqa: E402
from domain.store import Store  # noqa: E402
from service.redis_server import EmbeddedRedis  # noqa: E402
from workers.queues import JobQueue  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_desk"
YEAR_END = datetime(2026, 12, 1, tzinfo=UTC)
COLUMNS = (
    "no day seq origin_message_id status category urgent community station officer place text "
    "evidence reporter_name reporter_id channel reporters round created_at updated_at accept_by "
    "resolve_by accepted_at resolved_at closed_at resolution satisfaction"
).split()
STATUSES = [("closed", 70), ("resolved", 8), ("accepted", 5), ("dispatched", 3), ("merged", 9)]
STATUSES += [("returned", 3), ("escalated", 2)]


def generate(config, n: int, seed: int = 7):
    """Yield n ticket rows as tuples in COLUMNS order, spread over the year before YEAR_END."""
    rng = random.Random(seed)
    cats = list(config.categories)
    weights = [12, 6, 14, 12, 8, 4, 5, 10, 9, 3, 6, 3, 1, 4, 2]
    communities = config.communities
    statuses, sweights = zip(*STATUSES, strict=True)
    start = YEAR_END - timedelta(days=365)
    seqs: dict[str, int] = {}
    for i in range(1, n + 1):
        created = start + timedelta(seconds=rng.randrange(365 * 86400))
        day = (created + timedelta(hours=8)).strftime("%Y%m%d")
        seqs[day] = seqs.get(day, 0) + 1
        cat = rng.choices(cats, weights)[0]
        comm = rng.choice(communities)
        station = config.station(comm.station)
        status = rng.choices(statuses, sweights)[0]
        yield _row(config, rng, i, created, day, seqs[day], cat, comm, station, status)


def _row(config, rng, i, created, day, seq, cat, comm, station, status):
    category = config.categories[cat]
    urgent = category.urgent or rng.random() < 0.03
    accept_limit = timedelta(minutes=10 if urgent else 30)
    accepted = resolved = closed = resolution = satisfaction = None
    officer = rng.choice(station.officers).userid
    if status in ("closed", "resolved", "accepted", "returned", "escalated"):
        accepted = created + timedelta(minutes=rng.lognormvariate(2.3, 0.8))
    if status in ("closed", "resolved"):
        resolved = accepted + timedelta(hours=rng.lognormvariate(1.5, 1.0))
        amount = round(rng.uniform(5, 80), 1) if category.unit == "平方米" else rng.randint(1, 5)
        resolution = {"note": "已处置", "amount": amount, "unit": category.unit, "photos": []}
    if status == "closed":
        closed = resolved + timedelta(hours=rng.uniform(1, 24))
        satisfaction = rng.choices(["satisfied", "unsatisfied", "timeout"], [80, 5, 15])[0]
    resolve_by = created + timedelta(hours=category.resolve_hours or 24 * category.resolve_workdays)
    return (
        f"CY{day}-{seq:05d}", day, seq, i, status, cat, urgent, comm.name, station.code,
        officer, None, "生成的测试工单", "{}", "居民", f"wxid_{i}", "bridge", 1, 0, created,
        closed or resolved or accepted or created, created + accept_limit, resolve_by, accepted,
        resolved, closed, json.dumps(resolution, ensure_ascii=False) if resolution else None,
        satisfaction,
    )  # fmt: skip


def fill(engine, config, n: int) -> None:
    """COPY n generated tickets into an empty tickets table."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("TRUNCATE tickets CASCADE")
            copy_sql = f"COPY tickets ({', '.join(COLUMNS)}) FROM STDIN"
            with cur.copy(copy_sql) as copy:
                for k, row in enumerate(generate(config, n), start=1):
                    copy.write_row(row)
                    if k % 100_000 == 0:
                        print(f"  {k:,} tickets written", flush=True)
            cur.execute("ANALYZE tickets")
        raw.commit()
    finally:
        raw.close()


def timed(fn, runs: int) -> list[float]:
    """Wall times of `runs` calls, in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> int:
    """Fill once (or --refill), then print the page times."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    config = load_config(ROOT / "config.yaml")
    upgrade(url)
    engine = make_engine(url)
    if engine.dialect.name != "postgresql":
        print("bench/desk.py measures PostgreSQL: set BENCH_DATABASE_URL=postgresql://...")
        return 2
    store = Store(engine)
    with store.session() as s:
        have = s.scalar(select(func.count()).select_from(Ticket))
    if have != args.tickets or args.refill:
        print(f"filling {args.tickets:,} tickets (had {have:,}) ...", flush=True)
        t0 = time.perf_counter()
        fill(engine, config, args.tickets)
        print(f"  filled in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp, EmbeddedRedis(Path(tmp), appendonly=False) as redis:
        return measure(config, store, engine, Redis.from_url(redis.url), args)


def measure(config, store, engine, redis, args) -> int:
    """Sign a bureau user in and time the pages."""
    env = {"API_TOKEN": "bench-token", "SECRET_KEY": "bench-secret"}
    queue = JobQueue(redis)  # the sign-in limiter's counts; nothing is enqueued
    services = Services(
        config, Secrets(config.secrets.model_dump(), env), store, Intake(store, queue)
    )
    services.clock = lambda: YEAR_END
    app = create_app(services)
    client = app.test_client()
    with store.session() as s:
        set_password(s, "ju_liwei", "bench-password-1", YEAR_END)
    _sign_in(client)
    query = "scope=district&from=2025-12-01&to=2026-12-01"
    for name, path in (
        ("district statistics page", f"/desk/stats?{query}"),
        ("district Excel export", f"/desk/stats.xlsx?{query}"),
        ("district monthly report", "/desk/reports/monthly?scope=district&date=2026-11-01"),
        ("ticket list, first page", "/desk"),
    ):
        assert client.get(path).status_code == 200, path  # warm-up, and a check
        runs = timed(lambda p=path: client.get(p), args.runs)
        print(
            f"{name:28s} median {statistics.median(runs):7.0f} ms  "
            f"min {min(runs):7.0f} ms  ({args.tickets:,} tickets, PostgreSQL)"
        )
    headers = {"Authorization": "Bearer bench-token"}
    runs = timed(lambda: client.get("/api/stats?from=2025-12-01&to=2026-12-01", headers=headers), 3)
    print(f"{'/api/stats (a year)':28s} median {statistics.median(runs):7.0f} ms")
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    print(f"PostgreSQL {version}, {os.cpu_count()} cores")
    return 0


def _sign_in(client) -> None:
    import re

    page = client.get("/desk/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"userid": "ju_liwei", "password": "bench-password-1", "csrf_token": token}
    assert client.post("/desk/login", data=data).status_code == 302


if __name__ == "__main__":
    raise SystemExit(main())
