"""Real `python -m workers --burst` processes for tests that need more than one worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_burst_workers(env: dict[str, str], prefix: str, count: int = 2) -> list[int]:
    """Start `count` burst workers side by side and return their exit codes once all ended."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "workers", "--burst", "--name", f"{prefix}{k}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for k in range(count)
    ]
    return [p.wait(timeout=120) for p in procs]
