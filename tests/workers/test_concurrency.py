"""Two worker processes on one queue: every complaint gets exactly one ticket, numbered without
gaps or repeats (the numbers leaders count must be trustworthy)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from bot.message import IncomingMessage
from tests.workers.processes import ROOT, run_burst_workers

GROUPS = ["grp-longhu-youshanjun", "grp-tiantaicheng", "grp-zhonghai-guoji", "grp-tanfu"]
TEXTS = [
    "{n}号楼门口消防通道被车堵了",
    "{n}号楼楼道里堆满了纸箱旧家具",
    "东门外{n}米有人摆摊卖菜占道",
]


def test_two_worker_processes_number_tickets_once_each(services, store, redis_url, database_url):
    """24 complaints, two `python -m workers --burst` processes: 24 tickets numbered 1..24."""
    for i in range(24):
        text = TEXTS[i % len(TEXTS)].format(n=i + 1)
        services.intake.accept(
            IncomingMessage(
                channel="bridge",
                msg_id=f"c-{i}",
                group_id=GROUPS[i % len(GROUPS)],
                sender_id=f"wxid_{i}",
                sender_name=f"居民{i}",
                text=text,
                sent_at=datetime.now(UTC),
            )
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONFIG_FILE": str(ROOT / "config.yaml"),
    }
    assert run_burst_workers(env, "w") == [0, 0]
    tickets = store.tickets(limit=100)
    seqs = sorted(t.seq for t in tickets if t.day == tickets[0].day)
    assert len(tickets) == 24 and seqs == list(range(1, 25))
    with store.session() as s:
        from sqlalchemy import func, select

        from domain.models import Message

        states = dict(s.execute(select(Message.state, func.count()).group_by(Message.state)).all())
    assert states == {"processed": 24}
