"""Work logs: hours by person, task and date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import Project, Task, WorkLog

_HOURS_ON = select(func.coalesce(func.sum(WorkLog.hours), 0)).where(
    WorkLog.person_id == bindparam("person"), WorkLog.work_date == bindparam("day"))
_TASK_TOTAL = select(func.coalesce(func.sum(WorkLog.hours), 0)).where(WorkLog.task_id == bindparam("task"))


async def hours_on(session: AsyncSession, person_id: int, day: dt.date) -> Decimal:
    conn = await core(session)
    return Decimal((await conn.execute(_HOURS_ON, {"person": person_id, "day": day})).scalar_one())


async def by_person_between(session: AsyncSession, person_id: int, start: dt.date,
                            end: dt.date) -> list[tuple[WorkLog, Task, Project]]:
    stmt = (select(WorkLog, Task, Project).join(Task, Task.id == WorkLog.task_id)
            .join(Project, Project.id == Task.project_id)
            .where(WorkLog.person_id == person_id, WorkLog.work_date >= start, WorkLog.work_date <= end)
            .order_by(WorkLog.work_date, WorkLog.id))
    return [(w, t, p) for w, t, p in (await session.execute(stmt)).all()]


async def project_hours_between(session: AsyncSession, project_id: int, start: dt.date, end: dt.date) -> Decimal:
    stmt = (select(func.coalesce(func.sum(WorkLog.hours), 0)).join(Task, Task.id == WorkLog.task_id)
            .where(Task.project_id == project_id, WorkLog.work_date >= start, WorkLog.work_date <= end))
    return Decimal((await session.execute(stmt)).scalar_one())


async def task_total(session: AsyncSession, task_id: int) -> Decimal:
    conn = await core(session)
    return Decimal((await conn.execute(_TASK_TOTAL, {"task": task_id})).scalar_one())
