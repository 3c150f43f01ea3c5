"""rq's scheduler as its own process (a supervised child, or its own systemd unit).

It moves due retries and timer alarms onto the queues. rq's locks outlive a killed scheduler by
a minute; a stable name lets the restarted one take its own lock back at once.
"""

from __future__ import annotations

import logging
import signal
import time

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from workers.queues import QUEUE_NAMES

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 1.0  # how often due jobs are moved onto their queues
DEFAULT_NAME = "cgbot-scheduler"


class Scheduler:
    """Acquire (or retake) the queues' scheduler locks, then enqueue due jobs every second."""

    def __init__(self, redis: Redis, name: str = DEFAULT_NAME):
        self.rq = RQScheduler(
            list(QUEUE_NAMES), connection=redis, serializer=JSONSerializer, name=name
        )
        self.stopping = False

    def stop(self, *_args) -> None:
        """Finish the current round, release the locks and return from run()."""
        self.stopping = True

    def run(self) -> None:
        """Until stopped (SIGTERM/SIGINT): keep the locks and enqueue due jobs."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
        self.rq.register_birth()
        log.info("scheduler %s: started", self.rq.name)
        try:
            while not self.stopping:
                try:
                    self._round()
                except (RedisConnectionError, RedisTimeoutError) as exc:
                    # Redis restarting under us: wait for it rather than crash-loop.
                    log.warning("scheduler %s: Redis unavailable (%s), retrying", self.rq.name, exc)
                time.sleep(INTERVAL_SECONDS)
        finally:
            try:
                self.rq.stop()  # releases the locks and registers death
            except (RedisConnectionError, RedisTimeoutError):
                pass  # the locks expire by themselves within a minute
            log.info("scheduler %s: stopped", self.rq.name)

    def _round(self) -> None:
        if self.rq.acquired_locks != set(QUEUE_NAMES):
            # Retried every round: rq itself only retries after ten minutes.
            self.rq.acquire_locks()
        if self.rq.acquired_locks:
            self.rq.heartbeat()
            self.rq.enqueue_scheduled_jobs()
