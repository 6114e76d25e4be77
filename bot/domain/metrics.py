"""The one home of every project metric the client reports on: each defined once, here, from the counts
`storage.metrics.gather` reads (docs/metrics.md gives every formula). The status card, the digest, the weekly
report, the risk rules and the export read these; so will a web dashboard. Pure, but for `read`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.workdays import WorkCalendar, WorkingHours
from storage import metrics as store
from storage.metrics import Counts
from storage.models import Project

WINDOW_DAYS = 30  # cycle time and approval lead time: work finished or decided in the last 30 days
STANDUP_DAYS = 7  # standup participation: prompts of the last 7 days
MILESTONE_RULES = ("milestone_slipped", "milestone_late_task", "milestone_slip")  # jobs/risks.py
DELAY_RED = 20  # RAG: red when more than this % of the open dated tasks are overdue


def is_overdue(status: str, due_date: dt.date | None, due_time: dt.time | None, now_local: dt.datetime) -> bool:
    """Overdue: not done, and past its due day, or past its due time on the day (project-local clock).
    `storage.metrics.overdue_clause` is the same rule in SQL."""
    if status == "done" or due_date is None:
        return False
    today = now_local.date()
    return due_date < today or (due_date == today and due_time is not None and due_time < now_local.time()
                                .replace(tzinfo=None))


def pct(part: float, whole: float) -> int | None:
    """part / whole as a whole percentage, rounded half up (25.5 → 26); None when there is no whole."""
    if not whole:
        return None
    return math.floor(part * 100 / whole + 0.5)


@dataclass(frozen=True, slots=True)
class Metrics:
    total: int
    done: int
    blocked: int
    completion: int | None  # % of tasks done
    delay: int | None  # % of open dated tasks overdue
    effort: int | None  # signed % of logged over estimated, on done tasks with an estimate
    cycle_days: float | None  # mean days from created to done, tasks done in the window
    standup: int | None  # % of standup prompts answered, last STANDUP_DAYS days
    overdue: int  # open tasks overdue
    at_risk: int  # open risk alerts (tasks, milestones, requests)
    approval_lead_hours: float | None  # mean working hours from submission to decision, window
    milestone_slipping: bool


def compute(c: Counts, *, cal: WorkCalendar, hours: WorkingHours, tz: dt.tzinfo) -> Metrics:
    """Every metric of one project from its counts."""
    effort = pct(c.done_logged - c.done_estimate, c.done_estimate)
    cycle = round(c.cycle_days / c.cycle_done, 1) if c.cycle_done else None
    lead = None
    if c.approvals:
        spans = [cal.working_hours_between(s.astimezone(tz), d.astimezone(tz), hours) for s, d in c.approvals]
        lead = round(sum(spans) / len(spans), 1)
    return Metrics(c.total, c.done, c.blocked, pct(c.done, c.total), pct(c.overdue, c.open_due), effort, cycle,
                   pct(c.standup_answered, c.standup_asked), c.overdue, c.risks_open, lead,
                   any(c.risk_rules.get(r) for r in MILESTONE_RULES))


def show_pct(value: int | None, *, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+d}%" if signed else f"{value}%"


def shown(m: Metrics) -> dict[str, str]:
    """Each metric as every surface shows it (so all of them print the same figure)."""
    return {"completion": show_pct(m.completion), "delay": show_pct(m.delay),
            "effort": show_pct(m.effort, signed=True), "standup": show_pct(m.standup),
            "cycle": "-" if m.cycle_days is None else f"{m.cycle_days:g}d",
            "lead": "-" if m.approval_lead_hours is None else f"{m.approval_lead_hours:g}h",
            "overdue": str(m.overdue), "at_risk": str(m.at_risk)}


def as_row(m: Metrics) -> dict[str, object]:
    """The machine form (export, dashboard): numbers, None where undefined."""
    return {"total": m.total, "done": m.done, "blocked": m.blocked, "completion_pct": m.completion,
            "delay_pct": m.delay, "effort_deviation_pct": m.effort, "cycle_time_days": m.cycle_days,
            "standup_participation_pct": m.standup, "overdue": m.overdue, "at_risk": m.at_risk,
            "approval_lead_time_hours": m.approval_lead_hours}


def rag(m: Metrics) -> tuple[str, str, dict[str, int]]:
    """Red / amber / green with the reason (an i18n key and its parameters)."""
    if m.milestone_slipping:
        return "red", "digest.why_milestone", {}
    if (m.delay or 0) > DELAY_RED:
        return "red", "digest.why_delay", {"pct": m.delay or 0}
    if m.overdue or m.at_risk or m.blocked:
        return "amber", "digest.why_watch", {"overdue": m.overdue, "risks": m.at_risk, "blocked": m.blocked}
    return "green", "digest.why_ok", {}


def zone_of(project: Project) -> dt.tzinfo:
    try:
        return ZoneInfo(project.timezone)
    except Exception:  # a bad timezone must not stop a report
        return dt.UTC


async def read(session: AsyncSession, projects: Iterable[Project], *, now: dt.datetime, cal: WorkCalendar,
               hours: WorkingHours) -> tuple[dict[int, Metrics], dict[int, Counts]]:
    """Every metric of these projects at `now` (aware), each on its own project's clock; and the counts."""
    zones = {p.id: zone_of(p) for p in projects}
    counts = await store.gather(session, {pid: now.astimezone(z) for pid, z in zones.items()},
                                standup_days=STANDUP_DAYS, window_days=WINDOW_DAYS)
    return {pid: compute(c, cal=cal, hours=hours, tz=zones[pid]) for pid, c in counts.items()}, counts
