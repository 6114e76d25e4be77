"""The facts the risk rules need, aggregated in SQL: a fixed number of statements however many tasks there are.
Never commits: the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Insert, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import ChangeRequest, Milestone, Risk, Task, TaskAssignee, WorkLog


@dataclass(frozen=True, slots=True)
class TaskFact:
    id: int
    project_id: int
    seq: int
    title: str
    status: str
    progress: int
    due_date: dt.date | None
    due_time: dt.time | None
    estimate: float | None
    updated_at: dt.datetime
    logged: float = 0.0
    last_log: dt.date | None = None


@dataclass(slots=True)
class Facts:
    """Everything one scan reads, for every project in scope."""

    due: list[TaskFact]  # open tasks due by the horizon (overdue and due soon)
    blocked: list[TaskFact]
    overrun: list[TaskFact]  # open tasks with more hours logged than the smallest threshold allows
    idle: list[TaskFact]  # in progress, with the last day hours were logged
    milestones: list[dict[str, Any]]  # open milestones: remaining estimate, assignees, open tasks
    approvals: list[dict[str, Any]]  # pending change requests
    assignees: dict[int, list[int]]


def _fact(row: Any, **extra: Any) -> TaskFact:
    return TaskFact(int(row.id), int(row.project_id), int(row.seq), row.title, row.status, int(row.progress),
                    row.due_date, row.due_time, float(row.estimate_hours) if row.estimate_hours is not None else None,
                    row.updated_at, **extra)


_COLS = (Task.id, Task.project_id, Task.seq, Task.title, Task.status, Task.progress, Task.due_date, Task.due_time,
         Task.estimate_hours, Task.updated_at)


async def facts(session: AsyncSession, project_ids: Sequence[int], *, horizon: dt.date,
                min_overrun: float) -> Facts:
    """Seven statements for the whole portfolio, whatever its size."""
    conn = await core(session)
    pids = sorted(set(project_ids))
    in_scope = Task.project_id.in_(pids)
    open_ = Task.status != "done"
    due = [_fact(r) for r in (await conn.execute(
        select(*_COLS).where(in_scope, open_, Task.due_date <= horizon))).all()]
    blocked = [_fact(r) for r in (await conn.execute(select(*_COLS).where(in_scope, Task.status == "blocked"))).all()]
    logged = func.sum(WorkLog.hours)
    overrun = [_fact(r, logged=float(r.logged)) for r in (await conn.execute(
        select(*_COLS, logged.label("logged")).join(WorkLog, WorkLog.task_id == Task.id)
        .where(in_scope, open_, Task.estimate_hours > 0).group_by(*_COLS)
        .having(logged > Task.estimate_hours * Decimal(str(min_overrun / 100))))).all()]
    last = func.max(WorkLog.work_date)
    idle = [_fact(r, last_log=r.last_log) for r in (await conn.execute(
        select(*_COLS, last.label("last_log")).outerjoin(WorkLog, WorkLog.task_id == Task.id)
        .where(in_scope, Task.status == "in_progress").group_by(*_COLS))).all()]
    remaining = func.sum(func.coalesce(Task.estimate_hours, 0) * (100 - Task.progress) / 100)
    milestones = [dict(r._mapping) for r in (await conn.execute(
        select(Milestone.id, Milestone.project_id, Milestone.name, Milestone.due_date,
               remaining.label("remaining"), func.count(func.distinct(Task.id)).label("open_tasks"),
               func.count(func.distinct(TaskAssignee.person_id)).label("people"))
        .join(Task, and_(Task.milestone_id == Milestone.id, open_))
        .outerjoin(TaskAssignee, TaskAssignee.task_id == Task.id)
        .where(Milestone.project_id.in_(pids), Milestone.status == "open", Milestone.due_date.is_not(None))
        .group_by(Milestone.id, Milestone.project_id, Milestone.name, Milestone.due_date))).all()]
    approvals = [dict(r._mapping) for r in (await conn.execute(
        select(ChangeRequest.id, ChangeRequest.project_id, ChangeRequest.summary, ChangeRequest.created_at,
               ChangeRequest.requester_id)
        .where(ChangeRequest.project_id.in_(pids), ChangeRequest.status == "pending"))).all()]
    # The owners of every task above, in one statement (a join, not an IN list that grows with the tasks).
    flagged = or_(and_(open_, Task.due_date <= horizon), Task.status.in_(["blocked", "in_progress"]),
                  and_(open_, Task.estimate_hours > 0))
    owners: dict[int, list[int]] = {}
    for tid, pid in (await conn.execute(
            select(TaskAssignee.task_id, TaskAssignee.person_id).join(Task, Task.id == TaskAssignee.task_id)
            .where(in_scope, flagged).order_by(TaskAssignee.task_id, TaskAssignee.person_id))).all():
        owners.setdefault(int(tid), []).append(int(pid))
    return Facts(due, blocked, overrun, idle, milestones, approvals, owners)


async def open_risks(session: AsyncSession, project_ids: Sequence[int]) -> list[Risk]:
    stmt = select(Risk).where(Risk.project_id.in_(sorted(set(project_ids))), Risk.resolved_at.is_(None))
    return list((await session.scalars(stmt.order_by(Risk.id))).all())


def _raise_stmt(insert: Any) -> Insert:
    return (insert(Risk).on_conflict_do_nothing(index_elements=["project_id", "rule", "entity", "raised_on"])
            .returning(Risk.id, Risk.rule, Risk.entity))


_RAISE = {"postgresql": _raise_stmt(pg_insert), "sqlite": _raise_stmt(sqlite_insert)}


async def raise_risks(session: AsyncSession, rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Insert new risks; one raised (and cleared) earlier the same day is not raised again. Returns
    the (rule, entity) pairs actually raised."""
    if not rows:
        return set()
    conn = await core(session)
    out: set[tuple[str, str]] = set()
    for start in range(0, len(rows), 500):
        result = await conn.execute(_RAISE[conn.dialect.name], rows[start:start + 500])  # insertmanyvalues
        out |= {(r.rule, r.entity) for r in result.all()}
    return out


async def resolve(session: AsyncSession, risk_ids: Sequence[int], *, now: dt.datetime) -> None:
    if risk_ids:
        await session.execute(update(Risk).where(Risk.id.in_(list(risk_ids))).values(resolved_at=now))


async def set_thread(session: AsyncSession, project_id: int, day: dt.date, outbox_id: int) -> None:
    await session.execute(update(Risk).where(Risk.project_id == project_id, Risk.raised_on == day,
                                             Risk.thread_id.is_(None)).values(thread_id=outbox_id))


async def day_threads(session: AsyncSession, days: dict[int, dt.date]) -> dict[int, int]:
    """The outbox id of each project's first risk message of its day (later messages reply in its thread)."""
    if not days:
        return {}
    stmt = (select(Risk.project_id, Risk.raised_on, func.min(Risk.thread_id))
            .where(Risk.project_id.in_(sorted(days)), Risk.raised_on >= min(days.values()),
                   Risk.thread_id.is_not(None)).group_by(Risk.project_id, Risk.raised_on))
    return {int(p): int(t) for p, d, t in (await session.execute(stmt)).all() if t is not None and days[int(p)] == d}
