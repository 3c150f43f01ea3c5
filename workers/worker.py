"""Our rq worker: a SimpleWorker whose periodic maintenance also reaps lost messages and sends."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from workers import jobs, media, reports, timers
from workers.queues import QUEUE_NAMES

log = logging.getLogger(__name__)
MAINTENANCE_SECONDS = 30  # how often the reaper looks for lost work
WORKER_TTL = 45  # keeps the blocking dequeue short enough for maintenance to run on time


class CgbotWorker(SimpleWorker):
    """Runs jobs in-process (the classifier is loaded once) and reaps during maintenance."""

    def heartbeat(self, timeout: int | None = None, pipeline=None):
        """rq's heartbeat (one HSET, two EXPIREs) in one round trip instead of three: it runs
        three or four times per job, so this is a third of rq's own cost per job."""
        if pipeline is not None:
            return super().heartbeat(timeout, pipeline)
        with self.connection.pipeline(transaction=False) as pipe:
            super().heartbeat(timeout, pipe)
            pipe.execute()

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            found = jobs.reap()
            if any(found.values()):
                log.warning("reaper re-enqueued %s", found)
        except Exception:  # maintenance must never kill the worker
            log.exception("reaper failed")
        for task in (timers.sweep, reports.weekly, reports.daily, reports.monthly, media.reap):
            try:
                done = task()
                if done:
                    log.info("maintenance: %s did %d", task.__name__, done)
            except Exception:  # maintenance must never kill the worker
                log.exception("maintenance: %s failed", task.__name__)


def make_worker(
    redis: Redis, name: str | None = None, queues: Sequence[str] = QUEUE_NAMES
) -> CgbotWorker:
    """A worker on `queues` (default: all of ours), served strictly in the order given:
    rq takes the first non-empty queue, so sends go out before any more classification."""
    unknown = set(queues) - set(QUEUE_NAMES)
    if unknown:
        raise ValueError(f"unknown queues {sorted(unknown)}; ours are {', '.join(QUEUE_NAMES)}")
    return CgbotWorker(
        [q for q in QUEUE_NAMES if q in queues],
        connection=redis,
        serializer=JSONSerializer,
        name=name,
        worker_ttl=WORKER_TTL,
        maintenance_interval=MAINTENANCE_SECONDS,
    )
