"""`python -m workers [--burst]`: one rq worker with rq's scheduler, classifier preloaded."""

from __future__ import annotations

import argparse
import logging
import sys

from app.compose import MissingRedis, build_worker, environment_settings
from domain.config import ConfigError
from workers import runtime
from workers.worker import make_worker

log = logging.getLogger("workers")


def main(argv: list[str] | None = None) -> int:
    """Start a worker; with --burst, stop when the queues are empty."""
    parser = argparse.ArgumentParser(prog="python -m workers")
    parser.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    parser.add_argument("--name", help="worker name (default: host and pid)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        rt = build_worker(environment_settings())  # config, database, Redis, senders
    except (ConfigError, MissingRedis) as exc:
        print(f"python -m workers: {exc}", file=sys.stderr)
        return 2
    runtime.install(rt)
    rt.classifier.classify("预热", None)  # load jieba before the first job
    worker = make_worker(rt.queue.redis, args.name)
    worker.work(burst=args.burst, with_scheduler=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
