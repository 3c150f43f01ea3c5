"""Our rq worker: a SimpleWorker whose periodic maintenance also reaps lost messages and sends."""

from __future__ import annotations

import logging

from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from workers import jobs, reports, timers
from workers.queues import QUEUE_NAMES

log = logging.getLogger(__name__)
MAINTENANCE_SECONDS = 30  # how often the reaper looks for lost work
WORKER_TTL = 45  # keeps the blocking dequeue short enough for maintenance to run on time


class CgbotWorker(SimpleWorker):
    """Runs jobs in-process (the classifier is loaded once) and reaps during maintenance."""

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            found = jobs.reap()
            if any(found.values()):
                log.warning("reaper re-enqueued %s", found)
        except Exception:  # maintenance must never kill the worker
            log.exception("reaper failed")
        for task in (timers.sweep, reports.weekly, reports.daily, reports.monthly):
            try:
                done = task()
                if done:
                    log.info("maintenance: %s did %d", task.__name__, done)
            except Exception:  # maintenance must never kill the worker
                log.exception("maintenance: %s failed", task.__name__)


def make_worker(redis: Redis, name: str | None = None) -> CgbotWorker:
    """A worker on all our queues, intake first."""
    return CgbotWorker(
        list(QUEUE_NAMES),
        connection=redis,
        serializer=JSONSerializer,
        name=name,
        worker_ttl=WORKER_TTL,
        maintenance_interval=MAINTENANCE_SECONDS,
    )
