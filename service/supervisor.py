"""`make run`: start Redis (embedded), migrate, then web and worker; Ctrl-C stops them all."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from domain.config import ConfigError, load_config
from domain.db import upgrade
from service.redis_server import EmbeddedRedis
from service.settings import SECRETS_FILE, VAR_DIR, Settings, load_secrets_file

log = logging.getLogger(__name__)
GENERATED_SECRETS = ("BRIDGE_SECRET", "API_TOKEN", "SECRET_KEY")  # the service needs these
WEB_WORKERS = 2
# gunicorn 27 opens a control socket, by default the same ~/.gunicorn/gunicorn.ctl for every
# instance on the machine; one per checkout keeps two services (or two users) apart.
CONTROL_SOCKET = VAR_DIR / "gunicorn.ctl"


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
        "bot.wsgi:app",
    ]


class Supervisor:
    """Owns the child processes; if one dies, everything stops."""

    def __init__(self, environ: dict):
        self.env = environ
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.redis: EmbeddedRedis | None = None

    def start(self) -> None:
        """Redis, database schema, web server, worker (with rq's scheduler)."""
        if not self.env.get("REDIS_URL"):
            self.redis = EmbeddedRedis(VAR_DIR / "redis").start()
            self.env["REDIS_URL"] = self.redis.url
        settings = Settings.from_env(self.env)
        self.env.setdefault("DATABASE_URL", settings.database_url)
        upgrade(settings.database_url)
        py = sys.executable
        gunicorn = str(Path(py).with_name("gunicorn"))
        self._spawn("web", gunicorn_argv(gunicorn, settings.port))
        self._spawn("worker", [py, "-m", "workers", "--name", f"cgbot-{os.getpid()}"])

    def _spawn(self, name: str, argv: list[str]) -> None:
        # Own process group: Ctrl-C reaches only us, so we stop the children in order and
        # Redis last (with the terminal's SIGINT, Redis died before the worker had finished).
        proc = subprocess.Popen(argv, env=self.env, process_group=0)
        self.children.append((name, proc))

    def wait(self) -> int:
        """Block until Ctrl-C/SIGTERM or a child exits; returns the exit code."""
        while True:
            for name, proc in self.children:
                if proc.poll() is not None:
                    log.error("%s exited with %s; stopping everything", name, proc.returncode)
                    return 1
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM every child, wait, then stop Redis last (it flushes its append-only file)."""
        for _, proc in self.children:
            if proc.poll() is None:
                proc.terminate()
        for name, proc in self.children:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                proc.kill()
        if self.redis:
            self.redis.stop()


def banner(env: dict, port: int, created: list[str]) -> str:
    """What a newcomer needs: where everything is and how to send a test message."""
    lines = [
        "",
        "社区城管助手 is running / 服务已启动",
        f"  web        http://127.0.0.1:{port}  "
        "(API: /api/tickets, /api/outbox, /api/openapi.json)",
        f"  redis      {env['REDIS_URL']}",
        f"  database   {env['DATABASE_URL']}",
        f"  secrets    {SECRETS_FILE} (BRIDGE_SECRET, API_TOKEN, SECRET_KEY)",
    ]
    for name in created:
        lines.append(f"  generated  {name}={env[name]}")
    lines += [
        "  try        .venv/bin/python -m bot simulate --group 龙湖悠山郡 "
        '"3号楼门口的消防通道被私家车堵了"',
        "  stop       Ctrl-C",
        "",
    ]
    return "\n".join(lines)


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the service the same way Ctrl-C does


def _handle_stop_signals(handler) -> None:
    # SIGINT explicitly too: started in the background (`make run &`), the shell hands us SIGINT
    # ignored, and the children no longer share our process group, so nobody else stops them.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def run() -> int:
    """The `make run` entry point."""
    env = dict(os.environ)
    settings = Settings.from_env(env)
    try:
        load_config(settings.config_file)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    created = ensure_secrets(env)
    sup = Supervisor(env)
    _handle_stop_signals(_interrupt)
    try:
        sup.start()
        print(banner(sup.env, settings.port, created), flush=True)
        return sup.wait()
    except KeyboardInterrupt:
        log.info("stopping")
        return 0
    finally:
        _handle_stop_signals(signal.SIG_IGN)  # a second Ctrl-C must not abandon the children
        sup.stop()
