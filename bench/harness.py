"""What the service benchmarks share: the service as `make run` starts it (embedded Redis,
gunicorn with the supervisor's settings, `python -m workers`), realistic messages, a fixed-rate
sender and latency read back from the database. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from redis import Redis  # noqa: E402
from sqlalchemy import MetaData, String, cast, func, literal, select  # noqa: E402

from channels.signing import signed_headers  # noqa: E402
from domain import texts  # noqa: E402
from domain.db import make_engine, upgrade  # noqa: E402
from domain.models import Message, Outbox, Ticket  # noqa: E402
from service.redis_server import EmbeddedRedis  # noqa: E402
from service.supervisor import gunicorn_argv  # noqa: E402
from workers.queues import QUEUE_NAMES  # noqa: E402

SECRET = "bench-bridge-secret"
ENV = {"BRIDGE_SECRET": SECRET, "API_TOKEN": "bench-api-token"}
TRAIN = ROOT / "nlp" / "data" / "train"  # the project's own hand-written messages
START_TIMEOUT = 60.0
POST_RATE = 400  # msg/s when posting a batch for the workers to drain (they are suspended)


# -- messages --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Corpus:
    """Texts by kind, from the classifier's training files (written for this project)."""

    chatter: tuple[str, ...]
    complaints: tuple[str, ...]
    urgent: tuple[str, ...]
    status: tuple[str, ...]
    groups: tuple[str, ...]
    officer_ids: tuple[str, ...]

    @classmethod
    def load(cls) -> Corpus:
        kinds: dict[str, list[str]] = {
            "chatter": [],
            "complaint": [],
            "urgent": [],
            "status_query": [],
        }
        for path in sorted(TRAIN.glob("*.tsv")):
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) != 4 or line.startswith("#"):
                    continue
                intent, _category, urgent, text = parts
                if intent == "complaint":
                    kinds["urgent" if urgent == "1" else "complaint"].append(text)
                elif intent in kinds:
                    kinds[intent].append(text)
        raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        groups = tuple(g for c in raw["communities"] for g in c["groups"])
        officers = tuple(
            w for s in raw["stations"] for o in s["officers"] for w in o.get("wechat_ids", ())
        )
        return cls(
            tuple(kinds["chatter"]),
            tuple(kinds["complaint"]),
            tuple(kinds["urgent"]),
            tuple(kinds["status_query"]),
            groups,
            officers,
        )


@dataclass(frozen=True)
class Mix:
    """Shares of each kind of message (the rest is chatter)."""

    complaints: float = 0.10  # of which `urgent` are urgent ones
    urgent: float = 0.2
    status: float = 0.02
    officer: float = 0.01
    duplicates: float = 0.03  # a neighbour repeats a complaint already sent in the same group


class Messages:
    """An endless, seeded stream of bridge message bodies in a realistic mix."""

    def __init__(self, corpus: Corpus, mix: Mix = Mix(), seed: int = 12, prefix: str = "b"):
        self.corpus, self.mix, self.rng, self.prefix = corpus, mix, random.Random(seed), prefix
        self.n = 0
        self.recent: list[tuple[str, str]] = []  # (group, complaint text) to duplicate

    def next(self) -> tuple[dict, str]:
        """(body, kind) for the next message."""
        rng, c, m = self.rng, self.corpus, self.mix
        self.n += 1
        group = rng.choice(c.groups)
        sender = f"wxid_r{rng.randrange(100_000)}"
        roll = rng.random()
        if roll < m.duplicates and self.recent:
            group, text = rng.choice(self.recent)
            kind = "duplicate"
        elif roll < m.duplicates + m.complaints:
            kind = "urgent" if rng.random() < m.urgent else "complaint"
            text = rng.choice(c.urgent if kind == "urgent" else c.complaints)
            self.recent = (self.recent + [(group, text)])[-50:]
        elif roll < m.duplicates + m.complaints + m.status:
            kind, text = "status", rng.choice(c.status)
        elif roll < m.duplicates + m.complaints + m.status + m.officer and c.officer_ids:
            kind, text, sender = "officer", "我的工单", rng.choice(c.officer_ids)
        else:
            kind, text = "chatter", rng.choice(c.chatter)
        body = {
            "msg_id": f"{self.prefix}{self.n}",
            "group_id": group,
            "sender_id": sender,
            "sender_name": f"居民{sender[-4:]}",
            "text": text,
            "sent_at": int(time.time()),
        }
        return body, kind


