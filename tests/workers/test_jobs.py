"""Jobs run twice, deliveries with retries and failures, WeCom pushes, and the reaper."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from flask import request
from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from app.compose import secrets_for
from bot.intake import Intake
from bot.message import IncomingMessage
from channels.senders import ConsoleSender, WeComSender, build_senders
from domain.config import Config
from domain.models import Message, Outbox, Ticket
from tests.conftest import TEST_SECRETS
from tests.fakewechat import FakeWeChatServer
from workers import jobs, runtime
from workers.queues import JobQueue

AUTH = {"Authorization": f"Bearer {TEST_SECRETS['API_TOKEN']}"}


class RejectingWeChatServer(FakeWeChatServer):
    """The fake server, answering `invaliduser` for the userids in `rejected`, as WeCom does."""

    def __init__(self):
        self.rejected: set[str] = set()
        super().__init__()

    def _send(self, extra: dict):
        touser = (request.get_json(force=True, silent=True) or {}).get("touser")
        return super()._send({"invaliduser": touser} if touser in self.rejected else extra)


@pytest.fixture
def fake_wechat():
    """This module's fake WeChat server (it can also reject recipients)."""
    with RejectingWeChatServer() as server:
        yield server


@pytest.fixture
def wecom_runtime(worker_runtime, test_config, secrets_env):
    """The worker runtime with channels.notifier = wecom: officer pushes go to the fake WeCom."""
    data = test_config.model_dump(mode="json")
    data["channels"]["notifier"] = "wecom"
    data["channels"]["officer_card"] = "text"  # the fallback; template cards: test_officer_cards
    config = Config.from_mapping(data)
    senders = build_senders(config, secrets_for(config, secrets_env))
    rt = dataclasses.replace(worker_runtime, config=config, senders=senders)
    runtime.install(rt)
    return rt


def counts(store) -> tuple[int, int, int]:
    """(tickets, pushes, replies) in the database."""
    with store.session() as s:
        tickets = s.scalar(select(func.count()).select_from(Ticket))
        kinds = dict(s.execute(select(Outbox.kind, func.count()).group_by(Outbox.kind)).all())
    return tickets, kinds.get("push", 0), kinds.get("reply", 0)


def the_push(store) -> Outbox:
    """The single officer push."""
    (push,) = [row for row in store.outbox() if row.kind == "push"]
    return push


# -- idempotency ---------------------------------------------------------------------------------
def test_process_message_called_twice_directly(post_message, worker_runtime, store):
    """Calling the job function twice makes one ticket, one push and one reply."""
    post_message()
    pk = store.find_message("bridge", "m-1").id
    assert jobs.process_message(pk) == "complaint"
    assert jobs.process_message(pk) == "skipped"
    assert counts(store) == (1, 1, 1)


def test_process_message_enqueued_twice_through_the_worker(
    post_message, work, store, worker_runtime, fake_wechat
):
    """The same job run a second time by the real worker changes nothing and sends nothing."""
    post_message()
    work()
    worker_runtime.queue.process_message(store.find_message("bridge", "m-1").id)
    work()
    assert counts(store) == (1, 1, 1)
    assert len(fake_wechat.calls_to("/bridge/reply")) == 1


def test_deliver_twice_sends_once(post_message, work, store, fake_wechat):
    """Delivering a sent row again is skipped: the far side sees one call."""
    post_message()
    work()
    (reply,) = [row for row in store.outbox() if row.kind == "reply"]
    assert jobs.deliver(reply.id) == "skipped"
    assert len(fake_wechat.calls_to("/bridge/reply")) == 1


def test_deliver_called_twice_directly(post_message, worker_runtime, store, fake_wechat):
    """Two direct calls of deliver on a pending row: sent, then skipped; one HTTP call."""
    post_message()
    jobs.process_message(store.find_message("bridge", "m-1").id)
    (reply,) = [row for row in store.outbox() if row.kind == "reply"]
    assert (jobs.deliver(reply.id), jobs.deliver(reply.id)) == ("sent", "skipped")
    assert len(fake_wechat.calls_to("/bridge/reply")) == 1


