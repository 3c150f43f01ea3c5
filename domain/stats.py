"""Figures for squadron leaders and the bureau, from tickets (merged reports count once)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.lifecycle import STATUS_NAMES
from domain.models import Ticket


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
    session: Session, config, start: datetime, end: datetime, squadron: str | None = None
) -> Report:
    """Figures for tickets created in [start, end), optionally for one squadron's stations."""
    q = select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)
    if squadron:
        q = q.where(Ticket.station.in_([s.code for s in config.stations if s.squadron == squadron]))
    report = Report(start, end)
    tickets = list(session.scalars(q))
    report.reports = len(tickets)
    incidents = [t for t in tickets if t.status != "merged"]
    report.incidents = len(incidents)
    report.by_category = dict(Counter(t.category for t in incidents))
    report.by_status = dict(Counter(t.status for t in incidents))
    report.by_station = dict(Counter(t.station for t in incidents))
    report.amounts = _amounts(incidents)
    report.accepted_on_time = _on_time(incidents, "accepted_at", _accept_deadline(config))
    report.resolved_on_time = _on_time(incidents, "resolved_at", lambda t: t.resolve_by)
    report.satisfaction = dict(Counter(t.satisfaction for t in incidents if t.satisfaction))
    return report


def _amounts(tickets: list[Ticket]) -> dict[str, dict[str, float]]:
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in tickets:
        res = t.resolution or {}
        if res.get("amount") is not None and t.status in ("resolved", "closed"):
            sums[t.category][res["unit"]] += res["amount"]
    return {c: dict(u) for c, u in sums.items()}


def _accept_deadline(config):
    limits = config.time_limits.accept_minutes

    def deadline(t: Ticket):
        return t.created_at + timedelta(minutes=limits.urgent if t.urgent else limits.normal)

    return deadline


def _on_time(tickets: list[Ticket], attr: str, deadline) -> tuple[int, int]:
    done = [t for t in tickets if getattr(t, attr)]
    hits = sum(1 for t in done if deadline(t) and getattr(t, attr) <= deadline(t))
    return hits, len(done)


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
