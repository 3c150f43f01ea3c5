"""Fuzz figures: the property tests of tests/bot/test_fuzz.py with more examples, random seeds.

Run: .venv/bin/python bench/fuzz.py [SCALE]   (default 5: five times the suite's counts)

Prints, per target and kind of mutation, how many inputs were tried and which status codes came
back; the last line totals them with the number of 5xx answers (which must be 0). Uses
TEST_DATABASE_URL like the suite (else a temporary SQLite).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    scale = sys.argv[1] if len(sys.argv) > 1 else "5"
    env = {**os.environ, "FUZZ_EXAMPLES_SCALE": scale, "FUZZ_RANDOM": "1"}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:cacheprovider",
            "tests/bot/test_fuzz.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    lines = result.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("fuzz figures")), None)
    if start is None:
        print(result.stdout[-3000:], result.stderr[-3000:])
        return 1
    figures = [line for line in lines[start + 1 :] if "inputs" in line]
    database = os.environ.get("TEST_DATABASE_URL", "temporary SQLite").split("@")[-1]
    print(f"fuzz at scale {scale} on {database}, {took:.0f} s, pytest exit {result.returncode}")
    print("\n".join(figures))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
