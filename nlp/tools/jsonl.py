"""Reading JSON Lines message files, forgiving of blank and malformed lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TextIO


def read_jsonl(stream: TextIO, source: str = "<stdin>") -> Iterator[dict]:
    """Objects of a JSON Lines stream; blank and malformed lines are skipped with a stderr note."""
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            print(f"{source}:{lineno}: skipped, not JSON ({exc})", file=sys.stderr)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            print(f"{source}:{lineno}: skipped, no text field", file=sys.stderr)
            continue
        yield obj
