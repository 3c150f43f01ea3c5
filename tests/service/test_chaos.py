"""Nothing acknowledged is lost when children of `make run` are SIGKILLed (issue 11).

One service (`python -m bot run`, the command `make run` executes) on the test database, with
pushes and replies going to the fake WeChat server over HTTP. First the worker is killed in the
middle of a job (its first write held by a database lock); then a 300-message burst at 30 msg/s
runs while web, scheduler, Redis and worker are each SIGKILLed in turn. A bridge resends what
was not acknowledged (same msg_id). After the drain, every acknowledged message must be
processed exactly once and every push and reply sent exactly once.

The drain is bounded by the worker's reaper (60 s grace): a job lost with a killed worker or a
Redis restart comes back through it. Per-child figures: bench/chaos.py.
"""

from __future__ import annotations

import time

import pytest
import requests
from sqlalchemy import func, select

from domain.db import make_engine
from domain.models import Base, Message, Ticket
from tests.fakewechat import FakeWeChatServer
from tests.service import live

BURST, RATE = 300, 30.0
KILLS = ((2.0, "web"), (4.0, "scheduler"), (6.0, "redis"), (8.0, "worker"))
DRAIN_WITHIN = 200.0


@pytest.fixture(scope="module")
def chaos(tmp_path_factory, database_url):
    """Run the whole scenario once; the tests below read its outcome."""
    with FakeWeChatServer() as fake:
        service = live.LiveService(tmp_path_factory.mktemp("chaos"), database_url, fake)
        service.start()
        try:
            yield _scenario(service, fake)
        finally:
            service.stop()
            _empty(database_url)


def _scenario(service: live.LiveService, fake: FakeWeChatServer) -> dict:
    mid_job = live.kill_worker_mid_job(service, "midjob-1")
    restarted = {"worker-midjob": service.wait_restarted("worker", mid_job["killed_pid"])}
    service.wait_ready(60)
    burst = live.send_burst(service, BURST, RATE, KILLS)
    for _, name, pid in burst.kills:
        restarted[name] = service.wait_restarted(name, pid)
    live.retry_unacknowledged(service, burst)
    burst.acked.add(mid_job["msg_id"])
    drained = live.drain(service, burst.acked, DRAIN_WITHIN, since=burst.ended)
    second = _second_start(service)
    return {
        "burst": burst,
        "mid_job": mid_job,
        "restarted": restarted,
        "tally": live.tally(service, fake, burst, drained),
        "second": second,
        "service": service,
        "database_url": service.database_url,
    }


def _second_start(service: live.LiveService) -> dict:
    """A second `make run` in the same checkout while the first runs."""
    before = (service.var / "run.env").read_bytes(), service.child_pid("redis")
    started = time.monotonic()
    proc = service.spawn()
    code = proc.wait(timeout=20)
    took = time.monotonic() - started
    after = (service.var / "run.env").read_bytes(), service.child_pid("redis")
    ready = requests.get(f"{service.url}/readyz", timeout=5).status_code
    return {"code": code, "seconds": took, "unchanged": before == after, "ready": ready}


def _empty(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


def test_every_acknowledged_message_is_processed_exactly_once(chaos):
    t = chaos["tally"]
    print("\nchaos:", t.line(), "kills:", chaos["burst"].kills)
    assert t.drain_seconds is not None, f"not drained in {DRAIN_WITHIN} s: {t}"
    assert t.acknowledged == t.sent + 1  # the bridge's resends got everything in
    assert t.processed == t.acknowledged and t.lost == 0
    engine = make_engine(chaos["database_url"])
    with engine.connect() as conn:
        tickets = conn.execute(select(func.count()).select_from(Ticket)).scalar_one()
        origins = conn.execute(select(func.count(func.distinct(Ticket.origin_message_id))))
        assert origins.scalar_one() == tickets
        stored = conn.execute(select(func.count()).select_from(Message)).scalar_one()
    engine.dispose()
    assert stored == t.acknowledged  # resends were duplicates, not new rows
    assert tickets >= t.acknowledged * 0.9  # distinct places: (almost) one ticket each


def test_every_push_and_reply_is_sent_exactly_once(chaos):
    """Every recorded send reached the fake WeChat, and none twice. Delivery is at least once:
    the one send a worker may have been finishing when it was SIGKILLed (answered by the far
    side, not yet committed) can repeat; any other duplicate fails."""
    t = chaos["tally"]
    assert t.outbox_not_sent == 0
    assert t.duplicated - t.in_flight_duplicates == 0, t
    assert t.in_flight_duplicates <= 1, t  # one worker kill mid-burst: its one send in flight
    assert t.pushes_sent == t.pushes_recorded > 0
    assert t.replies_sent == t.replies_recorded == t.acknowledged


def test_each_child_was_killed_and_restarted(chaos):
    killed = {name for _, name, _ in chaos["burst"].kills}
    assert killed == set(live.CHILDREN), chaos["burst"].kills
    assert set(chaos["restarted"]) == {*live.CHILDREN, "worker-midjob"}
    restarts = chaos["service"].log_lines("restarting in")
    # logged once per crash (a child may also fall with Redis)
    assert len(restarts) >= 5, "\n".join(restarts)


def test_job_in_flight_when_the_worker_died_is_recovered(chaos):
    mid = chaos["mid_job"]
    assert mid["status_when_killed"] == "started"  # the worker really was inside the job
    engine = make_engine(chaos["database_url"])
    with engine.connect() as conn:
        row = conn.execute(select(Message).where(Message.id == mid["pk"])).one()
        count = conn.execute(
            select(func.count()).select_from(Ticket).where(Ticket.origin_message_id == mid["pk"])
        ).scalar_one()
    engine.dispose()
    assert row.state == "processed" and count == 1


def test_second_run_in_the_same_checkout_refuses_at_once(chaos):
    second = chaos["second"]
    assert second["code"] == 1 and second["seconds"] < 10
    assert second["unchanged"] and second["ready"] == 200
    refusals = chaos["service"].log_lines("already running: pid")
    assert refusals and chaos["service"].run_info()["PID"] in refusals[-1]
