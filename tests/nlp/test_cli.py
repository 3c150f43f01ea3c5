"""The classify CLI: JSONL in, JSONL out, bad lines skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_classify_cli_skips_bad_lines():
    """Blank and malformed lines are skipped with a note on stderr; good ones are answered."""
    lines = [
        json.dumps({"id": "a", "text": "9号楼消防通道被车堵死了", "group": "檀府"}, ensure_ascii=False),
        "",
        "{not json",
        json.dumps({"id": "b", "text": "早上好", "group": "檀府"}, ensure_ascii=False),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "nlp", "classify"],
        input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT, check=True,
        encoding="utf-8",
    )
    rows = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) == {"id", "intent", "category", "urgent", "community", "place"}
    assert rows[0]["category"] == "fire_lane_blocked" and rows[0]["urgent"] is True
    assert rows[1] == {"id": "b", "intent": "chatter", "category": None, "urgent": False,
                       "community": None, "place": None}
    assert "skipped" in proc.stderr
