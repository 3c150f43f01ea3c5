"""`make run`: Redis (embedded), web, worker and rq's scheduler, kept alive until Ctrl-C.

A child that dies is restarted with backoff and the restart is logged; one that keeps dying
right after it starts stops the whole service with one clear line. Children carry the Linux
parent-death signal and the run lock, so none outlives the supervisor, and a second `make run`
in the same checkout refuses at once without touching the first.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from domain.config import ConfigError, load_config
from domain.db import upgrade
from service import runinfo
from service.process import exit_description, spawn
from service.redis_server import EmbeddedRedis
from service.settings import SECRETS_FILE, VAR_DIR, Settings, load_secrets_file

log = logging.getLogger(__name__)
GENERATED_SECRETS = ("BRIDGE_SECRET", "API_TOKEN", "SECRET_KEY")  # the service needs these
WEB_WORKERS = 2
# gunicorn 27 opens a control socket, by default the same ~/.gunicorn/gunicorn.ctl for every
# instance on the machine; one per checkout keeps two services (or two users) apart.
CONTROL_SOCKET = VAR_DIR / "gunicorn.ctl"
POLL_SECONDS = 0.2
STABLE_SECONDS = 10.0  # a child that ran this long was healthy: its next exit starts afresh
MAX_QUICK_EXITS = 5  # exits in a row, each within STABLE_SECONDS of starting: a crash loop
FIRST_BACKOFF, MAX_BACKOFF = 0.5, 8.0  # seconds before a restart, doubling per quick exit
STOP_SECONDS = 15.0


def ensure_secrets(environ: dict, path: Path = SECRETS_FILE) -> list[str]:
    """Fill unset generated secrets from (or into) the untracked file; returns the new ones."""
    load_secrets_file(environ, path)
    created = [name for name in GENERATED_SECRETS if not environ.get(name)]
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created 600 from the start: a chmod afterwards leaves a moment where others can read.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "a", encoding="utf-8") as f:
            for name in created:
                environ[name] = secrets.token_urlsafe(32)
                f.write(f"{name}={environ[name]}\n")
        path.chmod(0o600)
    return created


def secrets_in_file(environ: dict, path: Path = SECRETS_FILE) -> set[str]:
    """Generated secrets whose value in use is the one in the file (another terminal finds it)."""
    found: dict[str, str] = {}
    load_secrets_file(found, path)
    return {n for n in GENERATED_SECRETS if found.get(n) and found[n] == environ.get(n)}


def gunicorn_argv(gunicorn: str, port: int) -> list[str]:
    """The web server's command line; its control socket lives under var/, not in ~/.gunicorn."""
    return [
        gunicorn,
        "-w",
        str(WEB_WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "--control-socket",
        str(CONTROL_SOCKET),
        "-c",
        "python:service.gunicorn_hooks",
        "bot.wsgi:app",
    ]


@dataclass
class Child:
    """One supervised process and its restart bookkeeping."""

    name: str
    launch: Callable[[], subprocess.Popen]
    proc: subprocess.Popen | None = None
    started: float = 0.0
    quick_exits: int = 0
    restart_at: float | None = None
    restarts: int = 0

    def start(self) -> None:
        self.proc = self.launch()
        self.started = time.monotonic()
        self.restart_at = None


class CrashLoop(Exception):
    """A child keeps exiting right after it starts: the service cannot run."""


class Supervisor:
    """Owns the children: restarts the one that dies, stops them all in order."""

    def __init__(self, environ: dict, lock_fd: int | None = None):
        self.env = environ
        self.pass_fds = (lock_fd,) if lock_fd is not None else ()
        self.children: list[Child] = []
        self.redis: EmbeddedRedis | None = None
        self.run_info: dict[str, str] | None = None  # written to var/run.env with current pids

    def publish(self, info: dict[str, str] | None = None) -> None:
        """Write the run file: `info` plus the pid of every child as it is now."""
        if info is not None:
            self.run_info = info
        if self.run_info is not None:
            pids = {f"{name.upper()}_PID": str(pid) for name, pid in self.pids().items()}
            runinfo.write({**self.run_info, **pids})

    def start(self) -> None:
        """Redis, database schema, web server, worker, scheduler."""
        if not self.env.get("REDIS_URL"):
            self.redis = EmbeddedRedis(VAR_DIR / "redis", pass_fds=self.pass_fds)
            self._add("redis", lambda: self.redis.start().process)
            self.env["REDIS_URL"] = self.redis.url
        settings = Settings.from_env(self.env)
        self.env.setdefault("DATABASE_URL", settings.database_url)
        upgrade(settings.database_url)
        py = sys.executable
        gunicorn = str(Path(py).with_name("gunicorn"))
        self._add("web", lambda: self._spawn(gunicorn_argv(gunicorn, settings.port)))
        self._add("worker", self._worker)
        self._add("scheduler", lambda: self._spawn([py, "-m", "workers", "--scheduler-only"]))

    def _add(self, name: str, launch: Callable[[], subprocess.Popen]) -> None:
        child = Child(name, launch)
        child.start()
        self.children.append(child)
        log.info("%s: started pid %d", name, child.proc.pid)

    def _spawn(self, argv: list[str]) -> subprocess.Popen:
        return spawn(argv, env=self.env, pass_fds=self.pass_fds)

    def _worker(self) -> subprocess.Popen:
        # A fresh name each start: rq refuses a name whose killed owner's key has not expired.
        generation = sum(c.restarts for c in self.children if c.name == "worker")
        name = f"cgbot-{os.getpid()}-{generation}"
        return self._spawn([sys.executable, "-m", "workers", "--no-scheduler", "--name", name])

    def pids(self) -> dict[str, int]:
        """Name -> pid of every running child (for the run file and tests)."""
        return {c.name: c.proc.pid for c in self.children if c.proc and c.proc.poll() is None}

    def wait(self) -> int:
        """Keep the children alive until Ctrl-C/SIGTERM/SIGHUP or a crash loop (then 1)."""
        try:
            while True:
                self.check()
                time.sleep(POLL_SECONDS)
        except CrashLoop as exc:
            log.error("%s", exc)
            return 1

    def check(self) -> None:
        """One round: notice exits, restart the children whose backoff has passed."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._restart(child)
                continue
            code = child.proc.poll()
            if code is not None:
                self._exited(child, exit_description(code), now)

    def _exited(self, child: Child, how: str, now: float) -> None:
        ran = now - child.started
        child.quick_exits = child.quick_exits + 1 if ran < STABLE_SECONDS else 0
        if child.quick_exits >= MAX_QUICK_EXITS:
            raise CrashLoop(
                f"{child.name} keeps crashing ({child.quick_exits} exits in a row, each within "
                f"{STABLE_SECONDS:.0f} s of starting; last: {how}): stopping the service / "
                f"{child.name} 反复崩溃，服务已停止，请查看上面的日志"
            )
        delay = min(FIRST_BACKOFF * 2**child.quick_exits, MAX_BACKOFF)
        child.restart_at = now + delay
        log.warning(
            "%s (pid %d) %s after %.1f s; restarting in %.1f s",
            child.name,
            child.proc.pid if child.proc else 0,
            how,
            ran,
            delay,
        )

    def _restart(self, child: Child) -> None:
        child.restarts += 1
        try:
            child.start()
        except (OSError, RuntimeError) as exc:  # e.g. Redis did not come up in time
            child.proc = None
            self._exited(child, f"failed to start ({exc})", time.monotonic())
            return
        log.warning(
            "%s: restarted as pid %d (restart %d)", child.name, child.proc.pid, child.restarts
        )
        self.publish()

    def stop(self) -> None:
        """SIGTERM every child, wait, then stop Redis last (it flushes its append-only file)."""
        others = [c for c in self.children if c.name != "redis" and c.proc]
        for child in others:
            if child.proc.poll() is None:
                child.proc.terminate()
        for child in others:
            try:
                child.proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", child.name)
                child.proc.kill()
                child.proc.wait()
        if self.redis:
            self.redis.stop()


def banner(env: dict, port: int, created: list[str], in_file: set[str]) -> str:
    """What a newcomer needs: where everything is and how to send a test message."""
    lines = [
        "",
        "社区城管助手 is running / 服务已启动",
        f"  web        http://127.0.0.1:{port}  "
        "(API: /api/tickets, /api/outbox, /api/openapi.json; /healthz, /readyz)",
        f"  redis      {env['REDIS_URL']}",
        f"  database   {env['DATABASE_URL']}",
    ]
    from_env = [name for name in GENERATED_SECRETS if name not in in_file]
    if in_file:
        lines.append(f"  secrets    {SECRETS_FILE} ({', '.join(sorted(in_file))})")
    if from_env:
        lines.append(
            f"  secrets    {', '.join(from_env)} from the environment: export the same "
            "values in any terminal that runs simulate/act/stats"
        )
    for name in created:
        lines.append(f"  generated  {name}={env[name]}")
    lines += [
        f"  run file   {runinfo.RUN_FILE} (port and pid for simulate/act/stats)",
        "  try        .venv/bin/python -m bot simulate --group 龙湖悠山郡 "
        '"3号楼门口的消防通道被私家车堵了"',
        "  stop       Ctrl-C",
        "",
    ]
    return "\n".join(lines)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt  # SIGTERM and SIGHUP stop the service the same way Ctrl-C does


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _handle_stop_signals(handler) -> None:
    # SIGINT explicitly too: started in the background (`make run &`), the shell hands us SIGINT
    # ignored, and the children no longer share our process group, so nobody else stops them.
    # SIGHUP: a closed terminal stops the service cleanly instead of orphaning it.
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


def run() -> int:
    """The `make run` entry point."""
    try:
        lock_fd = runinfo.acquire_lock()
    except runinfo.AlreadyRunning as exc:
        print(exc, file=sys.stderr)  # touches nothing of the running service
        return 1
    try:
        return _run_locked(lock_fd)
    finally:
        os.close(lock_fd)


def _run_locked(lock_fd: int) -> int:
    env = dict(os.environ)
    settings = Settings.from_env(env)
    try:
        load_config(settings.config_file)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    created = ensure_secrets(env)
    in_file = secrets_in_file(env)
    sup = Supervisor(env, lock_fd)
    _handle_stop_signals(_interrupt)
    try:
        sup.start()
        sup.publish(
            {
                "PID": str(os.getpid()),
                "PORT": str(settings.port),
                "URL": f"http://127.0.0.1:{settings.port}",
                "STARTED": datetime.now().astimezone().isoformat(timespec="seconds"),
                "REDIS_URL": sup.env["REDIS_URL"],
                "SECRETS_FROM_ENV": ",".join(n for n in GENERATED_SECRETS if n not in in_file),
            }
        )
        print(banner(sup.env, settings.port, created, in_file), flush=True)
        return sup.wait()
    except KeyboardInterrupt:
        log.info("stopping")
        return 0
    finally:
        _handle_stop_signals(signal.SIG_IGN)  # a second Ctrl-C must not abandon the children
        sup.stop()
        runinfo.remove()