# -- WeCom pushes ------------------------------------------------------------------------------
def test_wecom_push_is_a_text_card_with_signed_link(
    post_message, wecom_runtime, work, store, fake_wechat
):
    """notifier=wecom: the officer gets a card with a signed link; the outbox keeps it plain."""
    post_message()
    work()
    push = the_push(store)
    (call,) = fake_wechat.calls_to("/message/send")
    card = call[2]
    assert (card["msgtype"], card["touser"], card["agentid"]) == (
        "textcard",
        push.recipient,
        1000002,
    )
    assert push.recipient in ("zhangqinli", "liuyang01") and push.state == "sent"
    assert "CY20261126-0001" in card["textcard"]["title"]
    assert push.url.endswith("/tickets/CY20261126-0001") and "sig=" not in push.url
    url = card["textcard"]["url"]
    expires = int(url.split("&e=")[1].split("&")[0])  # the link signs this officer in, one day
    assert 0 < expires - time.time() <= 24 * 3600
    key = TEST_SECRETS["API_TOKEN"].encode()
    signed = f"CY20261126-0001:{push.recipient}:{expires}".encode()
    sig = hmac.new(key, signed, hashlib.sha256).hexdigest()[:16]
    assert url == f"{push.url}?u={push.recipient}&e={expires}&sig={sig}"


def test_wecom_busy_twice_then_sent_on_third_attempt(
    post_message, wecom_runtime, work, store, fake_wechat
):
    """Two 'system busy' answers are retried by rq; the third attempt is sent."""
    fake_wechat.fail_next(2)
    post_message()
    work()
    push = the_push(store)
    assert (push.state, push.attempts, push.error) == ("sent", 3, None)
    assert len(fake_wechat.calls_to("/message/send")) == 3


def test_permanent_failure_is_failed_and_visible(
    post_message, wecom_runtime, work, store, fake_wechat, client, caplog
):
    """After every attempt fails the push is 'failed' with the error, shown by /api/outbox."""
    fake_wechat.fail_next(10)
    post_message()
    with caplog.at_level(logging.ERROR, logger="workers.jobs"):
        work()
    push = the_push(store)
    assert (push.state, push.attempts) == ("failed", jobs.MAX_DELIVERY_ATTEMPTS)
    assert "fake failure" in push.error
    rows = client.get("/api/outbox", headers=AUTH).get_json()["outbox"]
    (shown,) = [r for r in rows if r["kind"] == "push"]
    assert shown["state"] == "failed" and "fake failure" in shown["error"]
    assert f"outbox {push.id} (CY20261126-0001): delivery failed for good" in caplog.text


def test_rejected_recipient_fails_at_once(post_message, wecom_runtime, work, store, fake_wechat):
    """WeCom's invaliduser is final: 'failed' after one attempt, no retries."""
    fake_wechat.rejected.update({"zhangqinli", "liuyang01"})
    post_message()
    work()
    first = min((row for row in store.outbox() if row.kind == "push"), key=lambda r: r.id)
    assert (first.state, first.attempts) == ("failed", 1)
    assert "RecipientRejected" in first.error
    sent_to = [call[2]["touser"] for call in fake_wechat.calls_to("/message/send")]
    assert sent_to.count(first.recipient) == 1  # never retried (the ticket moved on instead)


@pytest.mark.parametrize("agent_id", [None, "", "agent-one"])
def test_wecom_without_numeric_agent_id_falls_back_to_console(test_config, agent_id, caplog):
    """WECOM_AGENT_ID unset or not a number: pushes go to the console log, with a warning."""
    env = {k: v for k, v in TEST_SECRETS.items() if k != "WECOM_AGENT_ID"}
    if agent_id is not None:
        env["WECOM_AGENT_ID"] = agent_id
    with caplog.at_level(logging.WARNING, logger="channels.senders"):
        senders = build_senders(test_config, secrets_for(test_config, env))
    assert isinstance(senders["wecom"], ConsoleSender)
    assert "WECOM_AGENT_ID" in caplog.text


def test_wecom_with_agent_id_is_the_wecom_sender(test_config):
    """With corp id, secret and a numeric agent id the real WeCom sender is used."""
    senders = build_senders(test_config, secrets_for(test_config, TEST_SECRETS))
    assert isinstance(senders["wecom"], WeComSender)


# -- the reaper ----------------------------------------------------------------------------------
@pytest.fixture
def dead_redis_intake(store, tmp_path) -> Intake:
    """An intake whose Redis is gone: every enqueue raises ConnectionError."""
    gone = Redis(unix_socket_path=str(tmp_path / "no-redis.sock"), retry=Retry(NoBackoff(), 0))
    return Intake(store, JobQueue(gone))


