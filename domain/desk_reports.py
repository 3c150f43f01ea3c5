"""Daily, weekly and monthly reports in the bureau's own words (本月共受理…，办结…，拆除违建…处).

The paragraph follows the article the bureau published: totals first, then the work done in
the units it reports upward (处/平方米/辆/只/张/起), then timeliness and satisfaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.desk_stats import Figures, rate

PERIODS = ("daily", "weekly", "monthly")
PERIOD_WORDS = {"daily": "当日", "weekly": "本周", "monthly": "本月"}
PERIOD_NAMES = {"daily": "日报", "weekly": "周报", "monthly": "月报"}
# category -> how the article says the work done, before the amount and its unit.
DONE_VERBS = {
    "illegal_construction": "拆除违建",
    "fire_lane_blocked": "清理占堵消防通道",
    "clutter": "清理乱堆乱放",
    "garbage": "处理垃圾问题",
    "green_damage": "恢复绿地",
    "street_vending": "清理占路经营",
    "outdoor_bbq": "取缔露天烧烤",
    "illegal_ads": "清理乱贴乱画小广告",
    "nonmotor_parking": "清理乱停放非机动车",
    "ground_lock": "拆除地桩地锁",
    "stray_dog": "捕捉流浪犬",
    "dog_nuisance": "查处不文明养犬",
    "live_poultry": "取缔活禽宰杀",
    "construction_nuisance": "处理施工扰民",
    "other": "办结其他问题",
}


@dataclass(frozen=True)
class Period:
    """A report's bounds in local time and its wording."""

    kind: str
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        """ "2026年11月", "2026-11-23 至 2026-11-29" or "2026年11月26日"."""
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "weekly":
            last = (self.end - timedelta(days=1)).date()
            return f"{self.start:%Y-%m-%d} 至 {last:%Y-%m-%d}"
        return f"{self.start.year}年{self.start.month}月{self.start.day}日"


def period_containing(kind: str, day: date, tz) -> Period:
    """The day, the Monday-to-Sunday week or the month that contains `day`."""
    if kind == "daily":
        first, last = day, day + timedelta(days=1)
    elif kind == "weekly":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=7)
    elif kind == "monthly":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1)
    else:
        raise ValueError(f"unknown period {kind!r}")
    return Period(kind, datetime.combine(first, time(0), tz), datetime.combine(last, time(0), tz))


def previous_period(kind: str, today: date, tz) -> Period:
    """The last complete day, week or month before `today`."""
    current = period_containing(kind, today, tz)
    return period_containing(kind, current.start.date() - timedelta(days=1), tz)


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def done_phrases(fig: Figures, config) -> list[str]:
    """The work done per category in the article's units (拆除违建87处、195280平方米)."""
    phrases = []
    for code, verb in DONE_VERBS.items():
        n = fig.done.get(code, 0)
        if not n:
            continue
        unit = config.categories[code].unit
        amount = fig.amounts.get(code, {}).get(unit)
        if code == "illegal_construction":  # counted in 处 and measured in 平方米, as reported
            phrases.append(f"{verb}{n}处" + (f"、{_num(amount)}平方米" if amount else ""))
        elif amount is not None:
            phrases.append(f"{verb}{_num(amount)}{unit}")
        else:  # nobody wrote an amount: count the tickets (an area cannot be guessed)
            phrases.append(f"{verb}{n}{'处' if unit == '平方米' else unit}")
    return phrases


def paragraph(fig: Figures, config, period: Period, scope_label: str) -> str:
    """One paragraph: 本月共受理…，办结…，拆除违建…处、…平方米，…；按时办结率…，满意率…。"""
    word = PERIOD_WORDS[period.kind]
    done = sum(fig.done.values())
    text = (
        f"{period.label}，{scope_label}{word}共受理群众反映问题{fig.incidents}起"
        f"（居民反映{fig.reports}次），办结{done}起"
    )
    phrases = done_phrases(fig, config)
    if phrases:
        text += "，其中" + "，".join(phrases)
    text += "。"
    timely = []
    accept, resolve = (
        rate(fig.accepted_on_time, fig.accepted),
        rate(fig.resolved_on_time, fig.resolved),
    )
    if accept is not None:
        timely.append(f"按时接单率{accept:.1%}")
    if resolve is not None:
        timely.append(f"按时办结率{resolve:.1%}")
    sat = fig.satisfaction
    rated = sat.get("satisfied", 0) + sat.get("unsatisfied", 0)
    if rated:
        timely.append(f"群众满意率{sat.get('satisfied', 0) / rated:.1%}")
    if timely:
        text += "，".join(timely) + "。"
    return text
