"""Reads behind the questions people ask in chat (hours, task lists, risks, leave), and the two writes that answer
"cancel my leave" and "remove bob from CRM". Never commits: the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core, one_of
from storage.models import Leave, Project, Risk, Task, TaskAssignee, WorkLog


async def hours(session: AsyncSession, start: dt.date, end: dt.date, *, person_ids: Sequence[int] | None = None,
                project_ids: Sequence[int] | None = None) -> list[tuple[WorkLog, Task, Project]]:
    """Work logs from `start` to `end` (inclusive), of some people and/or on some projects."""
    stmt = (select(WorkLog, Task, Project).join(Task, Task.id == WorkLog.task_id)
            .join(Project, Project.id == Task.project_id)
            .where(WorkLog.work_date >= start, WorkLog.work_date <= end))
    dialect = (await core(session)).dialect.name
    if person_ids is not None:
        stmt = stmt.where(one_of(WorkLog.person_id, list(person_ids), dialect))
    if project_ids is not None:
        stmt = stmt.where(one_of(Task.project_id, list(project_ids), dialect))
    stmt = stmt.order_by(WorkLog.work_date, WorkLog.id)
    return [(w, t, p) for w, t, p in (await session.execute(stmt)).all()]


async def tasks(session: AsyncSession, project_ids: Sequence[int], *, person_id: int | None = None,
                done: bool = False, due: tuple[dt.date, dt.date] | None = None,
                done_since: dt.datetime | None = None) -> list[tuple[Task, Project]]:
    """Open (or done) tasks of some projects, optionally one person's, due in a range or done since a moment."""
    if not project_ids:
        return []
    dialect = (await core(session)).dialect.name
    stmt = (select(Task, Project).join(Project, Project.id == Task.project_id)
            .where(one_of(Task.project_id, list(project_ids), dialect)))
    stmt = stmt.where(Task.status == "done") if done else stmt.where(Task.status != "done")
    if person_id is not None:
        stmt = stmt.join(TaskAssignee, TaskAssignee.task_id == Task.id).where(TaskAssignee.person_id == person_id)
    if due is not None:
        stmt = stmt.where(Task.due_date >= due[0], Task.due_date <= due[1])
    if done_since is not None:
        stmt = stmt.where(Task.done_at >= done_since)
    stmt = stmt.order_by(Task.due_date.is_(None), Task.due_date, Task.priority, Project.key, Task.seq)
    return [(t, p) for t, p in (await session.execute(stmt)).all()]


async def open_risks(session: AsyncSession, project_id: int) -> list[Risk]:
    stmt = (select(Risk).where(Risk.project_id == project_id, Risk.resolved_at.is_(None))
            .order_by(Risk.raised_on, Risk.id))
    return list((await session.scalars(stmt)).all())


async def leave_from(session: AsyncSession, person_ids: Sequence[int], first: dt.date) -> list[Leave]:
    """Leave of these people that has not ended before `first`, earliest first."""
    if not person_ids:
        return []
    dialect = (await core(session)).dialect.name
    stmt = (select(Leave).where(one_of(Leave.person_id, list(person_ids), dialect), Leave.end_date >= first)
            .order_by(Leave.start_date, Leave.id))
    return list((await session.scalars(stmt)).all())


async def cancel_leave(session: AsyncSession, person_id: int, first: dt.date, last: dt.date,
                       *, now: dt.datetime) -> list[tuple[tuple[dt.date, dt.date], list[tuple[dt.date, dt.date]]]]:
    """Take the days `first`..`last` out of the person's leave: a row inside is deleted, one across an edge is cut,
    one around the range is split in two. Returns each touched row as (before, what is left of it)."""
    changed = []
    for row in await leave_from(session, [person_id], first):
        if row.start_date > last:
            continue
        before = (row.start_date, row.end_date)
        left = []
        if row.start_date < first:
            left.append((row.start_date, first - dt.timedelta(days=1)))
        if row.end_date > last:  # never true for "all upcoming" (last is date.max), so no overflow
            left.append((last + dt.timedelta(days=1), row.end_date))
        if not left:
            await session.delete(row)
        else:
            row.start_date, row.end_date = left[0]
            for a, b in left[1:]:
                session.add(Leave(person_id=person_id, start_date=a, end_date=b, note=row.note, created_at=now))
        changed.append((before, left))
    await session.flush()
    return changed
