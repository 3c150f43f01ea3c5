"""What a running `make run` tells other terminals: its pid, port, and where its secrets are.

The supervisor writes var/run.env (no secret values in it) while it holds var/run.lock; the
command line reads it so `simulate`, `act` and `stats` talk to the running service, and a second
`make run` names the first one instead of starting over it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import MutableMapping
from pathlib import Path

from service.settings import SECRETS_FILE, VAR_DIR, load_secrets_file

RUN_FILE = VAR_DIR / "run.env"
LOCK_FILE = VAR_DIR / "run.lock"


class AlreadyRunning(Exception):
    """Another supervisor (or the children of one that is stopping) holds the lock."""


def acquire_lock(path: Path = LOCK_FILE) -> int:
    """An fd holding an exclusive flock on `path`; AlreadyRunning when someone else holds it.

    The fd is passed to every child: the lock lasts until the last process of the service is
    gone, so a second start cannot slip in while the first one's Redis is still shutting down.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise AlreadyRunning(describe_running()) from None
    return fd


def read(path: Path = RUN_FILE) -> dict[str, str]:
    """The `KEY=value` pairs of the run file (empty when no service wrote one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return {}
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip(): value.strip() for key, sep, value in pairs if sep and key.strip()}


def write(info: dict[str, str], path: Path = RUN_FILE) -> None:
    """Replace the run file atomically (a reader never sees half of it)."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(f"{k}={v}\n" for k, v in info.items()), encoding="utf-8")
    tmp.replace(path)


def remove(path: Path = RUN_FILE) -> None:
    """Forget the run file on the way out."""
    path.unlink(missing_ok=True)


def describe_running(path: Path = RUN_FILE) -> str:
    """One line naming the running service, for the refusal of a second start."""
    info = read(path)
    pid = info.get("PID", "?")
    alive = pid.isdigit() and _alive(int(pid))
    where = f"{info.get('URL', '?')}, started {info.get('STARTED', '?')}"
    if alive:
        return (
            f"服务已在运行 / already running: pid {pid} ({where}); "
            f"先停止它（在其终端按 Ctrl-C，或 kill {pid}）/ stop it first"
        )
    return (
        f"上一次启动的服务（pid {pid}）仍有子进程在退出 / the previous service is still "
        f"stopping its children ({LOCK_FILE} is held); 稍等几秒再试 / try again in a few seconds"
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fill_cli_env(
    environ: MutableMapping[str, str], run_file: Path = RUN_FILE, secrets_file: Path = SECRETS_FILE
) -> None:
    """Give a second terminal the running service's port and the generated secrets."""
    info = read(run_file)
    from_env = set(filter(None, info.get("SECRETS_FROM_ENV", "").split(",")))
    found: dict[str, str] = {}
    load_secrets_file(found, secrets_file)
    for name, value in found.items():
        # The running service took these from its environment: the file's would be stale.
        if name not in from_env:
            environ.setdefault(name, value)
    port = info.get("PORT")
    if port and not environ.get("PORT"):
        environ["PORT"] = port


def missing_secret_help(names: list[str]) -> str:
    """Exactly what to do when the CLI lacks a secret the service has."""
    info = read()
    from_env = set(filter(None, info.get("SECRETS_FROM_ENV", "").split(",")))
    lines = []
    for name in names:
        if name in from_env:
            lines.append(
                f"{name} 未设置：运行中的服务（pid {info.get('PID', '?')}）从环境变量取得它，"
                f"请在本终端执行 export {name}=<与服务相同的值> / "
                f"the running service took {name} from its environment: export the same value here"
            )
        elif info:
            lines.append(f"{name} 未设置，{SECRETS_FILE} 中也没有 / not set, not in that file")
        else:
            lines.append(
                f"{name} 未设置：先用 `make run` 启动服务（会生成 {SECRETS_FILE}）/ "
                "start the service with `make run` first"
            )
    return "\n".join(lines)
