"""Figures for squadron leaders and the bureau, from tickets (merged reports count once).

The numbers come from GROUP BY queries in domain/desk_stats.py; this module shapes them for
`/api/stats` and the weekly push."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from domain.desk_stats import figures
from domain.lifecycle import STATUS_NAMES


@dataclass
class Report:
    """One period's figures; every number is derived from stored tickets."""

    start: datetime
    end: datetime
    incidents: int = 0  # tickets that are not merged duplicates
    reports: int = 0  # residents' reports, duplicates included
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_station: dict[str, int] = field(default_factory=dict)
    amounts: dict[str, dict[str, float]] = field(default_factory=dict)  # category -> unit -> sum
    accepted_on_time: tuple[int, int] = (0, 0)  # (on time, accepted)
    resolved_on_time: tuple[int, int] = (0, 0)
    satisfaction: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-friendly figures with rates."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "incidents": self.incidents,
            "reports": self.reports,
            "by_category": self.by_category,
            "by_status": self.by_status,
            "by_station": self.by_station,
            "amounts": self.amounts,
            "accepted_on_time_rate": _rate(*self.accepted_on_time),
            "resolved_on_time_rate": _rate(*self.resolved_on_time),
            "accepted": self.accepted_on_time[1],
            "resolved": self.resolved_on_time[1],
            "satisfaction": self.satisfaction,
        }


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def period_report(
    session: Session,
    config,
    start: datetime,
    end: datetime,
    squadron: str | None = None,
    stations: list[str] | None = None,
) -> Report:
    """Figures for tickets created in [start, end), for one squadron's stations, or for
    `stations` when given (a person's scope), else the district."""
    if stations is None and squadron:
        stations = [s.code for s in config.stations if s.squadron == squadron]
    fig = figures(session, config, start, end, stations)
    return Report(
        start,
        end,
        incidents=fig.incidents,
        reports=fig.reports,
        by_category=fig.by_category,
        by_status=fig.by_status,
        by_station=fig.by_station,
        amounts=fig.amounts,
        accepted_on_time=(fig.accepted_on_time, fig.accepted),
        resolved_on_time=(fig.resolved_on_time, fig.resolved),
        satisfaction=fig.satisfaction,
    )


def render_text(report: Report, config) -> str:
    """The figures as the bureau writes them (Chinese, one line per item)."""
    cats = config.categories
    lines = [
        f"统计区间：{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}",
        f"受理问题 {report.incidents} 起（居民反映 {report.reports} 次）",
    ]
    for code, n in sorted(report.by_category.items(), key=lambda kv: -kv[1]):
        done = report.amounts.get(code, {})
        extra = "，".join(f"处置 {v:g}{u}" for u, v in done.items())
        lines.append(f"  {cats[code].zh} {n} 起" + (f"（{extra}）" if extra else ""))
    lines.append(
        "状态：" + "，".join(f"{STATUS_NAMES[s]} {n}" for s, n in report.by_status.items())
    )
    data = report.as_dict()
    lines.append(
        f"按时接单率 {_pct(data['accepted_on_time_rate'])}，"
        f"按时办结率 {_pct(data['resolved_on_time_rate'])}"
    )
    sat = report.satisfaction
    lines.append(
        f"满意 {sat.get('satisfied', 0)}，不满意 {sat.get('unsatisfied', 0)}，"
        f"未评价 {sat.get('timeout', 0)}"
    )
    return "\n".join(lines)


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"