def accept_lost(dead_redis_intake, store) -> Message:
    """Accept a fire-lane complaint while Redis is down; returns the stored message."""
    incoming = IncomingMessage(
        channel="bridge",
        msg_id="m-1",
        group_id="grp-longhu-youshanjun",
        sender_id="wxid_zhangsan",
        sender_name="张三",
        sent_at=datetime.now(UTC),
        text="8号楼后面消防通道被一辆白色越野车堵死了，消防车进不来",
    )
    assert dead_redis_intake.accept(incoming).duplicate is False
    return store.find_message("bridge", "m-1")


def test_message_lost_by_redis_is_reaped_after_grace(
    dead_redis_intake, worker_runtime, work, store, clock, caplog
):
    """Stored but never enqueued: left alone during the grace period, then reaped and ticketed."""
    with caplog.at_level(logging.ERROR, logger="bot.intake"):
        lost = accept_lost(dead_redis_intake, store)
    assert "enqueue failed, left for the reaper" in caplog.text
    received = lost.received_at
    clock.now = received.replace(tzinfo=clock.now.tzinfo) + timedelta(seconds=30)
    assert jobs.reap() == {"messages": 0, "sends": 0}
    clock.now += jobs.REAP_GRACE
    assert jobs.reap() == {"messages": 1, "sends": 0}
    work()
    assert store.find_message("bridge", "m-1").state == "processed"
    assert counts(store) == (1, 1, 1)


def test_message_lost_by_flushdb_is_reaped(post_message, worker_runtime, work, redis, store, clock):
    """Redis emptied after the 200 (a restart without AOF): the reaper still finds the message."""
    post_message()
    redis.flushdb()
    work()
    assert store.find_message("bridge", "m-1").state == "received"
    clock.now = store.find_message("bridge", "m-1").received_at.replace(tzinfo=clock.now.tzinfo)
    clock.advance(seconds=61)
    assert jobs.reap()["messages"] == 1
    work()
    assert counts(store)[0] == 1


@contextmanager
def tickets_table_missing(engine):
    """A real database fault for the duration: the tickets table is renamed away."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE tickets RENAME TO tickets_away"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE tickets_away RENAME TO tickets"))


def test_job_that_raises_keeps_the_message(post_message, worker_runtime, work, redis, store, clock):
    """Every retry fails: the message stays 'received', rq keeps the failure, the reaper recovers"""
    post_message()
    with tickets_table_missing(store.engine):
        work()
    message = store.find_message("bridge", "m-1")
    assert (message.state, message.ticket_id) == ("received", None)
    # a fire-lane complaint: the intake put it in the first message lane
    failed = FailedJobRegistry("messages_first", connection=redis).get_job_ids()
    assert f"msg-{message.id}" in failed
    assert counts(store) == (0, 0, 0)
    clock.now = message.received_at.replace(tzinfo=clock.now.tzinfo) + timedelta(minutes=2)
    assert jobs.reap()["messages"] == 1
    work()
    assert store.find_message("bridge", "m-1").state == "processed"
    assert counts(store) == (1, 1, 1)


def test_stuck_send_is_reaped(post_message, worker_runtime, work, redis, store, clock, fake_wechat):
    """A pending send whose job vanished is re-enqueued by the reaper and delivered once."""
    post_message()
    jobs.process_message(store.find_message("bridge", "m-1").id)
    redis.flushdb()  # the delivery jobs are gone; the outbox rows are still pending
    assert {row.state for row in store.outbox()} == {"pending"}
    clock.advance(seconds=61)
    assert jobs.reap()["sends"] == 2
    work()
    assert {row.state for row in store.outbox()} == {"sent"}
    assert len(fake_wechat.calls_to("/bridge/reply")) == 1


def test_message_that_always_fails_is_parked_as_failed(post_message, worker_runtime, store):
    """After MAX_PROCESS_ATTEMPTS failures the message is parked 'failed' and never retried."""
    post_message()
    pk = store.find_message("bridge", "m-1").id
    with tickets_table_missing(store.engine):
        for _ in range(jobs.MAX_PROCESS_ATTEMPTS):
            with pytest.raises(DBAPIError):
                jobs.process_message(pk)
        assert jobs.process_message(pk) == "skipped"
    message = store.find_message("bridge", "m-1")
    assert (message.state, message.attempts) == ("failed", jobs.MAX_PROCESS_ATTEMPTS + 1)
    assert store.messages_waiting(worker_runtime.clock() + timedelta(days=1)) == []
