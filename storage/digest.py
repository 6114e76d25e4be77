"""Portfolio figures for digests and reports, grouped by project in SQL: the statement count depends on the
number of projects asked for charts, never on the number of tasks or work logs. Never commits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import (
    ApprovalStep,
    ChangeRequest,
    Milestone,
    Task,
)


def _n(expr: Any) -> Any:
    return func.coalesce(func.sum(case((expr, 1), else_=0)), 0)


async def pending_approvals(session: AsyncSession, project_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Pending change requests with the role their current step waits for (and who asked)."""
    conn = await core(session)
    stmt = (select(ChangeRequest.id, ChangeRequest.project_id, ChangeRequest.summary, ChangeRequest.created_at,
                   ChangeRequest.requester_id, ApprovalStep.role)
            .join(ApprovalStep, (ApprovalStep.change_request_id == ChangeRequest.id)
                  & (ApprovalStep.status == "pending") & ApprovalStep.started_at.is_not(None))
            .where(ChangeRequest.project_id.in_(sorted(set(project_ids))), ChangeRequest.status == "pending")
            .order_by(ChangeRequest.created_at))
    return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]


async def burndown(session: AsyncSession, project_id: int, days: Sequence[dt.date]) -> list[int]:
    """Open tasks at the end of each day (UTC days): created by then and not done by then."""
    return (await burndowns(session, [project_id], days))[project_id]


async def burndowns(session: AsyncSession, project_ids: Sequence[int], days: Sequence[dt.date]) -> dict[int, list[int]]:
    """`burndown` for several projects: three statements however many projects and tasks."""
    conn = await core(session)
    pids = sorted(set(project_ids))
    if not pids:
        return {}
    first, last = days[0], days[-1]
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    base: dict[int, int] = defaultdict(int)
    for pid, n in (await conn.execute(select(Task.project_id, func.count()).where(
            Task.project_id.in_(pids), Task.created_at < start,
            (Task.done_at.is_(None)) | (Task.done_at >= start)).group_by(Task.project_id))).all():
        base[int(pid)] = int(n)
    delta: dict[tuple[int, str], int] = defaultdict(int)
    for column, sign in ((Task.created_at, 1), (Task.done_at, -1)):
        day = func.date(column)
        for pid, d, n in (await conn.execute(select(Task.project_id, day, func.count()).where(
                Task.project_id.in_(pids), column >= start,
                column < dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC))
                .group_by(Task.project_id, day))).all():
            delta[int(pid), str(d)[:10]] += sign * int(n)
    out: dict[int, list[int]] = {}
    for pid in pids:
        series, running = [], base[pid]
        for d in days:
            running += delta.get((pid, d.isoformat()), 0)
            series.append(running)
        out[pid] = series
    return out


async def milestones(session: AsyncSession, project_ids: Sequence[int]) -> dict[int, list[tuple[str, dt.date, int]]]:
    """Each project's milestones with a date: (name, due, % of their tasks done). One statement."""
    conn = await core(session)
    stmt = (select(Milestone.project_id, Milestone.name, Milestone.due_date, func.count(Task.id),
                   func.coalesce(func.sum(case((Task.status == "done", 1), else_=0)), 0).cast(Integer))
            .outerjoin(Task, Task.milestone_id == Milestone.id)
            .where(Milestone.project_id.in_(sorted(set(project_ids))), Milestone.due_date.is_not(None))
            .group_by(Milestone.id, Milestone.project_id, Milestone.name, Milestone.due_date)
            .order_by(Milestone.due_date))
    out: dict[int, list[tuple[str, dt.date, int]]] = defaultdict(list)
    for pid, name, due, total, done in (await conn.execute(stmt)).all():
        if due is not None:
            out[int(pid)].append((name, due, int(done * 100 // total) if total else 0))
    return out
