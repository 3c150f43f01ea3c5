"""Two worker processes share one robot's limit through Redis: of 40 replies queued at once,
exactly the first 20 leave within the minute, in order, none twice; the rest wait their turn."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import yaml
from sqlalchemy import func, select

from domain.models import Outbox
from tests.conftest import TEST_SECRETS
from tests.workers.processes import run_burst_workers

GROUP = "grp-longhu-youshanjun"


def test_two_workers_never_exceed_the_robot_limit_together(
    test_config, store, queue, redis_url, database_url, fake_wechat, tmp_path
):
    """The window is one Lua script in Redis: two processes cannot both take the 21st slot."""
    fake_wechat.add_robot("k1")
    config_file = tmp_path / "config.yaml"
    config_file.write_text(
        yaml.safe_dump(test_config.model_dump(mode="json"), allow_unicode=True), "utf-8"
    )
    with store.session() as s:
        rows = [
            Outbox(
                key=f"r{i}",
                created_at=datetime.now(UTC),
                kind="reply",
                channel="bridge",
                recipient=GROUP,
                text=f"回复 {i:02d}",
                state="pending",
                attempts=0,
            )
            for i in range(40)
        ]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    for pk in ids:
        queue.deliver(pk)
    env = {
        **os.environ,
        **TEST_SECRETS,
        "WECOM_ROBOT_KEYS": f"{GROUP}=k1",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONFIG_FILE": str(config_file),
    }
    assert run_burst_workers(env, "rw") == [0, 0]
    sent = [m["text"]["content"] for m in fake_wechat.robot_messages["k1"]]
    assert sent == [f"回复 {i:02d}" for i in range(20)]
    # Our window held, not the robot's: it was never even asked for a 21st message.
    assert len(fake_wechat.calls_to("/webhook/send")) == 20
    with store.session() as s:
        states = dict(s.execute(select(Outbox.state, func.count()).group_by(Outbox.state)).all())
    assert states == {"sent": 20, "pending": 20}
