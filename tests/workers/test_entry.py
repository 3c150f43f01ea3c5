"""`python -m workers` refuses a missing or broken config in one line; jobs need an installed
runtime."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workers import runtime

ROOT = Path(__file__).resolve().parents[2]


def start_worker(config_file: Path) -> subprocess.CompletedProcess:
    """Run `python -m workers --burst` with CONFIG_FILE pointing at `config_file`."""
    env = {**os.environ, "CONFIG_FILE": str(config_file), "REDIS_URL": "redis://127.0.0.1:1/0"}
    return subprocess.run(
        [sys.executable, "-m", "workers", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "cannot read config file"), ("service: [unclosed\n", "invalid YAML at line 2")],
)
def test_bad_config_is_one_clear_line(tmp_path, content, says):
    """A missing or unparsable config.yaml exits 2 with one line naming the file, no traceback."""
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content, "utf-8")
    result = start_worker(path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and says in lines[0], result.stderr


def test_a_job_without_an_installed_runtime_fails_loudly():
    """Nothing builds a runtime behind the caller's back from the environment."""
    runtime.install(None)
    with pytest.raises(runtime.NotInstalled, match="python -m workers"):
        runtime.current()