def signed(body: dict) -> tuple[bytes, dict]:
    """The raw body and the bridge headers for it."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {**signed_headers(SECRET, raw), "Content-Type": "application/json"}


# -- the service -----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reset_database(url: str) -> None:
    """Empty a benchmark database (never point this at anything but your own) and migrate."""
    if not url.startswith("sqlite"):
        engine = make_engine(url)
        meta = MetaData()
        meta.reflect(engine)
        with engine.begin() as conn:
            meta.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
    upgrade(url)


class Service:
    """Redis, database, web and workers as `make run` starts them, in a temporary directory."""

    def __init__(self, workers: int = 1, database_url: str | None = None, web_app=None):
        self.tmp = Path(tempfile.mkdtemp(prefix="cgbot-bench-"))
        self.n_workers = workers
        self.database_url = database_url or f"sqlite:///{self.tmp / 'bench.db'}"
        self.web_app = web_app or "bot.wsgi:app"
        self.port = free_port()
        self.children: list[subprocess.Popen] = []
        self.redis_server = EmbeddedRedis(self.tmp / "redis")

    # lifecycle
    def start(self) -> Service:
        self.redis_server.start()
        reset_database(self.database_url)
        self.env = {
            **os.environ,
            **ENV,
            "REDIS_URL": self.redis_server.url,
            "DATABASE_URL": self.database_url,
            "PYTHONPATH": str(ROOT),
        }
        self.redis = Redis.from_url(self.redis_server.url)
        self.engine = make_engine(self.database_url)
        self.start_web()
        for i in range(self.n_workers):
            self.start_worker(i)
        return self

    def start_web(self) -> None:
        argv = gunicorn_argv(str(Path(sys.executable).with_name("gunicorn")), self.port)
        argv[argv.index("--control-socket") + 1] = str(self.tmp / "gunicorn.ctl")
        argv[-1] = self.web_app
        self._spawn("web", argv)
        wait_for(lambda: _answers(self.port), "web")

    def start_worker(self, i: int) -> None:
        before = len(self.redis.smembers("rq:workers"))
        self._spawn(f"worker{i}", [sys.executable, "-m", "workers", "--name", f"bench-{i}"])
        wait_for(lambda: len(self.redis.smembers("rq:workers")) > before, "worker")

    def _spawn(self, name: str, argv: list[str]) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        self.children.append(subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=log))

    def stop(self) -> None:
        for proc in reversed(self.children):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.children:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.engine.dispose()
        self.redis_server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Service:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()

    # observations
    def backlog(self) -> dict[str, int]:
        """Jobs waiting in each of our queues."""
        return {q: self.redis.llen(f"rq:queue:{q}") for q in QUEUE_NAMES}

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by every process of the service: web master
        and workers, rq workers, Redis. Under noisy neighbours, a fairer yardstick than wall
        time."""
        pids = [p.pid for p in self.children]
        if self.redis_server.process is not None:
            pids.append(self.redis_server.process.pid)
        return sum(_cpu_seconds(pid) for pid in _with_descendants(pids))

    def used_memory_mb(self) -> float:
        return self.redis.info("memory")["used_memory"] / 2**20

    def counts(self) -> tuple[int, int, int]:
        """(messages stored, messages processed, sends still pending)."""
        with self.engine.connect() as conn:
            stored = conn.scalar(select(func.count()).select_from(Message))
            done = conn.scalar(
                select(func.count()).select_from(Message).where(Message.state != "received")
            )
            pending = conn.scalar(
                select(func.count()).select_from(Outbox).where(Outbox.state == "pending")
            )
        return stored, done, pending

    def wait_drained(self, expected: int, timeout: float) -> bool:
        """Until `expected` messages are processed and nothing is left to send (or timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stored, done, pending = self.counts()
            if done >= expected and pending == 0:
                return True
            time.sleep(0.2)
        return False

    def push_latencies(self, since: datetime | None = None) -> dict:
        """Seconds from a complaint's arrival to its officer's first push being sent, for
        urgent (pushed as urgent) and ordinary tickets; from any message's arrival to its group
        reply; and each pushed complaint's latency by its bridge msg_id ("by_msg_id")."""
        with self.engine.connect() as conn:
            urgent_push = Outbox.title.contains(texts.URGENT_MARK)  # urgent when it was pushed
            pushes = conn.execute(
                select(urgent_push, Message.msg_id, Message.received_at, Outbox.sent_at)
                .select_from(Ticket)
                .join(Message, Message.id == Ticket.origin_message_id)
                .join(Outbox, Outbox.key == literal("assign:").concat(Ticket.no).concat(":1"))
                .where(Outbox.state == "sent")
            ).all()
            replies = conn.execute(
                select(Message.received_at, Outbox.sent_at)
                .join(Outbox, Outbox.key == literal("reply:").concat(cast(Message.id, String)))
                .where(Outbox.state == "sent")
            ).all()
        out: dict = {"urgent": [], "ordinary": [], "replies": [], "by_msg_id": {}}
        for urgent, msg_id, received, sent in pushes:
            if since is None or _aware(received) >= since:
                out["urgent" if urgent else "ordinary"].append(_delta(received, sent))
                out["by_msg_id"][msg_id] = _delta(received, sent)
        out["replies"] = [_delta(r, s) for r, s in replies if since is None or _aware(r) >= since]
        return out


