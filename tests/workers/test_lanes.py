"""Pushes first: the order one worker serves its queues in, the intake's lanes, and no results
kept. Order is observed by recording which job the real worker runs next; nothing is timed."""

from __future__ import annotations

import json
import time

import pytest
from redis import Redis
from redis.connection import UnixDomainSocketConnection
from sqlalchemy import event

from bot import Services, create_app
from bot.intake import Intake
from channels.signing import signed_headers
from domain.models import Outbox
from domain.secrets import Secrets
from tests.conftest import TEST_SECRETS
from workers import jobs
from workers.queues import QUEUE_NAMES, RESULT_TTL, JobQueue
from workers.triage import Triage
from workers.worker import CgbotWorker, make_worker

URGENT = "8号楼后面消防通道被一辆白色越野车堵死了，消防车进不来"
ORDINARY = "3号楼2单元楼道里堆满了纸箱和旧家具，过不去人"
CHATTER = "今晚有没有人一起去打球"
VENDING = "东门外有人摆摊卖水果，把人行道都占了"


class RecordingWorker(CgbotWorker):
    """Our worker, noting the id of each job it runs, in order."""

    def execute_job(self, job, queue):
        self.ran.append(job.id)
        return super().execute_job(job, queue)


@pytest.fixture
def run_recorded(worker_runtime, redis):
    """Run the real worker in burst mode; returns the job ids in the order they ran."""

    def run() -> list[str]:
        worker = make_worker(redis)
        worker.__class__ = RecordingWorker
        worker.ran = []
        worker.work(burst=True)
        return worker.ran

    return run


@pytest.fixture
def triaged_client(test_config, secrets_env, store, queue):
    """The app as production wires it: the intake sorts messages into lanes."""
    secrets = Secrets(test_config.secrets.model_dump(), secrets_env)
    intake = Intake(store, queue, Triage.from_config(test_config))
    return create_app(Services(test_config, secrets, store, intake)).test_client()


