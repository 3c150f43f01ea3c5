"""Holidays: nobody rostered means the squadron duty officer; deadlines skip public holidays."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.loop.conftest import CLUTTER

NATIONAL_DAY_MORNING = datetime(2026, 10, 2, 2, 0, tzinfo=UTC)  # Fri 10:00, a public holiday
NIGHT = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thu 22:00


def test_holiday_complaint_goes_to_the_squadron_duty_officer(chat, clock):
    """On National Day the station's roster does not apply: 城阳街道中队's duty officer gets it."""
    clock.now = NATIONAL_DAY_MORNING
    chat.resident(CLUTTER)
    ticket = chat.ticket()
    assert ticket.officer == "cy_duty"
    assert ticket.events[1].note == "派给 王建国（法定节假日）"


def test_night_complaint_goes_to_the_duty_officer(chat, clock):
    """At 22:00 nobody is rostered: fallback to the squadron duty officer."""
    clock.now = NIGHT
    chat.resident(CLUTTER)
    assert chat.ticket().officer == "cy_duty"


def test_resolve_deadline_skips_the_holiday(chat, clock):
    """Clutter (2 working days) reported on 2 Oct counts 8 and 9 Oct: due 9 Oct, not 4 Oct."""
    clock.now = NATIONAL_DAY_MORNING
    chat.resident(CLUTTER)
    due = chat.ticket().resolve_by.astimezone(chat.services.config.tz)
    assert (due.month, due.day, due.hour) == (10, 9, 10)
