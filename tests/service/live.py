"""A whole service as `make run` starts it, a bridge sending bursts at it, and the tally.

Used by tests/service/test_chaos.py and bench/chaos.py. Everything is real: the supervisor
(`python -m bot run`, what `make run` executes), its Redis, gunicorn, rq worker and scheduler,
the database, and the fake WeChat server (tests/fakewechat.py) receiving pushes and replies.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml
from sqlalchemy import select

from channels.signing import signed_headers
from domain.db import make_engine
from domain.models import Message, Outbox
from tests.fakewechat import EDGE_ENV, FakeWeChatServer

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "BRIDGE_SECRET": "live-bridge-secret",
    "API_TOKEN": "live-api-token",
    "SECRET_KEY": "live-session-secret",
}
GROUP = "grp-longhu-youshanjun"
TEMPLATES = (
    "{n}号楼门口的消防通道被私家车堵了",
    "{n}号楼楼道里堆满了纸箱和旧家具",
    "{n}号楼旁边有人私搭乱建彩钢板房",
)
CHILDREN = ("web", "worker", "scheduler", "redis")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pids_alive(pids) -> list[int]:
    """The pids in `pids` that still run (zombies count as gone)."""
    alive = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc: children of children too)."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            for kid in map(int, kids):
                if kid not in found:
                    found.add(kid)
                    todo.append(kid)
    return found


class LiveService:
    """`python -m bot run` in a private var dir, on a free port, pushing to a fake WeChat."""

    def __init__(
        self, workdir: Path, database_url: str, fake: FakeWeChatServer, env_secrets: bool = True
    ):
        self.workdir = Path(workdir)
        self.var = self.workdir / "var"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.log_path = self.workdir / "service.log"
        self.env = self._environment(fake)
        if not env_secrets:  # the supervisor generates them into var/secrets.env
            self.env = {k: v for k, v in self.env.items() if k not in SECRETS}
        self.proc: subprocess.Popen | None = None

    def _environment(self, fake: FakeWeChatServer) -> dict:
        config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        config["service"]["public_url"] = self.url
        config["channels"].update(
            notifier="wecom", wecom_api_base_url=fake.url, wechat_api_base_url=fake.url
        )
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / "config.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "PORT")}
        return (
            env
            | EDGE_ENV
            | SECRETS
            | {
                "CGBOT_VAR_DIR": str(self.var),
                "CONFIG_FILE": str(path),
                "DATABASE_URL": self.database_url,
                "PORT": str(self.port),
                "BRIDGE_REPLY_URL": fake.bridge_reply_url,
            }
        )

    def start(self, ready_within: float = 90.0, probe: str = "/readyz") -> LiveService:
        """Start the supervisor and wait until `probe` (/readyz: everything works) answers 200."""
        self.proc = self.spawn()
        self.wait_ready(ready_within, probe)
        return self

    def spawn(self) -> subprocess.Popen:
        """One `python -m bot run` (also used for the second start that must refuse)."""
        log = open(self.log_path, "ab")  # noqa: SIM115  (closed by the child's exit)
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def wait_ready(self, within: float, probe: str = "/readyz") -> None:
        """Poll `probe` until 200; AssertionError with the log tail when it does not come."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"service exited {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}{probe}", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise AssertionError(f"service not ready in {within} s:\n{self.log_tail()}")

    def run_info(self) -> dict[str, str]:
        """var/run.env as the supervisor last wrote it."""
        path = self.var / "run.env"
        pairs = (line.partition("=") for line in path.read_text().splitlines())
        return {k: v for k, _, v in pairs}

    def child_pid(self, name: str) -> int:
        return int(self.run_info()[f"{name.upper()}_PID"])

    def kill(self, name: str, within: float = 15.0) -> int:
        """SIGKILL child `name` (once it runs: it may be restarting); returns the pid killed."""
        deadline = time.monotonic() + within
        while True:
            try:
                pid = self.child_pid(name)
                if pids_alive([pid]):
                    os.kill(pid, signal.SIGKILL)
                    return pid
            except (KeyError, FileNotFoundError, ProcessLookupError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} not running to be killed:\n{self.log_tail()}")
            time.sleep(0.05)

    def wait_restarted(self, name: str, old_pid: int, within: float = 30.0) -> int:
        """The new pid of child `name` once the supervisor restarted it."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                pid = self.child_pid(name)
            except (KeyError, FileNotFoundError):
                pid = old_pid
            if pid != old_pid and pids_alive([pid]):
                return pid
            time.sleep(0.1)
        raise AssertionError(f"{name} not restarted in {within} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM the supervisor and wait; SIGKILL it (the children follow) if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.terminate()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def log_lines(self, needle: str) -> list[str]:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return [line for line in text.splitlines() if needle in line]


# -- the bridge side ---------------------------------------------------------------------------
@dataclass
class Burst:
    """What a bridge sent and what the service acknowledged."""

    sent: list[str] = field(default_factory=list)
    acked_first: set[str] = field(default_factory=set)  # 200 at the first try
    acked: set[str] = field(default_factory=set)  # 200 at any try (a real bridge retries)
    refused: Counter = field(default_factory=Counter)  # first-try failures by kind
    kills: list[tuple[float, str, int]] = field(default_factory=list)  # (at s, child, pid)
    started: float = 0.0
    ended: float = 0.0


def bridge_post(url: str, msg_id: str, text: str, timeout: float = 5.0) -> str:
    """POST one signed bridge message; "ok" on 200, else the kind of failure."""
    body = json.dumps(
        {
            "msg_id": msg_id,
            "group_id": GROUP,
            "sender_id": f"wxid_{msg_id}",
            "sender_name": f"居民{msg_id[-4:]}",
            "text": text,
            "sent_at": int(time.time()),
        },
        ensure_ascii=False,
    ).encode()
    headers = signed_headers(SECRETS["BRIDGE_SECRET"], body)
    try:
        resp = requests.post(f"{url}/api/messages", data=body, headers=headers, timeout=timeout)
    except requests.ConnectionError:
        return "connection refused"
    except requests.Timeout:
        return "timeout"
    return "ok" if resp.status_code == 200 else f"http {resp.status_code}"


def text_for(i: int) -> str:
    return TEMPLATES[i % len(TEMPLATES)].format(n=i + 1)


def send_burst(service: LiveService, count: int, rate: float, kills=(), prefix="b") -> Burst:
    """`count` messages at `rate`/s; kill -9 child `name` at each (seconds, name) of `kills`.

    Sends go out on schedule from a small pool (a request hanging on a dying web server does
    not hold back the next ones) and kills fire on their own timers.
    """
    burst = Burst()
    lock = threading.Lock()

    def send(i: int) -> None:
        msg_id = f"{prefix}-{i:04d}"
        outcome = bridge_post(service.url, msg_id, text_for(i))
        with lock:
            if outcome == "ok":
                burst.acked_first.add(msg_id)
                burst.acked.add(msg_id)
            else:
                burst.refused[outcome] += 1

    def kill(name: str) -> None:
        at = round(time.monotonic() - burst.started, 2)
        pid = service.kill(name)
        with lock:
            burst.kills.append((at, name, pid))

    burst.started = time.monotonic()
    timers = [threading.Timer(at, kill, (name,)) for at, name in kills]
    for timer in timers:
        timer.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for i in range(count):
            delay = burst.started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            burst.sent.append(f"{prefix}-{i:04d}")
            pool.submit(send, i)
    for timer in timers:
        timer.join()
    burst.ended = time.monotonic()
    return burst


def retry_unacknowledged(service: LiveService, burst: Burst, within: float = 60.0) -> None:
    """Resend what was not acknowledged, same msg_id, as a bridge does, until all are."""
    deadline = time.monotonic() + within
    texts = {msg_id: text_for(i) for i, msg_id in enumerate(burst.sent)}
    while time.monotonic() < deadline:
        missing = [m for m in burst.sent if m not in burst.acked]
        if not missing:
            return
        for msg_id in missing:
            if bridge_post(service.url, msg_id, texts[msg_id]) == "ok":
                burst.acked.add(msg_id)
        time.sleep(0.5)


# -- the tally ---------------------------------------------------------------------------------
@dataclass
class Tally:
    """Counts after the drain: the figures of issue 11."""

    sent: int
    acknowledged_first_try: int
    acknowledged: int
    processed: int
    lost: int
    duplicated: int
    in_flight_duplicates: int  # of `duplicated`: the send a killed worker had not committed
    pushes_recorded: int
    pushes_sent: int
    duplicate_pushes: int
    replies_recorded: int
    replies_sent: int
    duplicate_replies: int
    outbox_not_sent: int
    drain_seconds: float | None

    def line(self) -> str:
        return (
            f"sent {self.sent} / acknowledged {self.acknowledged} "
            f"({self.acknowledged_first_try} at first try) / processed {self.processed} / "
            f"lost {self.lost} / duplicated {self.duplicated} "
            f"({self.in_flight_duplicates} in flight at a worker kill); "
            f"pushes {self.pushes_sent} sent of {self.pushes_recorded}, "
            f"replies {self.replies_sent} of {self.replies_recorded}; "
            f"drained in {self.drain_seconds if self.drain_seconds is not None else '—'} s"
        )


def snapshot(engine, msg_ids: set[str]) -> tuple[int, int, int, int, int]:
    """(processed, pushes, replies, outbox not sent, messages stored) among `msg_ids`."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Message.id, Message.msg_id, Message.state).where(Message.channel == "bridge")
        ).all()
        ours = {r.id: r for r in rows if r.msg_id in msg_ids}
        processed = sum(r.state == "processed" for r in ours.values())
        outbox = conn.execute(select(Outbox.kind, Outbox.state)).all()
    pushes = sum(o.kind == "push" for o in outbox)
    replies = sum(o.kind == "reply" for o in outbox)
    not_sent = sum(o.state != "sent" for o in outbox)
    return processed, pushes, replies, not_sent, len(ours)