def _with_descendants(pids: list[int]) -> list[int]:
    out, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        out.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                todo.extend(int(c) for c in children)
        except OSError:
            continue
    return out


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _delta(received: datetime, sent: datetime) -> float:
    return (_aware(sent) - _aware(received)).total_seconds()


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(ready, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


# -- load ------------------------------------------------------------------------------------------
class Poster:
    """One keep-alive HTTP connection to the web server, posting signed bridge messages."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(self, body: dict) -> int:
        raw, headers = signed(body)
        for attempt in (1, 2):
            try:
                self.conn.request("POST", "/api/messages", raw, headers)
                resp = self.conn.getresponse()
                resp.read()
                return resp.status
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        return 0


def send_at_rate(port: int, bodies: list[dict], rate: float, threads: int = 8) -> dict:
    """Open loop at a fixed rate: message i is due at i / rate seconds."""
    return send_on_schedule(port, [(i / rate, b) for i, b in enumerate(bodies)], threads)


def send_on_schedule(port: int, schedule: list[tuple[float, dict]], threads: int = 8) -> dict:
    """Open loop: each body is sent at its offset (seconds, ascending) from the start, whatever
    the previous answers took. Returns the achieved rate, how late sends fell behind schedule,
    and the status codes."""
    start = time.monotonic() + 0.2
    lateness: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def run(k: int) -> None:
        poster = Poster(port)
        for offset, body in schedule[k::threads]:
            due = start + offset
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            late = time.monotonic() - due
            status = poster.post(body)
            with lock:
                lateness.append(late)
                statuses[status] = statuses.get(status, 0) + 1

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    elapsed = time.monotonic() - start
    return {
        "sent": len(schedule),
        "rate": len(schedule) / elapsed,
        "late_p95": pct(lateness, 95),
        "statuses": statuses,
    }


def drain_rate(svc: Service, n: int, seed: int = 4, prefix: str = "d") -> float:
    """Messages per second the service's workers drain, deliveries included: the workers are
    suspended (`rq suspend`) while n messages of the usual mix are posted, then resumed; the
    clock runs from the first message handled to the last send delivered."""
    from rq.suspension import resume, suspend

    suspend(svc.redis)
    time.sleep(1.5)  # a worker blocked in its dequeue may still take one job
    stream = Messages(Corpus.load(), seed=seed, prefix=prefix)
    before = svc.counts()[0]
    send_at_rate(svc.port, [stream.next()[0] for _ in range(n)], POST_RATE)
    already = svc.counts()[1]
    resume(svc.redis)
    deadline = time.monotonic() + 900
    while svc.counts()[1] == already and time.monotonic() < deadline:
        time.sleep(0.02)
    start, start_done = time.monotonic(), svc.counts()[1]
    if not svc.wait_drained(before + n, timeout=900):
        raise RuntimeError("the workers did not drain the messages within 15 minutes")
    return (before + n - start_done) / (time.monotonic() - start)


# -- figures ---------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank); NaN when there is nothing to rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    """median (min-max) of repeated runs."""
    return f"{statistics.median(values):.3g} ({min(values):.3g}-{max(values):.3g})"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


@contextmanager
def quiet_logs():
    import logging

    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def header(title: str, service: Service | None = None) -> None:
    where = ""
    if service is not None:
        engine = "PostgreSQL" if service.database_url.startswith("postgres") else "SQLite"
        where = f"; {engine}, embedded Redis, {service.n_workers} worker(s)"
    print(f"== {title} ({os.cpu_count()} cores{where}; {load_average()})", flush=True)
