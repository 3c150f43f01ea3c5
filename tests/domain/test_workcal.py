"""Working-day calendar and ticket deadlines."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from domain.config import load_config
from domain.workcal import add_workdays, deadline_for, is_holiday, is_makeup_workday, is_workday

SHANGHAI = ZoneInfo("Asia/Shanghai")
SAMPLE = Path(__file__).resolve().parents[2] / "config.yaml"


@pytest.fixture(scope="module")
def config():
    return load_config(SAMPLE)


@pytest.mark.parametrize(
    ("day", "workday", "holiday"),
    [
        (date(2026, 6, 10), True, False),  # ordinary Wednesday
        (date(2026, 6, 13), False, False),  # ordinary Saturday: day off, not a holiday
        (date(2026, 10, 1), False, True),  # National Day
        (date(2026, 10, 4), False, True),  # Sunday inside the National Day break
        (date(2026, 10, 8), True, False),  # first working day after the break
        (date(2026, 10, 10), True, False),  # Saturday make-up working day
        (date(2099, 3, 2), True, False),  # beyond chinese_calendar: Monday
        (date(2099, 3, 7), False, False),  # beyond chinese_calendar: Saturday
    ],
)
def test_calendar(day, workday, holiday):
    """Workdays follow the official calendar, or Mon-Fri where it has no data."""
    assert is_workday(day) is workday
    assert is_holiday(day) is holiday


def test_makeup_workday():
    """A working Saturday is a make-up day; an ordinary Monday is not."""
    assert is_makeup_workday(date(2026, 10, 10))
    assert not is_makeup_workday(date(2026, 10, 12))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (datetime(2026, 6, 10, 10, 0), 0, datetime(2026, 6, 10, 10, 0)),
        (datetime(2026, 6, 12, 15, 0), 1, datetime(2026, 6, 15, 15, 0)),  # Fri -> Mon
        (datetime(2026, 6, 13, 11, 0), 1, datetime(2026, 6, 15, 11, 0)),  # Sat -> Mon
        (datetime(2026, 9, 30, 10, 0), 1, datetime(2026, 10, 8, 10, 0)),  # over National Day
        (datetime(2026, 9, 30, 10, 0), 3, datetime(2026, 10, 10, 10, 0)),  # make-up Saturday
        (datetime(2099, 3, 6, 9, 0), 1, datetime(2099, 3, 9, 9, 0)),  # no data: Mon-Fri
    ],
)
def test_add_workdays(start, n, expected):
    """n working days later at the same local time, skipping weekends and holidays."""
    start, expected = start.replace(tzinfo=SHANGHAI), expected.replace(tzinfo=SHANGHAI)
    assert add_workdays(start, n) == expected


def test_add_workdays_rejects_negative():
    """A negative count is a programming error."""
    with pytest.raises(ValueError):
        add_workdays(datetime(2026, 6, 10, tzinfo=SHANGHAI), -1)


def test_deadline_resolve_hours(config):
    """A category with resolve_hours is due that many clock hours later, nights included."""
    start = datetime(2026, 6, 12, 23, 0, tzinfo=SHANGHAI)
    assert deadline_for(config, "fire_lane_blocked", start) == start + timedelta(hours=2)
    assert deadline_for(config, "street_vending", start) == start + timedelta(hours=4)


def test_deadline_resolve_workdays_in_local_time(config):
    """Working-day limits count on the Shanghai calendar even for a UTC start."""
    start = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tue 10:00 in Shanghai
    due = deadline_for(config, "illegal_construction", start)  # 5 working days
    assert due == datetime(2026, 10, 12, 10, 0, tzinfo=SHANGHAI)


def test_deadline_unknown_category(config):
    """An unknown category code raises ValueError."""
    with pytest.raises(ValueError):
        deadline_for(config, "flying_saucer", datetime(2026, 6, 10, tzinfo=SHANGHAI))