def drain(service: LiveService, msg_ids: set[str], within: float, since: float) -> float | None:
    """Seconds from `since` until every message in `msg_ids` is processed and every send sent."""
    engine = make_engine(service.database_url)
    try:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            processed, _, _, not_sent, _ = snapshot(engine, msg_ids)
            if processed == len(msg_ids) and not_sent == 0:
                return round(time.monotonic() - since, 1)
            time.sleep(0.5)
        return None
    finally:
        engine.dispose()


IN_FLIGHT_SECONDS = 2.0  # a send this close before a worker kill may have been its last act


def _duplicates(timed: list[tuple[float, str]], worker_kills: list[float]) -> tuple[int, int]:
    """(all duplicate sends, those explained by a worker killed right after the first send).

    Delivery is at least once: a worker killed between the far side's answer and its commit
    leaves the row pending, and the reaper sends it again. Only that one send can repeat.
    """
    first: dict[str, float] = {}
    extra = explained = 0
    for at, key in sorted(timed):
        if key not in first:
            first[key] = at
            continue
        extra += 1
        # Either side of the kill: the request may reach the server just after the SIGKILL.
        if any(abs(kill - first[key]) <= IN_FLIGHT_SECONDS for kill in worker_kills):
            explained += 1
    return extra, explained


def tally(service: LiveService, fake: FakeWeChatServer, burst: Burst, drain_s) -> Tally:
    """Count everything: the database's view and what the fake WeChat actually received."""
    engine = make_engine(service.database_url)
    try:
        processed, pushes, replies, not_sent, _ = snapshot(engine, burst.acked)
    finally:
        engine.dispose()
    pushes_timed = [
        (at, json.dumps(body, sort_keys=True, ensure_ascii=False))
        for at, body in fake.timed_calls_to("/message/send")
    ]
    replies_timed = [(at, body.get("key")) for at, body in fake.timed_calls_to("/bridge/reply")]
    worker_kills = [burst.started + at for at, name, _ in burst.kills if name == "worker"]
    dup_pushes, pushes_explained = _duplicates(pushes_timed, worker_kills)
    dup_replies, replies_explained = _duplicates(replies_timed, worker_kills)
    return Tally(
        sent=len(burst.sent),
        acknowledged_first_try=len(burst.acked_first),
        acknowledged=len(burst.acked),
        processed=processed,
        lost=len(burst.acked) - processed,
        duplicated=dup_pushes + dup_replies,
        in_flight_duplicates=pushes_explained + replies_explained,
        pushes_recorded=pushes,
        pushes_sent=len({key for _, key in pushes_timed}),
        duplicate_pushes=dup_pushes,
        replies_recorded=replies,
        replies_sent=len({key for _, key in replies_timed}),
        duplicate_replies=dup_replies,
        outbox_not_sent=not_sent,
        drain_seconds=drain_s,
    )