def post(client, msg_id: str, text: str, sender_id: str = "wxid_resident") -> None:
    body = {
        "msg_id": msg_id,
        "group_id": "grp-longhu-youshanjun",
        "sender_id": sender_id,
        "sender_name": "居民",
        "text": text,
        "sent_at": int(time.time()),
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    resp = client.post(
        "/api/messages", data=raw, headers=signed_headers(TEST_SECRETS["BRIDGE_SECRET"], raw)
    )
    assert resp.status_code == 200, resp.get_json()


def message_pk(store, msg_id: str) -> int:
    return store.find_message("bridge", msg_id).id


def push_job(store, ticket_no: str) -> str:
    (row,) = [r for r in store.outbox(ticket_no=ticket_no) if r.kind == "push"]
    return f"out-{row.id}"


# -- the worker's order ---------------------------------------------------------------------------
def test_worker_serves_sends_before_timers_and_messages():
    """The queue order itself: sends (urgent first), timers, the two message lanes, then files."""
    assert QUEUE_NAMES == (
        "outbox_urgent",
        "outbox",
        "timers",
        "messages_first",
        "messages",
        "media",
    )


def test_each_message_sends_go_out_before_the_next_message(client, store, run_recorded):
    """Three waiting messages: each complaint's push and reply run before the next message."""
    post_message_texts = [("m-1", ORDINARY), ("m-2", CHATTER), ("m-3", VENDING)]
    for msg_id, text in post_message_texts:
        post(client, msg_id, text)
    ran = run_recorded()
    kinds = ["msg" if job_id.startswith("msg-") else "out" for job_id in ran]
    assert kinds == ["msg", "out", "out", "msg", "msg", "out", "out"]
    assert ran[0] == f"msg-{message_pk(store, 'm-1')}"


def test_urgent_push_goes_before_waiting_sends(client, store, worker_runtime, run_recorded):
    """An ordinary complaint's sends are queued first; the urgent ticket's push still runs first."""
    post(client, "m-1", ORDINARY)
    post(client, "m-2", URGENT)
    for msg_id in ("m-1", "m-2"):  # handled, sends queued, nothing delivered yet
        assert jobs.process_message(message_pk(store, msg_id)) == "complaint"
    ran = run_recorded()
    urgent_ticket = store.find_message("bridge", "m-2").ticket_id
    (ticket,) = [t for t in store.tickets() if t.id == urgent_ticket]
    assert ticket.urgent
    assert ran[0] == push_job(store, ticket.no)
    # the four sends, then the two message jobs the intake queued (now skipped: handled above)
    assert [job_id[:4] for job_id in ran] == ["out-"] * 4 + ["msg-"] * 2


def test_urgent_text_jumps_the_chatter_backlog(triaged_client, store, run_recorded):
    """Five chatter messages wait; an urgent complaint posted after them is handled first and its
    push goes out before any chatter is classified."""
    for i in range(5):
        post(triaged_client, f"c-{i}", CHATTER)
    post(triaged_client, "u-1", URGENT)
    ran = run_recorded()
    urgent_pk = message_pk(store, "u-1")
    assert ran[0] == f"msg-{urgent_pk}"
    ticket_no = store.find_message("bridge", "u-1").outcome["ticket_no"]
    assert ran[1] == push_job(store, ticket_no)
    assert ran[3:] == [f"msg-{message_pk(store, f'c-{i}')}" for i in range(5)]


def test_officer_in_the_group_jumps_the_backlog(triaged_client, store, run_recorded):
    """An officer known by a WeChat id is served before waiting chatter."""
    for i in range(3):
        post(triaged_client, f"c-{i}", CHATTER)
    post(triaged_client, "o-1", "我的工单", sender_id="wxid_zhangqinli")
    ran = run_recorded()
    assert ran[0] == f"msg-{message_pk(store, 'o-1')}"


@pytest.mark.parametrize(
    ("channel", "sender", "text", "first"),
    [
        ("bridge", "wxid_resident", URGENT, True),  # strong keyword of an urgent category
        ("bridge", "wxid_resident", "楼下着火了快来人", True),  # danger cue word
        ("bridge", "wxid_resident", "消防通到被堵了，麻烦快来看看", True),  # config typo fixed
        ("bridge", "wxid_resident", "刚才那条狗把小孩咬了", True),  # danger cue pattern
        ("bridge", "wxid_zhangqinli", "接单 0012", True),  # an officer by WeChat id
        ("wecom", "anyone", "接单 0012", True),  # the officers' app
        ("bridge", "wxid_resident", ORDINARY, False),
        ("bridge", "wxid_resident", CHATTER, False),
    ],
)
def test_triage_lanes(test_config, channel, sender, text, first):
    """Officers and danger words go first; ordinary complaints and chatter wait their turn."""
    assert Triage.from_config(test_config).first(channel, sender, text) is first


# -- no results kept ------------------------------------------------------------------------------
def test_finished_jobs_and_results_expire_at_once(post_message, work, redis, store):
    """Message and delivery jobs and their results are kept for RESULT_TTL (one second), never
    for rq's default 500 s; no queue keeps anything."""
    post_message()
    (job_key,) = redis.keys("rq:job:msg-*")
    assert redis.hget(job_key, "result_ttl") == str(RESULT_TTL).encode()
    work()
    assert store.find_message("bridge", "m-1").state == "processed"
    assert {row.state for row in store.outbox()} == {"sent"}
    done = [  # whatever has not expired yet (on a slow machine: nothing)
        k
        for pattern in ("rq:job:msg-*", "rq:job:out-*", "rq:results:*")
        for k in redis.keys(pattern)
    ]
    assert all(0 < redis.ttl(k) <= RESULT_TTL for k in done)
    assert all(redis.llen(f"rq:queue:{q}") == 0 for q in QUEUE_NAMES)


def test_worker_heartbeat_is_one_round_trip(redis, counted_queue):
    """rq's worker heartbeat sends its three commands in one round trip."""
    worker = make_worker(counted_queue.redis)
    worker.register_birth()
    CountingConnection.sent = 0
    worker.heartbeat()
    assert CountingConnection.sent == 1
    assert redis.ttl(worker.key) > 0 and redis.hget(worker.key, "last_heartbeat")


def test_timer_alarms_keep_no_result(post_message, work, redis, store):
    """A ticket's timer alarms are scheduled jobs that will not keep a result either."""
    post_message()
    work()
    timer_jobs = [k for k in redis.keys("rq:job:timer-*")]
    assert timer_jobs  # remind, reassign, overdue are waiting in rq's scheduler
    for key in timer_jobs:
        assert redis.hget(key, "result_ttl") == str(RESULT_TTL).encode()


# -- cost of intake and of a message --------------------------------------------------------------
class CountingConnection(UnixDomainSocketConnection):
    """A redis-py connection counting the packets it sends (one per round trip)."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent += 1
        return super().send_packed_command(command, check_health)


@pytest.fixture
def counted_queue(redis):
    """A JobQueue whose Redis connection counts round trips."""
    kwargs = redis.connection_pool.connection_kwargs
    if "path" not in kwargs:
        pytest.skip("counting is wired for the unix-socket Redis")
    counted = Redis(unix_socket_path=kwargs["path"], db=kwargs.get("db", 0))
    counted.connection_pool.connection_class = CountingConnection
    return JobQueue(counted)


def count_begins(engine):
    """A list that grows by one for every transaction begun on `engine`."""
    begins = []
    event.listen(engine, "begin", lambda conn: begins.append(1))
    return begins


def test_accepting_a_message_is_one_transaction_and_one_round_trip(
    test_config, secrets_env, store, counted_queue
):
    """After the first message (which learns the Redis version), each costs exactly one of each."""
    secrets = Secrets(test_config.secrets.model_dump(), secrets_env)
    intake = Intake(store, counted_queue, Triage.from_config(test_config))
    client = create_app(Services(test_config, secrets, store, intake)).test_client()
    post(client, "m-0", ORDINARY)
    begins, CountingConnection.sent = count_begins(store.engine), 0
    post(client, "m-1", URGENT)
    post(client, "m-2", CHATTER)
    assert (len(begins), CountingConnection.sent) == (2, 2)
    assert counted_queue.queues["messages_first"].count == 1
    assert counted_queue.queues["messages"].count == 2


def test_a_duplicate_is_one_transaction_and_no_enqueue(
    test_config, secrets_env, store, counted_queue
):
    """A redelivery is answered from one transaction and queues nothing."""
    secrets = Secrets(test_config.secrets.model_dump(), secrets_env)
    client = create_app(
        Services(test_config, secrets, store, Intake(store, counted_queue))
    ).test_client()
    post(client, "m-1", ORDINARY)
    begins, CountingConnection.sent = count_begins(store.engine), 0
    post(client, "m-1", ORDINARY)
    assert (len(begins), CountingConnection.sent) == (1, 0)


def test_handling_a_complaint_is_one_transaction(post_message, store, worker_runtime):
    """Counting the attempt, the ticket, its sends and timers: one transaction, one commit."""
    post_message()
    pk = message_pk(store, "m-1")
    begins = count_begins(store.engine)
    assert jobs.process_message(pk) == "complaint"
    assert len(begins) == 1
    with store.session() as s:
        assert s.query(Outbox).count() == 2


def test_a_worker_for_some_queues_keeps_the_priority_order(redis):
    """`python -m workers --queues messages,outbox` serves sends first all the same."""
    worker = make_worker(redis, queues=["messages", "outbox"])
    assert worker.queue_names() == ["outbox", "messages"]
    with pytest.raises(ValueError, match="unknown queues"):
        make_worker(redis, queues=["outbox", "deliveries"])
