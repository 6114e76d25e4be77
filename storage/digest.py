"""Portfolio figures for digests and reports, grouped by project in SQL: the statement count depends on the
number of projects asked for charts, never on the number of tasks or work logs. Never commits."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import (
    ApprovalStep,
    AuditEntry,
    ChangeRequest,
    Milestone,
    Risk,
    StandupEntry,
    Task,
    WorkLog,
)


def _n(expr: Any) -> Any:
    return func.coalesce(func.sum(case((expr, 1), else_=0)), 0)


async def project_stats(session: AsyncSession, project_ids: Sequence[int], *, today: dt.date,
                        since: dt.datetime, week_ago: dt.datetime) -> dict[int, dict[str, Any]]:
    """Per project: task counts, overdue, effort, today's hours and changes, risks, standup participation."""
    conn = await core(session)
    pids = sorted(set(project_ids))
    out: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(float))
    done = Task.status == "done"
    for r in (await conn.execute(select(
            Task.project_id, func.count().label("total"), _n(done).label("done"),
            _n(Task.status == "blocked").label("blocked"),
            _n(and_(~done, Task.due_date < today)).label("overdue"),
            _n(and_(~done, Task.due_date.is_not(None))).label("open_due"),
            func.coalesce(func.sum(case((and_(done, Task.estimate_hours > 0), Task.estimate_hours), else_=0)), 0)
            .label("done_estimate"))
            .where(Task.project_id.in_(pids)).group_by(Task.project_id))).all():
        out[int(r.project_id or 0)].update({k: float(v) for k, v in r._mapping.items() if k != "project_id"})
    for pid, logged, hours_today in (await conn.execute(
            select(Task.project_id,
                   func.coalesce(func.sum(case((and_(done, Task.estimate_hours > 0), WorkLog.hours), else_=0)), 0),
                   func.coalesce(func.sum(case((WorkLog.work_date == today, WorkLog.hours), else_=0)), 0))
            .join(WorkLog, WorkLog.task_id == Task.id).where(Task.project_id.in_(pids))
            .group_by(Task.project_id))).all():
        out[int(pid)]["done_logged"], out[int(pid)]["hours_today"] = float(logged), float(hours_today)
    for pid, action, n in (await conn.execute(
            select(AuditEntry.project_id, AuditEntry.action, func.count())
            .where(AuditEntry.project_id.in_(pids), AuditEntry.at >= since)
            .group_by(AuditEntry.project_id, AuditEntry.action))).all():
        out[int(pid or 0)]["changes." + action] = float(n)
    for pid, rule, opened, new in (await conn.execute(
            select(Risk.project_id, Risk.rule, _n(Risk.resolved_at.is_(None)), _n(Risk.raised_at >= since))
            .where(Risk.project_id.in_(pids), (Risk.resolved_at.is_(None)) | (Risk.raised_at >= since))
            .group_by(Risk.project_id, Risk.rule))).all():
        out[int(pid)]["risks_open"] += float(opened)
        out[int(pid)]["risks_new"] += float(new)
        out[int(pid)]["risk." + rule] = float(opened)
    for pid, asked, answered in (await conn.execute(
            select(StandupEntry.project_id, _n(StandupEntry.asked_at.is_not(None)),
                   _n(StandupEntry.answered_at.is_not(None)))
            .where(StandupEntry.project_id.in_(pids), StandupEntry.asked_at >= week_ago)
            .group_by(StandupEntry.project_id))).all():
        out[int(pid)]["standup_asked"], out[int(pid)]["standup_answered"] = float(asked), float(answered)
    return {pid: dict(out[pid]) for pid in pids}


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