# -- a job held mid-flight ---------------------------------------------------------------------
class RowLock:
    """Blocks the worker's first write to the database: SQLite's write lock, or the row on
    PostgreSQL (what a slow transaction elsewhere does to a job)."""

    def __init__(self, database_url: str, message_pk: int):
        self.url, self.pk = database_url, message_pk
        self._conn = None

    def __enter__(self) -> RowLock:
        if self.url.startswith("sqlite"):
            import sqlite3

            path = self.url.split("///", 1)[1]
            self._conn = sqlite3.connect(path, timeout=5, isolation_level=None)
            self._conn.execute("BEGIN IMMEDIATE")
        else:
            engine = make_engine(self.url)
            self._conn = engine.connect()
            self._conn.begin()
            self._conn.execute(
                select(Message.id).where(Message.id == self.pk).with_for_update()
            ).all()
        return self

    def __exit__(self, *exc) -> None:
        self._conn.rollback()
        self._conn.close()


def message_pk(database_url: str, msg_id: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(Message.id).where(Message.channel == "bridge", Message.msg_id == msg_id)
            ).scalar_one()
    finally:
        engine.dispose()


def job_status(service: LiveService, job_id: str) -> str | None:
    """The rq status of `job_id` in the service's Redis (None when unknown)."""
    from redis import Redis
    from rq.job import Job
    from rq.serializers import JSONSerializer

    redis = Redis.from_url(service.run_info()["REDIS_URL"])
    try:
        return Job.fetch(job_id, connection=redis, serializer=JSONSerializer).get_status()
    except Exception:  # NoSuchJobError, or Redis restarting
        return None
    finally:
        redis.close()


def kill_worker_mid_job(service: LiveService, msg_id: str, within: float = 10.0) -> dict:
    """Stop the worker, send `msg_id`, lock its first write, let the worker start the job,
    SIGKILL the worker while the job is STARTED, release the lock. Returns what happened."""
    worker = service.child_pid("worker")
    os.kill(worker, signal.SIGSTOP)  # idle worker: it holds no lock now
    try:
        assert bridge_post(service.url, msg_id, "66号楼门口的消防通道被私家车堵了") == "ok"
        pk = message_pk(service.database_url, msg_id)
        with RowLock(service.database_url, pk):
            os.kill(worker, signal.SIGCONT)
            deadline = time.monotonic() + within
            status = None
            while time.monotonic() < deadline:
                status = job_status(service, f"msg-{pk}")
                if status == "started":
                    break
                time.sleep(0.05)
            os.kill(worker, signal.SIGKILL)
    finally:
        try:
            os.kill(worker, signal.SIGCONT)
        except ProcessLookupError:
            pass
    return {"msg_id": msg_id, "pk": pk, "status_when_killed": status, "killed_pid": worker}
