"""The supervisor's own life: children never outlive it; a crash loop stops it with one line."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import time

import pytest

from service import runinfo, supervisor
from service.process import spawn
from tests.fakewechat import FakeWeChatServer
from tests.service import live


def wait_gone(pids, within: float = 20.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and live.pids_alive(pids):
        time.sleep(0.1)
    return live.pids_alive(pids)


def lock_free_within(path, within: float = 20.0) -> bool:
    """True once nothing holds the flock on `path` (polled until `within` seconds)."""
    deadline = time.monotonic() + within
    while True:
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
        finally:
            os.close(fd)
        time.sleep(0.1)


def holders_of(path) -> list[str]:
    """Command lines of the processes with `path` open (for the failure message)."""
    target, found = os.path.realpath(path), []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == target for fd in fds):
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    command = fh.read().replace(b"\0", b" ").decode()
                found.append(f"{pid}: {command}")
        except OSError:
            continue
    return found


@pytest.fixture
def service(tmp_path, database_url, store, request):
    """A fresh `python -m bot run`, stopped (and its tables emptied by `store`) afterwards."""
    env_secrets = getattr(request, "param", True)
    with FakeWeChatServer() as fake:
        svc = live.LiveService(tmp_path, database_url, fake, env_secrets)
        # Web up and every child started is enough here (no need to wait for jieba to load).
        yield svc.start(probe="/healthz")
        svc.stop()


def cli(service: live.LiveService, *args: str) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` from a second terminal: nothing set but where var/ is."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "REDIS_URL", "API_TOKEN")}
    env |= {"CGBOT_VAR_DIR": str(service.var), "CONFIG_FILE": service.env["CONFIG_FILE"]}
    env.pop("BRIDGE_SECRET", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=live.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# Each service costs a start-up; each test below asks two things of one service.
@pytest.mark.parametrize("service", [False], indirect=True)
def test_second_terminal_finds_the_service_and_sighup_stops_it(service):
    """Generated secrets and a non-default port: `stats` in a second terminal finds both
    without any export. Then closing the terminal (SIGHUP): exit 0, every child stopped,
    the run file gone."""
    assert (service.var / "secrets.env").exists()
    result = cli(service, "stats")
    assert result.returncode == 0, result.stdout + result.stderr

    children = live.descendants(service.proc.pid)
    assert len(children) >= 6  # redis, gunicorn + 2 workers, rq worker, scheduler
    service.proc.send_signal(signal.SIGHUP)
    assert service.proc.wait(timeout=30) == 0
    assert wait_gone(children) == []
    assert not (service.var / "run.env").exists()


def test_second_terminal_is_told_what_to_export_and_sigkill_takes_the_children(service):
    """Secrets from the service's environment are not on disk: the banner does not point to
    a file, and a second terminal is told exactly what to export. Then SIGKILL of the
    supervisor, which cannot be caught: the parent-death signal stops every child, and the
    lock is free once the last of them is gone."""
    assert not (service.var / "secrets.env").exists()
    assert "secrets.env" not in service.log_lines("secrets ")[0]
    result = cli(service, "stats")
    assert result.returncode == 2
    assert "export API_TOKEN=" in result.stderr and str(service.proc.pid) in result.stderr

    children = live.descendants(service.proc.pid)
    service.proc.kill()
    service.proc.wait(timeout=10)
    assert wait_gone(children) == [], service.log_tail()
    # A child forked after the list was read (a job's work horse) dies with its own parent.
    assert lock_free_within(service.var / "run.lock"), holders_of(service.var / "run.lock")


def test_refusal_names_a_running_service(tmp_path):
    """The refusal line reads the run file: pid, URL and start time of the running one."""
    path = tmp_path / "run.env"
    runinfo.write({"PID": str(os.getpid()), "URL": "http://127.0.0.1:8123", "STARTED": "t0"}, path)
    line = runinfo.describe_running(path)
    assert f"pid {os.getpid()}" in line and "http://127.0.0.1:8123" in line


def test_a_child_that_keeps_crashing_stops_the_service_with_one_line(monkeypatch, caplog):
    """Real processes that exit at once: restarted with growing backoff, then one error line."""
    monkeypatch.setattr(supervisor, "FIRST_BACKOFF", 0.01)
    sup = supervisor.Supervisor({})
    sup._add("broken", lambda: spawn([sys.executable, "-c", "raise SystemExit(3)"]))
    with caplog.at_level(logging.WARNING, logger="service.supervisor"):
        assert sup.wait() == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "broken keeps crashing" in errors[0] and "exit code 3" in errors[0]
    restarts = [r for r in caplog.records if "restarting in" in r.getMessage()]
    assert len(restarts) == supervisor.MAX_QUICK_EXITS - 1


def test_a_child_that_dies_after_running_is_restarted_quickly(monkeypatch, caplog):
    """A healthy child that falls is back after the first backoff, and its count starts afresh."""
    monkeypatch.setattr(supervisor, "STABLE_SECONDS", 0.2)
    sup = supervisor.Supervisor({})
    sup._add("sleeper", lambda: spawn([sys.executable, "-c", "import time; time.sleep(60)"]))
    child = sup.children[0]
    try:
        time.sleep(0.3)
        first = child.proc.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (child.proc.pid == first or child.restart_at):
            sup.check()
            time.sleep(0.02)
        assert child.proc.pid != first and child.proc.poll() is None
        assert child.quick_exits == 0 and child.restarts == 1
    finally:
        sup.stop()


def test_second_terminal_ignores_a_stale_secrets_file(tmp_path):
    """Secrets the service took from its environment are not read back from an old file."""
    run_file, secrets_file = tmp_path / "run.env", tmp_path / "secrets.env"
    runinfo.write({"PID": "1", "PORT": "8123", "SECRETS_FROM_ENV": "API_TOKEN"}, run_file)
    secrets_file.write_text("API_TOKEN=stale\nBRIDGE_SECRET=generated\n")
    env: dict[str, str] = {}
    runinfo.fill_cli_env(env, run_file, secrets_file)
    assert env == {"BRIDGE_SECRET": "generated", "PORT": "8123"}
