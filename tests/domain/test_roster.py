"""Roster: who is on duty at a station, with the squadron duty officer as fallback."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from domain.config import CATEGORY_CODES, Config
from domain.roster import on_duty

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _person(userid: str) -> dict:
    return {"userid": userid, "name": f"测试{userid}"}


def _shift(days, start, end, officers) -> dict:
    return {"days": days, "start": start, "end": end, "officers": officers}


def minimal_mapping() -> dict:
    """A small valid config: one squadron, a day station and a night-shift station."""
    category = {"zh": "测试", "urgent": False, "resolve_workdays": 1, "unit": "起"}
    day_roster = [
        _shift(WEEKDAYS, "08:30", "17:30", ["a1", "a2"]),
        _shift(["sat", "sun"], "09:00", "17:00", ["a1"]),
    ]
    night_roster = [_shift(["fri"], "22:00", "06:00", ["b1"])]
    return {
        "service": {
            "name": "社区城管助手",
            "bot_name": "城管小助手",
            "ticket_prefix": "CY",
            "public_url": "http://127.0.0.1:8000",
        },
        "secrets": {
            key: key.upper()
            for key in (
                "bridge_secret",
                "api_token",
                "bridge_reply_url",
                "wecom_corp_id",
                "wecom_secret",
                "wecom_agent_id",
                "wecom_token",
                "wecom_encoding_aes_key",
                "wechat_app_id",
                "wechat_app_secret",
                "wechat_token",
                "wechat_encoding_aes_key",
            )
        },
        "time_limits": {"accept_minutes": {"urgent": 10, "normal": 30}},
        "categories": {code: dict(category) for code in CATEGORY_CODES},
        "squadrons": [
            {
                "code": "sq",
                "name": "测试街道中队",
                "street": "测试",
                "leader": _person("lead"),
                "duty_officer": _person("duty"),
            }
        ],
        "stations": [
            {
                "code": "ST01",
                "name": "日班工作站",
                "squadron": "sq",
                "officers": [_person("a1"), _person("a2")],
                "roster": day_roster,
            },
            {
                "code": "ST02",
                "name": "夜班工作站",
                "squadron": "sq",
                "officers": [_person("b1"), _person("b2")],
                "roster": night_roster,
            },
        ],
        "communities": [{"name": "测试小区", "station": "ST01", "groups": ["grp-test"]}],
    }


@pytest.fixture(scope="module")
def config() -> Config:
    return Config.from_mapping(minimal_mapping())


def _local(y, mo, d, h, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


def _first_makeup_day_2026() -> date:
    day = date(2026, 1, 1)
    while not (day.weekday() >= 5 and chinese_calendar.is_workday(day)):
        day += timedelta(days=1)
    return day


# 2026-06-10 is an ordinary Wednesday, 2026-06-12/13/14 Friday/Saturday/Sunday.
CASES = [
    ("ST01", _local(2026, 6, 10, 8, 29), ["duty"], "非值班时间"),
    ("ST01", _local(2026, 6, 10, 8, 30), ["a1", "a2"], "值班中"),
    ("ST01", _local(2026, 6, 10, 17, 29), ["a1", "a2"], "值班中"),
    ("ST01", _local(2026, 6, 10, 17, 30), ["duty"], "非值班时间"),
    ("ST01", _local(2026, 6, 10, 23, 0), ["duty"], "非值班时间"),
    ("ST01", _local(2026, 6, 13, 10, 0), ["a1"], "值班中"),
    ("ST01", _local(2026, 6, 14, 16, 59), ["a1"], "值班中"),
    ("ST02", _local(2026, 6, 12, 21, 59), ["duty"], "非值班时间"),
    ("ST02", _local(2026, 6, 12, 22, 0), ["b1"], "值班中"),
    ("ST02", _local(2026, 6, 13, 2, 0), ["b1"], "值班中"),
    ("ST02", _local(2026, 6, 13, 6, 0), ["duty"], "非值班时间"),
    ("ST02", _local(2026, 6, 14, 2, 0), ["duty"], "非值班时间"),
    ("ST01", _local(2026, 10, 1, 10, 0), ["duty"], "法定节假日"),
    ("ST01", datetime(2026, 6, 10, 0, 30, tzinfo=UTC), ["a1", "a2"], "值班中"),
    ("ST01", datetime(2026, 6, 10, 9, 30, tzinfo=UTC), ["duty"], "非值班时间"),
]
CASE_IDS = [
    "08:29 before shift",
    "08:30 shift starts",
    "17:29 still on",
    "17:30 shift over",
    "weekday night",
    "saturday single officer",
    "sunday single officer",
    "before overnight shift",
    "overnight shift starts friday",
    "overnight covers saturday 02:00",
    "overnight ends 06:00",
    "no saturday overnight shift",
    "national day holiday",
    "utc 00:30 is 08:30 local",
    "utc 09:30 is 17:30 local",
]


@pytest.mark.parametrize(("station", "at", "expected", "reason"), CASES, ids=CASE_IDS)
def test_on_duty(config, station, at, expected, reason):
    """Rostered officers within [start, end); otherwise the squadron duty officer."""
    duty = on_duty(config, station, at)
    assert [p.userid for p in duty.officers] == expected
    assert duty.reason == reason
    assert duty.fallback == (expected == ["duty"])


def test_makeup_working_day_uses_monday_roster(config):
    """A weekend made a working day (调休) runs the Monday roster, both officers."""
    makeup = _first_makeup_day_2026()
    assert makeup.weekday() >= 5
    at = datetime.combine(makeup, datetime.min.time(), SHANGHAI).replace(hour=8, minute=45)
    duty = on_duty(config, "ST01", at)
    assert [p.userid for p in duty.officers] == ["a1", "a2"] and not duty.fallback


def test_naive_datetime_is_refused(config):
    """A naive datetime is ambiguous and raises ValueError."""
    with pytest.raises(ValueError):
        on_duty(config, "ST01", datetime(2026, 6, 10, 10, 0))


def test_unknown_station(config):
    """An unknown station code raises KeyError."""
    with pytest.raises(KeyError):
        on_duty(config, "ST99", _local(2026, 6, 10, 10))
