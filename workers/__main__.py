"""`python -m workers [--burst] [--queues ...] [--no-scheduler | --scheduler-only]`: an rq worker,
classifier preloaded, serving its queues in priority order; by default it also runs rq's scheduler
(`make run` runs the scheduler as its own child instead, so each can be restarted alone)."""

from __future__ import annotations

import argparse
import logging
import sys

from app.compose import MissingRedis, build_worker, environment_settings
from domain.config import ConfigError
from workers import runtime
from workers.queues import QUEUE_NAMES
from workers.worker import make_worker

log = logging.getLogger("workers")


def main(argv: list[str] | None = None) -> int:
    """Start a worker (or only the scheduler); with --burst, stop when the queues are empty."""
    parser = argparse.ArgumentParser(prog="python -m workers")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--name", help="worker name (default: host and pid)")
    parser.add_argument(
        "--queues",
        default=",".join(QUEUE_NAMES),
        help="comma-separated queues to serve, always in priority order (default: %(default)s)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-scheduler", action="store_true", help="run jobs only")
    mode.add_argument("--scheduler-only", action="store_true", help="run rq's scheduler only")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.scheduler_only:
        return run_scheduler(args.name)
    try:
        rt = build_worker(environment_settings())  # config, database, Redis, senders
    except (ConfigError, MissingRedis) as exc:
        print(f"python -m workers: {exc}", file=sys.stderr)
        return 2
    runtime.install(rt)
    rt.classifier.classify("预热", None)  # load jieba before the first job
    worker = make_worker(rt.queue.redis, args.name, args.queues.split(","))
    worker.work(burst=args.burst, with_scheduler=not args.no_scheduler)
    return 0


def run_scheduler(name: str | None) -> int:
    """The scheduler alone: it needs Redis only, not the classifier or the database."""
    from workers.queues import connect
    from workers.scheduler import DEFAULT_NAME, Scheduler

    settings = environment_settings()
    if not settings.redis_url:
        print("python -m workers: REDIS_URL is not set (use `make run`)", file=sys.stderr)
        return 2
    Scheduler(connect(settings.redis_url), name or DEFAULT_NAME).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
