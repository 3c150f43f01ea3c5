"""Closed-loop fixtures: a chat driver (residents and officers talk, a real worker runs) and a
time machine that moves our clock and rq's scheduled alarms together."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.message import IncomingMessage
from domain.models import Outbox, Ticket
from workers.worker import make_worker

YOUSHANJUN_GROUP = "grp-longhu-youshanjun"  # 龙湖悠山郡 -> ST01 (张勤利, 刘洋), 城阳街道中队


class Chat:
    """Posts messages through the real intake and runs a real rq worker (with its scheduler)."""

    def __init__(self, services, redis, store, clock):
        self.services, self.redis, self.store, self.clock = services, redis, store, clock
        self._ids = itertools.count(1)

    def resident(
        self,
        text: str,
        name: str = "张三",
        sender: str = "wxid_zhangsan",
        group: str = YOUSHANJUN_GROUP,
    ) -> str:
        """A resident posts `text` in a community group (via the bridge channel)."""
        return self._post("bridge", text, sender, name, group)

    def officer(self, userid: str, text: str, kind: str = "text", extra: dict | None = None) -> str:
        """An officer writes to the bot one to one in the WeCom app."""
        return self._post("wecom", text, userid, userid, None, kind, extra)

    def _post(self, channel, text, sender, name, group, kind="text", extra=None) -> str:
        msg_id = f"{channel}-{next(self._ids)}"
        self.services.intake.accept(
            IncomingMessage(
                channel=channel,
                msg_id=msg_id,
                sender_id=sender,
                sender_name=name,
                text=text,
                sent_at=datetime.now(UTC),
                group_id=group,
                kind=kind,
                extra=extra or {},
            )
        )
        self.run()
        return msg_id

    def run(self) -> None:
        """A burst worker: rq's scheduler moves due alarms, then every queued job runs."""
        make_worker(self.redis).work(burst=True, with_scheduler=True)

    def handled_by(self, msg_id: str, channel: str = "bridge") -> str:
        """Which handler processed a message (asserts it was processed at all)."""
        message, _ = self.store.message_view(channel, msg_id)
        assert message.state == "processed", message.state
        return message.outcome["handler"]

    def ticket(self, no: str | None = None) -> Ticket:
        """A ticket by number (default: the newest), with events loaded."""
        return self.store.ticket(no) if no else self.store.tickets(limit=1)[0]

    def sent(self, kind: str | None = None, to: str | None = None) -> list[Outbox]:
        """Outbox rows oldest first, optionally by kind and recipient."""
        rows = list(reversed(self.store.outbox(limit=500)))
        return [
            r
            for r in rows
            if (kind is None or r.kind == kind) and (to is None or r.recipient == to)
        ]

    def last_reply(self, to: str = YOUSHANJUN_GROUP) -> str:
        """The newest text the bot sent into chat `to`."""
        return self.sent("reply", to)[-1].text

    def statuses(self) -> dict[str, str]:
        """Ticket number -> status, for every ticket."""
        with self.store.session() as s:
            return dict(s.execute(select(Ticket.no, Ticket.status)).all())


class TimeMachine:
    """Moves the worker clock and every alarm in rq's scheduled registries by the same amount."""

    def __init__(self, clock, redis):
        self.clock, self.redis = clock, redis

    def advance(self, **delta) -> None:
        """Let `timedelta(**delta)` pass for our code and for rq's scheduler."""
        step = timedelta(**delta)
        self.clock.advance(**delta)
        for key in self.redis.scan_iter("rq:scheduled:*"):
            for member, score in self.redis.zrange(key, 0, -1, withscores=True):
                self.redis.zadd(key, {member: score - step.total_seconds()})


@pytest.fixture
def chat(services, redis, store, clock, worker_runtime) -> Chat:
    """A chat driver on the real intake, Redis, database and worker."""
    return Chat(services, redis, store, clock)


@pytest.fixture
def time_machine(clock, redis) -> TimeMachine:
    """Advance time for the workers and rq's scheduler together."""
    return TimeMachine(clock, redis)


FIRE_LANE = "8号楼后面消防通道被一辆白色越野车堵死了，万一着火消防车进不来"
CLUTTER = "3号楼2单元楼道里堆满了纸箱和旧家具，好几天了也没人清理"
