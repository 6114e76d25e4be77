"""What a change request costs, computed from the plan: the one home of the impact assessment.

Schedule: the slip in working days (weekends, Chinese public holidays and make-up workdays counted by
bot/core/workdays.py); the tasks that wait on the target move by as many working days; milestones whose date
the target or a moved task would pass are breached. Effort: extra hours against the baseline estimate. Budget:
the extra amount against the project's budget. Resource: how many people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from bot.core.context import Ctx
from bot.core.workdays import WorkCalendar
from handlers.lookup import task_key
from storage import changes
from storage.models import Milestone, Project, Task


@dataclass(frozen=True, slots=True)
class Ask:
    """What a request asks for (any may be missing)."""

    change_type: str
    new_due: dt.date | None = None
    extra_hours: float | None = None
    budget: float | None = None
    people: int | None = None


async def baseline_hours(ctx: Ctx, project: Project) -> float:
    """The planned effort: the latest baseline's total, else the sum of today's estimates."""
    latest = await changes.latest_baseline(ctx.session, project.id)
    if latest is not None and latest.snapshot.get("total_hours") is not None:
        return float(latest.snapshot["total_hours"])
    total = (await ctx.session.execute(select(func.coalesce(func.sum(Task.estimate_hours), 0))
                                       .where(Task.project_id == project.id))).scalar_one()
    return float(total or 0)


async def dependents_moved(ctx: Ctx, calendar: WorkCalendar, task: Task, slip: int) -> list[tuple[Task, dt.date]]:
    """The rule for what a slip drags along: every open task that waits on `task` (directly or not) and has a due
    date moves by the same number of working days. Nothing moves when the date comes earlier."""
    if slip <= 0:
        return []
    return [(dep, calendar.add_workdays(dep.due_date, slip)) for dep in await changes.dependents(ctx.session, task.id)
            if dep.due_date is not None and dep.status != "done"]


async def assess(ctx: Ctx, calendar: WorkCalendar, project: Project, ask: Ask, *, task: Task | None,
                 milestone: Milestone | None) -> dict[str, Any]:
    """The impact as plain data (stored on the request, shown on its card)."""
    out: dict[str, Any] = {}
    moves: list[dict[str, Any]] = []
    breached: dict[int, dict[str, Any]] = {}
    old_due = task.due_date if task is not None else milestone.due_date if milestone is not None else None
    if ask.new_due is not None:
        out["new_due"] = ask.new_due.isoformat()
        out["old_due"] = old_due.isoformat() if old_due else None
        if old_due is not None:
            slip = calendar.workdays_between(old_due, ask.new_due)
            out["slip_days"] = slip
            if task is not None:
                for dep, moved in await dependents_moved(ctx, calendar, task, slip):
                    assert dep.due_date is not None
                    moves.append({"task": task_key(project, dep), "id": dep.id, "from": dep.due_date.isoformat(),
                                  "to": moved.isoformat(), "milestone_id": dep.milestone_id})
        # The milestones the new dates would pass.
        landing = [(task.milestone_id if task is not None else None, ask.new_due)]
        landing += [(m["milestone_id"], dt.date.fromisoformat(m["to"])) for m in moves]
        for milestone_id, day in landing:
            if milestone_id is None:
                continue
            found = await ctx.session.get(Milestone, milestone_id)
            if found is not None and found.due_date is not None and day > found.due_date:
                breached[found.id] = {"id": found.id, "name": found.name, "due": found.due_date.isoformat()}
        if milestone is not None and old_due is not None and ask.new_due > old_due:
            breached[milestone.id] = {"id": milestone.id, "name": milestone.name, "due": old_due.isoformat()}
    out["moves"] = [{k: v for k, v in m.items() if k != "milestone_id"} for m in moves]
    out["milestones"] = list(breached.values())
    out["breach"] = bool(breached)
    if ask.extra_hours:
        planned = await baseline_hours(ctx, project)
        out["extra_hours"] = ask.extra_hours
        out["baseline_hours"] = planned
        out["effort_pct"] = round(ask.extra_hours / planned * 100, 1) if planned else None
        if task is not None:
            out["task_estimate"] = float(task.estimate_hours) if task.estimate_hours is not None else None
    if ask.budget:
        out["budget_delta"] = ask.budget
        out["budget"] = float(project.budget) if project.budget is not None else None
        out["budget_pct"] = round(ask.budget / float(project.budget) * 100, 1) if project.budget else None
    if ask.people:
        out["people"] = ask.people
    if ask.new_due is not None and not calendar.covers(ask.new_due.year):
        out["calendar_note"] = ask.new_due.year
    if ask.new_due is not None and not calendar.is_workday(ask.new_due):
        out["due_not_workday"] = True  # flagged on the card: a relative phrase may have landed on a weekend
    return out


def as_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))
