"""Who is on duty at a station at a given moment, with the squadron's duty officer as fallback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.config import DAYS, Config, Person, Shift, Station
from domain.workcal import is_holiday, is_makeup_workday

REASON_ON_DUTY = "值班中"
REASON_OFF_HOURS = "非值班时间"
REASON_HOLIDAY = "法定节假日"


@dataclass(frozen=True)
class Duty:
    """The people to notify: rostered officers, or the squadron duty officer as fallback."""

    officers: tuple[Person, ...]
    fallback: bool
    reason: str


def on_duty(config: Config, station_code: str, at: datetime) -> Duty:
    """Who is on duty at station_code at the aware moment `at` (in service local time)."""
    if at.tzinfo is None:
        raise ValueError("at must be timezone-aware")
    station = config.station(station_code)
    if station is None:
        raise KeyError(f"unknown station {station_code!r}")
    local = at.astimezone(config.tz).replace(tzinfo=None)
    userids = _rostered_userids(station, local)
    if userids:
        people = tuple(p for p in station.officers if p.userid in userids)
        return Duty(officers=people, fallback=False, reason=REASON_ON_DUTY)
    reason = REASON_HOLIDAY if is_holiday(local.date()) else REASON_OFF_HOURS
    duty_officer = config.squadron(station.squadron).duty_officer
    return Duty(officers=(duty_officer,), fallback=True, reason=reason)


def roster_day(d: date) -> str | None:
    """The roster weekday ("mon".."sun") that applies on d, or None on a statutory holiday."""
    if is_holiday(d):
        return None
    # chinese_calendar does not say which weekday a make-up working day replaces, so a
    # weekend working day simply runs the Monday roster (full weekday staffing).
    if is_makeup_workday(d):
        return "mon"
    return DAYS[d.weekday()]


def _rostered_userids(station: Station, local: datetime) -> set[str]:
    # A shift belongs to the day it starts on: check today's shifts and yesterday's overnight ones.
    found: set[str] = set()
    for start_day in (local.date(), local.date() - timedelta(days=1)):
        weekday = roster_day(start_day)
        for shift in station.roster:
            if weekday in shift.days and _covers(shift, start_day, local):
                found.update(shift.officers)
    return found


def _covers(shift: Shift, start_day: date, local: datetime) -> bool:
    begin = datetime.combine(start_day, shift.start)
    end_day = start_day + timedelta(days=1) if shift.overnight else start_day
    return begin <= local < datetime.combine(end_day, shift.end)
