"""Input checks every edge shares: characters, nesting, number and date ranges.

Whatever passes here stores the same way on SQLite and PostgreSQL: PostgreSQL refuses NUL in
text and lone surrogates in JSON, SQLite takes both, so both are refused before storage.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime

MAX_DEPTH = 8  # nesting of a bridge body's extra fields (image, location...): 3 is plenty
MAX_ID_CHARS = 128  # msg ids, sender ids, group ids, names: the width of the columns
# Sent times outside this span are a broken clock or a probe; inside it datetime never overflows
# whatever the offset (a UTC offset is under one day).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 1, 1)
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")


class BadInput(ValueError):
    """A value we refuse; `field` names where it was (dotted path), `reason` says why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored (NUL or a lone surrogate), or None."""
    m = _BAD_CHARS.search(value)
    if m is None:
        return None
    return "contains NUL" if m.group() == "\x00" else "contains a lone surrogate"


def check_text(field: str, value: str, max_chars: int | None = None) -> str:
    """`value` unchanged when storable and not longer than `max_chars`; BadInput otherwise."""
    problem = text_problem(value)
    if problem:
        raise BadInput(field, problem)
    if max_chars is not None and len(value) > max_chars:
        raise BadInput(field, f"longer than {max_chars} characters")
    return value


def printable(value) -> str:
    """`value` as text safe to log or answer: lone surrogates become backslash escapes."""
    return str(value).encode("utf-8", "backslashreplace").decode("utf-8")


def check_tree(value, field: str = "", max_depth: int = MAX_DEPTH) -> None:
    """Walk parsed JSON without recursion: refuse deep nesting and unstorable strings or keys."""
    stack = [(value, field or "body", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > max_depth:
            raise BadInput(path, f"nested deeper than {max_depth} levels")
        if isinstance(item, str):
            check_text(path, item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise BadInput(path, "is not a finite number")
        elif isinstance(item, dict):
            for key, child in item.items():
                check_text(f"{path} (a key)", str(key))
                child_path = f"{path}.{key}" if depth else str(key)
                stack.append((child, child_path, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(item))


def unix_seconds(field: str, value) -> datetime:
    """Unix seconds (int or finite float) in the accepted span, as an aware UTC datetime."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadInput(field, "must be unix seconds")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput(field, "is not a finite number")
    if not EARLIEST.timestamp() <= value < LATEST.timestamp():
        raise BadInput(field, "must lie between 2000 and 2100")
    return datetime.fromtimestamp(value, UTC)


def in_span(field: str, value: datetime) -> datetime:
    """An aware datetime in the accepted span (checked before any zone arithmetic)."""
    # Compare the wall-clock part first: converting year 1 or 9999 with an offset overflows.
    if (
        not EARLIEST.replace(tzinfo=None)
        <= value.replace(tzinfo=None)
        < LATEST.replace(tzinfo=None)
    ):
        raise BadInput(field, "must lie between 2000 and 2100")
    return value


def day_in_span(field: str, value: date) -> date:
    """A calendar day the statistics can reach (2000-01-01 to 2099-12-31)."""
    if not EARLIEST_DAY <= value < LATEST_DAY:
        raise BadInput(field, "must lie between 2000-01-01 and 2099-12-31")
    return value


def bounded_int(field: str, raw: str | None, default: int, low: int, high: int) -> int:
    """A query-string integer between `low` and `high`, or BadInput naming `field`."""
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?[0-9]{1,10}", raw.strip()):
        raise BadInput(field, f"must be an integer between {low} and {high}")
    number = int(raw)
    if not low <= number <= high:
        raise BadInput(field, f"must be an integer between {low} and {high}")
    return number
