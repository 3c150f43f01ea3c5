"""The statistics as tables: one shape for the page, the Excel workbook and the CSV file."""

from __future__ import annotations

from dataclasses import dataclass

from domain.desk_stats import Figures, rate
from domain.lifecycle import STATUS_NAMES


@dataclass(frozen=True)
class Table:
    """A titled table; `key` names it in `?table=` and as the Excel sheet."""

    key: str
    title: str
    columns: list[str]
    rows: list[list]


def minutes(seconds: float | None) -> float | None:
    """Seconds as minutes, one decimal."""
    return None if seconds is None else round(seconds / 60, 1)


def hours(seconds: float | None) -> float | None:
    """Seconds as hours, one decimal."""
    return None if seconds is None else round(seconds / 3600, 1)


def summary(fig: Figures) -> Table:
    """The headline figures."""
    sat = fig.satisfaction
    rated = sat.get("satisfied", 0) + sat.get("unsatisfied", 0)
    rows = [
        ["受理问题（起）", fig.incidents],
        ["居民反映（次）", fig.reports],
        ["已办结（件）", sum(fig.done.values())],
        ["已接单（件）", fig.accepted],
        ["按时接单率", rate(fig.accepted_on_time, fig.accepted)],
        ["接单用时中位数（分钟）", minutes(fig.accept_seconds.get(0.5))],
        ["接单用时 P90（分钟）", minutes(fig.accept_seconds.get(0.9))],
        ["按时办结率", rate(fig.resolved_on_time, fig.resolved)],
        ["办结用时中位数（小时）", hours(fig.resolve_seconds.get(0.5))],
        ["办结用时 P90（小时）", hours(fig.resolve_seconds.get(0.9))],
        ["满意", sat.get("satisfied", 0)],
        ["不满意", sat.get("unsatisfied", 0)],
        ["未评价", sat.get("timeout", 0)],
        ["满意率", rate(sat.get("satisfied", 0), rated)],
    ]
    return Table("summary", "概况", ["指标", "数值"], rows)


def by_category(fig: Figures, config) -> Table:
    """Incidents, reports and work done per category, in the category's own unit."""
    rows = []
    for code, cat in config.categories.items():
        if not fig.reports_by_category.get(code):
            continue
        amount = fig.amounts.get(code, {}).get(cat.unit)
        rows.append(
            [
                cat.zh,
                fig.by_category.get(code, 0),
                fig.reports_by_category.get(code, 0),
                fig.done.get(code, 0),
                amount,
                cat.unit,
            ]
        )
    return Table(
        "category",
        "按类别",
        ["类别", "受理（起）", "反映（次）", "办结（件）", "处置量", "单位"],
        rows,
    )


def amounts(fig: Figures, config) -> Table:
    """Every (category, unit) sum the officers reported: 处/平方米/辆/只/张/起."""
    rows = [
        [config.categories[code].zh, unit, value]
        for code in config.categories
        for unit, value in sorted(fig.amounts.get(code, {}).items())
    ]
    return Table("amounts", "处置量", ["类别", "单位", "数量"], rows)


def by_station(fig: Figures, config) -> Table:
    """Incidents per station, busiest first."""
    rows = []
    for code, reports in sorted(fig.reports_by_station.items(), key=lambda kv: (-kv[1], kv[0])):
        station = config.station(code)
        squadron = config.squadron(station.squadron).name if station else ""
        name = station.name if station else code
        rows.append([name, squadron, fig.by_station.get(code, 0), reports])
    return Table("station", "按工作站", ["工作站", "中队", "受理（起）", "反映（次）"], rows)


def by_day(fig: Figures) -> Table:
    """Incidents and reports per local day."""
    rows = [[d, fig.by_day.get(d, 0), n] for d, n in fig.reports_by_day.items()]
    return Table("day", "按日", ["日期", "受理（起）", "反映（次）"], rows)


def by_status(fig: Figures) -> Table:
    """Incidents per status."""
    rows = [[STATUS_NAMES[s], n] for s, n in sorted(fig.by_status.items(), key=lambda kv: -kv[1])]
    return Table("status", "按状态", ["状态", "数量"], rows)


def heat(fig: Figures, config) -> Table:
    """Communities by categories: where which problem keeps coming back."""
    cats = [c for c in config.categories if any(k[0] == c for k in fig.heat)]
    totals: dict[str, int] = {}
    for (_, community), n in fig.heat.items():
        totals[community] = totals.get(community, 0) + n
    rows = [
        [community, *[fig.heat.get((c, community), 0) for c in cats], total]
        for community, total in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    columns = ["小区", *[config.categories[c].zh for c in cats], "合计"]
    return Table("heat", "类别 × 小区", columns, rows)


def all_tables(fig: Figures, config) -> list[Table]:
    """Every table of the statistics page, in page order."""
    return [
        summary(fig),
        by_category(fig, config),
        amounts(fig, config),
        by_station(fig, config),
        by_day(fig),
        by_status(fig),
        heat(fig, config),
    ]
