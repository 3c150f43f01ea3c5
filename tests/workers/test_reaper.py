"""The reaper re-enqueues only the lost: work whose job no longer exists in any queue, registry
or the scheduler. A backlog that is merely old stays where it is, in its order."""

from __future__ import annotations

from datetime import timedelta

from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select

from domain.models import Message
from tests.workers.test_jobs import tickets_table_missing
from workers import jobs
from workers.queues import JobQueue

URGENT = "8号楼后面消防通道被一辆白色越野车堵死了，消防车进不来"
CHATTER = "今晚有没有人一起去打球"


def an_hour_later(clock, store):
    """Move the workers' clock to an hour after the last message was received."""
    with store.session() as s:
        last = s.scalar(select(func.max(Message.received_at)))
    clock.now = last + timedelta(hours=1)


def test_an_old_backlog_is_not_reaped(post_message, worker_runtime, queue, store, clock):
    """Three messages wait an hour behind a busy worker: still queued once each, nothing reaped."""
    for i in range(3):
        post_message(msg_id=f"m-{i}", text=CHATTER)
    an_hour_later(clock, store)
    assert jobs.reap() == {"messages": 0, "sends": 0}
    assert queue.queues["messages"].count == 3


def test_old_pending_sends_with_queued_jobs_are_not_reaped(
    post_message, worker_runtime, queue, store, clock
):
    """Sends queued long ago but not yet delivered have their jobs: the reaper leaves them."""
    post_message()
    jobs.process_message(store.find_message("bridge", "m-1").id)
    an_hour_later(clock, store)
    assert jobs.reap() == {"messages": 0, "sends": 0}
    assert queue.queues["outbox_urgent"].count + queue.queues["outbox"].count == 2


def test_a_job_waiting_for_its_retry_is_not_reaped(
    post_message, worker_runtime, work, redis, store, clock
):
    """A failed attempt scheduled to run again in ten minutes is alive in rq's scheduler."""
    post_message()
    pk = store.find_message("bridge", "m-1").id
    redis.flushdb()
    JobQueue(redis, retry_intervals=(600, 600, 600)).process_message(pk)
    with tickets_table_missing(store.engine):
        work()
    assert Job.fetch(f"msg-{pk}", connection=redis).get_status() == JobStatus.SCHEDULED
    an_hour_later(clock, store)
    assert jobs.reap()["messages"] == 0


def test_a_failed_job_is_reaped_once_and_leaves_the_failed_registry(
    post_message, worker_runtime, work, redis, store, clock, queue
):
    """Every retry failed: the message is lost work; it is queued again and the stale failure
    is dropped, so the next sweep does not queue it a second time."""
    post_message()
    pk = store.find_message("bridge", "m-1").id
    with tickets_table_missing(store.engine):
        work()
    failed = FailedJobRegistry("messages_first", connection=redis)  # a fire-lane complaint
    assert f"msg-{pk}" in failed.get_job_ids()
    an_hour_later(clock, store)
    assert jobs.reap()["messages"] == 1
    assert f"msg-{pk}" not in failed.get_job_ids()
    assert jobs.reap()["messages"] == 0
    assert queue.queues["messages_first"].count == 1  # a fire-lane complaint goes first
    work()
    assert store.find_message("bridge", "m-1").state == "processed"


def test_lost_work_is_reaped_into_its_lane(
    post_message, worker_runtime, redis, store, clock, queue
):
    """After Redis lost everything, the urgent complaint goes to the first message lane, chatter
    to the ordinary one; an urgent ticket's lost push goes to the urgent sends."""
    post_message(msg_id="u-1", text=URGENT)
    post_message(msg_id="c-1", text=CHATTER)
    jobs.process_message(store.find_message("bridge", "u-1").id)
    redis.flushdb()
    an_hour_later(clock, store)
    assert jobs.reap() == {"messages": 1, "sends": 2}
    assert queue.queues["messages_first"].job_ids == []  # u-1 was handled: only c-1 is waiting
    assert queue.queues["messages"].job_ids == [f"msg-{store.find_message('bridge', 'c-1').id}"]
    (push,) = [r for r in store.outbox() if r.kind == "push"]
    assert queue.queues["outbox_urgent"].job_ids == [f"out-{push.id}"]
    assert len(queue.queues["outbox"].job_ids) == 1  # the group reply


def test_a_lost_urgent_message_is_reaped_into_the_first_lane(
    post_message, worker_runtime, redis, store, clock, queue
):
    """Lost before handling, a message with a danger cue still goes first."""
    post_message(msg_id="u-1", text=URGENT)
    redis.flushdb()
    an_hour_later(clock, store)
    assert jobs.reap()["messages"] == 1
    assert queue.queues["messages_first"].job_ids == [
        f"msg-{store.find_message('bridge', 'u-1').id}"
    ]


def test_the_reaper_pages_through_every_waiting_row(
    post_message, worker_runtime, redis, store, clock, monkeypatch
):
    """More waiting rows than one page: all of them are looked up."""
    monkeypatch.setattr("domain.store.REAP_PAGE", 2)
    for i in range(5):
        post_message(msg_id=f"m-{i}", text=CHATTER)
    redis.flushdb()
    an_hour_later(clock, store)
    assert jobs.reap()["messages"] == 5


def test_a_job_popped_by_a_worker_that_died_is_reaped(
    post_message, worker_runtime, redis, store, clock, queue
):
    """Marked queued but in no queue (the worker died between its pop and starting the job):
    lost, and queued again."""
    post_message(text=CHATTER)
    job_id = f"msg-{store.find_message('bridge', 'm-1').id}"
    assert redis.lrem("rq:queue:messages", 0, job_id) == 1  # what the dead worker's BLPOP did
    assert Job.fetch(job_id, connection=redis).get_status() == JobStatus.QUEUED
    an_hour_later(clock, store)
    assert jobs.reap()["messages"] == 1
    assert queue.queues["messages"].job_ids == [job_id]


def test_a_reaped_message_counts_an_attempt(post_message, worker_runtime, redis, store, clock):
    """A message lost with its job (perhaps with a killed process) has used up an attempt."""
    post_message(text=CHATTER)
    redis.flushdb()
    an_hour_later(clock, store)
    jobs.reap()
    assert store.find_message("bridge", "m-1").attempts == 1
