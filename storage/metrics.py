"""The counts every project metric is computed from (bot/domain/metrics.py holds the formulas; docs/metrics.md).
Grouped by project in SQL: the statement count grows with the number of distinct project clocks (timezones),
never with tasks, work logs or risks. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import ApprovalStep, AuditEntry, ChangeRequest, Risk, StandupEntry, Task, WorkLog


@dataclass(slots=True)
class Counts:
    """What one project's metrics are computed from."""

    total: int = 0  # tasks
    done: int = 0
    blocked: int = 0
    open_due: int = 0  # open tasks with a due date
    overdue: int = 0  # open tasks past their due day, or their due time on the day
    done_estimate: float = 0.0  # estimate of the done tasks that have one
    done_logged: float = 0.0  # hours logged on those same tasks
    standup_asked: int = 0
    standup_answered: int = 0
    risks_open: int = 0
    risks_new: int = 0  # raised on the project's day
    risk_rules: dict[str, int] = field(default_factory=dict)  # open risks per rule
    cycle_done: int = 0  # tasks done in the window
    cycle_days: float = 0.0  # their days from created to done, summed
    approvals: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)  # (submitted, decided)
    # The project's day (00:00 project-local until now): one period for every "today" figure.
    logs_today: int = 0  # work logs dated that day
    hours_today: float = 0.0  # their hours
    created_today: int = 0  # tasks created (audit rows)
    updated_today: int = 0


def _n(expr: Any) -> Any:
    return func.coalesce(func.sum(case((expr, 1), else_=0)), 0)


def overdue_clause(today: dt.date, now_time: dt.time) -> Any:
    """Overdue in SQL, for a project whose local clock reads (today, now_time): the rule of
    bot.domain.metrics.is_overdue (not done; due before today, or today with a due time already passed)."""
    return and_(Task.status != "done", Task.due_date.is_not(None),
                or_(Task.due_date < today,
                    and_(Task.due_date == today, Task.due_time.is_not(None), Task.due_time < now_time)))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def gather(session: AsyncSession, clocks: Mapping[int, dt.datetime], *, standup_days: int,
                 window_days: int) -> dict[int, Counts]:
    """Counts per project; `clocks`: each project's local time now (aware, in the project's timezone)."""
    conn = await core(session)
    out = {pid: Counts() for pid in clocks}
    if not out:
        return out
    groups: dict[tuple[dt.date, dt.time, dt.datetime], list[int]] = {}
    for pid, local in clocks.items():
        midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=local.tzinfo).astimezone(dt.UTC)
        groups.setdefault((local.date(), local.time().replace(tzinfo=None, microsecond=0), midnight), []).append(pid)
    done = Task.status == "done"
    counted = and_(done, Task.estimate_hours > 0)
    for (today, now_time, midnight), pids in sorted(groups.items()):
        scope = Task.project_id.in_(sorted(pids))
        for r in (await conn.execute(select(
                Task.project_id, func.count().label("total"), _n(done).label("done"),
                _n(Task.status == "blocked").label("blocked"), _n(overdue_clause(today, now_time)).label("overdue"),
                _n(and_(~done, Task.due_date.is_not(None))).label("open_due"),
                func.coalesce(func.sum(case((counted, Task.estimate_hours), else_=0)), 0).label("estimate"))
                .where(scope).group_by(Task.project_id))).all():
            c = out[int(r.project_id)]
            c.total, c.done, c.blocked, c.overdue, c.open_due = (int(r.total), int(r.done), int(r.blocked),
                                                                 int(r.overdue), int(r.open_due))
            c.done_estimate = float(r.estimate)
        for pid, logged, hours, logs in (await conn.execute(
                select(Task.project_id, func.coalesce(func.sum(case((counted, WorkLog.hours), else_=0)), 0),
                       func.coalesce(func.sum(case((WorkLog.work_date == today, WorkLog.hours), else_=0)), 0),
                       _n(WorkLog.work_date == today))
                .join(WorkLog, WorkLog.task_id == Task.id).where(scope).group_by(Task.project_id))).all():
            c = out[int(pid)]
            c.done_logged, c.hours_today, c.logs_today = float(logged), float(hours), int(logs)
        for pid, created, updated in (await conn.execute(
                select(AuditEntry.project_id, _n(AuditEntry.action == "task.created"),
                       _n(AuditEntry.action == "task.updated"))
                .where(AuditEntry.project_id.in_(sorted(pids)), AuditEntry.at >= midnight,
                       AuditEntry.action.in_(["task.created", "task.updated"]))
                .group_by(AuditEntry.project_id))).all():
            out[int(pid)].created_today, out[int(pid)].updated_today = int(created), int(updated)
        for pid, rule, opened, new in (await conn.execute(
                select(Risk.project_id, Risk.rule, _n(Risk.resolved_at.is_(None)), _n(Risk.raised_on == today))
                .where(Risk.project_id.in_(sorted(pids)), or_(Risk.resolved_at.is_(None), Risk.raised_on == today))
                .group_by(Risk.project_id, Risk.rule))).all():
            c = out[int(pid)]
            c.risks_open += int(opened)
            c.risks_new += int(new)
            if opened:
                c.risk_rules[rule] = int(opened)
    pids = sorted(out)
    now = min(_aware(v).astimezone(dt.UTC) for v in clocks.values())
    for pid, asked, answered in (await conn.execute(
            select(StandupEntry.project_id, _n(StandupEntry.asked_at.is_not(None)),
                   _n(and_(StandupEntry.asked_at.is_not(None), StandupEntry.answered_at.is_not(None))))
            .where(StandupEntry.project_id.in_(pids), StandupEntry.asked_at >= now - dt.timedelta(days=standup_days))
            .group_by(StandupEntry.project_id))).all():
        out[int(pid)].standup_asked, out[int(pid)].standup_answered = int(asked), int(answered)
    since = now - dt.timedelta(days=window_days)
    # Summed in SQL: a portfolio finishes thousands of tasks a month, and they need not cross the event loop.
    days = (func.extract("epoch", Task.done_at - Task.created_at) / 86400 if conn.dialect.name == "postgresql"
            # SQLite keeps UTC text; its first 19 characters are the instant, whatever suffix a row was written with
            else func.julianday(func.substr(Task.done_at, 1, 19)) - func.julianday(func.substr(Task.created_at, 1, 19)))
    for pid, n, total in (await conn.execute(
            select(Task.project_id, func.count(), func.coalesce(func.sum(days), 0))
            .where(Task.project_id.in_(pids), done, Task.done_at >= since).group_by(Task.project_id))).all():
        out[int(pid)].cycle_done, out[int(pid)].cycle_days = int(n), float(total)
    submitted = func.min(ApprovalStep.started_at)
    for pid, started, decided in (await conn.execute(
            select(ChangeRequest.project_id, submitted, ChangeRequest.decided_at)
            .join(ApprovalStep, ApprovalStep.change_request_id == ChangeRequest.id)
            .where(ChangeRequest.project_id.in_(pids), ChangeRequest.status.in_(["approved", "rejected"]),
                   ChangeRequest.decided_at >= since)
            .group_by(ChangeRequest.id, ChangeRequest.project_id, ChangeRequest.decided_at))).all():
        if started is not None and decided is not None:
            out[int(pid)].approvals.append((_aware(started), _aware(decided)))
    return out


async def one(session: AsyncSession, project_id: int, clock: dt.datetime, *, standup_days: int,
              window_days: int) -> Counts:
    return (await gather(session, {project_id: clock}, standup_days=standup_days,
                         window_days=window_days))[project_id]


__all__: Sequence[str] = ("Counts", "gather", "one", "overdue_clause")
