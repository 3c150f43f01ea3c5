"""Chinese working-day calendar: statutory holidays, make-up working days and deadlines."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

import chinese_calendar

if TYPE_CHECKING:
    from domain.config import Config

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)  # one log line per unknown date, not one per message
def _detail(d: date) -> tuple[bool, str | None] | None:
    # chinese_calendar only knows the years the State Council has published; outside them we
    # return None and callers fall back to a plain Mon-Fri week instead of crashing.
    try:
        return chinese_calendar.get_holiday_detail(d)
    except NotImplementedError:
        log.warning("No holiday data for %s: assuming a Mon-Fri week", d)
        return None


def is_workday(d: date) -> bool:
    """True on a working day (including make-up working days on a weekend)."""
    detail = _detail(d)
    return d.weekday() < 5 if detail is None else not detail[0]


def is_holiday(d: date) -> bool:
    """True on a statutory public holiday day off (not an ordinary weekend)."""
    detail = _detail(d)
    return detail is not None and detail[0] and detail[1] is not None


def is_makeup_workday(d: date) -> bool:
    """True on a Saturday or Sunday that is a working day (调休上班)."""
    return d.weekday() >= 5 and is_workday(d)


def add_workdays(start: datetime, n: int) -> datetime:
    """The moment n working days after start, at the same local time (start's own zone)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    day = start.date()
    for _ in range(n):
        day += timedelta(days=1)
        while not is_workday(day):
            day += timedelta(days=1)
    return start.replace(year=day.year, month=day.month, day=day.day)


def deadline_for(config: Config, category_code: str, start: datetime) -> datetime:
    """When a ticket of this category opened at start must be resolved."""
    category = config.categories.get(category_code)
    if category is None:
        raise ValueError(f"unknown category code {category_code!r}")
    if category.resolve_hours is not None:
        return start + timedelta(hours=category.resolve_hours)
    # Working days are counted on the service's calendar, so use its local date and time.
    local = start.astimezone(config.tz) if start.tzinfo else start.replace(tzinfo=config.tz)
    return add_workdays(local, category.resolve_workdays)
