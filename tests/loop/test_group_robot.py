"""Group replies through a WeCom group robot: 20 a minute per robot, queued in order, never
dropped, each sent once. Time is moved (our clock, rq's schedule and the fake robot's window
together), never waited for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.models import Outbox
from tests.conftest import TEST_SECRETS
from workers.worker import make_worker

GROUP = "grp-longhu-youshanjun"
KEY = "robot-key-youshanjun"


@pytest.fixture
def secrets_env(fake_wechat) -> dict:
    """The test secrets plus a robot for 龙湖悠山郡's group."""
    return {
        **TEST_SECRETS,
        "BRIDGE_REPLY_URL": fake_wechat.bridge_reply_url,
        "WECOM_ROBOT_KEYS": f"{GROUP}={KEY}, grp-other=other-key",
    }


@pytest.fixture
def robot(fake_wechat, clock):
    """The fake robot, counting its 20 a minute on the test clock."""
    fake_wechat.add_robot(KEY)
    fake_wechat.robot_clock = lambda: clock().timestamp()
    return fake_wechat


def record_replies(store, clock, n: int, recipient: str = GROUP) -> list[int]:
    """`n` replies to the group, recorded as the handlers record them."""
    with store.session() as s:
        rows = [
            Outbox(
                key=f"burst:{recipient}:{i}",
                created_at=clock(),
                kind="reply",
                channel="bridge",
                recipient=recipient,
                text=f"回复 {i:03d}",
                state="pending",
                attempts=0,
            )
            for i in range(n)
        ]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def run(redis) -> None:
    make_worker(redis).work(burst=True, with_scheduler=True)


def sent_texts(robot) -> list[str]:
    return [m["text"]["content"] for m in robot.robot_messages.get(KEY, [])]


def states(store) -> dict[str, int]:
    with store.session() as s:
        rows = list(s.scalars(select(Outbox)))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    return counts


def test_burst_of_100_goes_out_20_a_minute_in_order_each_once(
    worker_runtime, queue, redis, store, clock, robot, time_machine
):
    """Enqueued newest first on purpose: they still leave oldest first, 20 per minute."""
    ids = record_replies(store, clock, 100)
    for pk in reversed(ids):
        queue.deliver(pk)
    per_minute = []
    for _ in range(10):
        run(redis)
        per_minute.append(len(sent_texts(robot)) - sum(per_minute))
        if len(sent_texts(robot)) == 100:
            break
        time_machine.advance(seconds=60)
    assert per_minute == [20, 20, 20, 20, 20]
    assert sent_texts(robot) == [f"回复 {i:03d}" for i in range(100)]
    assert states(store) == {"sent": 100}
    with store.session() as s:
        assert set(s.scalars(select(Outbox.attempts))) == {1}


def test_robot_answering_45009_is_waited_out_not_dropped(
    worker_runtime, queue, redis, store, clock, robot, time_machine
):
    """45009 (over the limit, e.g. another sender shares the robot): the reply keeps its place,
    goes out after the wait, once, before the ones behind it."""
    robot.fail_next_robot(1, errcode=45009)
    for pk in record_replies(store, clock, 3):
        queue.deliver(pk)
    run(redis)
    assert sent_texts(robot) == []
    with store.session() as s:
        first = s.scalar(select(Outbox).order_by(Outbox.id).limit(1))
        assert (first.state, first.attempts) == ("pending", 0) and "45009" in first.error
    time_machine.advance(seconds=61)
    run(redis)
    assert sent_texts(robot) == ["回复 000", "回复 001", "回复 002"]
    assert states(store) == {"sent": 3}


def test_group_without_robot_still_uses_the_bridge(
    worker_runtime, queue, redis, store, clock, robot, fake_wechat
):
    """Only groups with a robot key go through the robot."""
    for pk in record_replies(store, clock, 2, recipient="grp-tiantaicheng"):
        queue.deliver(pk)
    run(redis)
    assert len(fake_wechat.calls_to("/bridge/reply")) == 2
    assert sent_texts(robot) == []


def test_invalid_robot_key_fails_visibly(worker_runtime, queue, redis, store, clock, robot):
    """93000 (key revoked) is final: failed with the reason, not retried forever."""
    for pk in record_replies(store, clock, 1, recipient="grp-other"):
        queue.deliver(pk)
    run(redis)
    with store.session() as s:
        row = s.scalar(select(Outbox))
    assert row.state == "failed" and "93000" in row.error


def test_stale_merged_acknowledgements_fold_into_one_summary(
    worker_runtime, queue, redis, store, clock, robot, time_machine
):
    """Acknowledgements of merged duplicates still waiting after an hour become one message."""
    with store.session() as s:
        for i in range(3):
            s.add(
                Outbox(
                    key=f"merged:{i}",
                    created_at=clock() - timedelta(hours=2),
                    kind="reply",
                    channel="bridge",
                    recipient=GROUP,
                    text=f"@邻居{i} 该问题已有邻居反映，已并入工单 CY20261126-0001",
                    state="pending",
                    attempts=0,
                )
            )
    ids = record_replies(store, clock, 1)
    queue.deliver(ids[0])
    run(redis)
    texts = [m.get("markdown", m.get("text"))["content"] for m in robot.robot_messages[KEY]]
    assert texts[0] == "回复 000"
    assert len(texts) == 2 and texts[1].startswith("以下问题已有邻居反映并已合并处理（共 3 条）")
    assert states(store) == {"sent": 2, "folded": 3}
