"""Tasks, their assignees and keys (`CRM-12` = project key + per-project sequence)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import bindparam, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import Project, Task, TaskAssignee

KEY_RE = re.compile(r"^([A-Z][A-Z0-9]{1,9})-(\d{1,9})$")


def split_key(key: str) -> tuple[str, int] | None:
    m = KEY_RE.match(key.strip().upper())
    return (m.group(1), int(m.group(2))) if m else None


_BY_KEY = (select(Task, Project).join(Project, Project.id == Task.project_id)
           .where(Project.key == bindparam("key"), Task.seq == bindparam("seq")))
_ASSIGNEES = (select(TaskAssignee.task_id, TaskAssignee.person_id)
              .where(TaskAssignee.task_id.in_(bindparam("ids", expanding=True))).order_by(TaskAssignee.person_id))
_ADD_ASSIGNEE = insert(TaskAssignee)
_CLEAR_ASSIGNEES = delete(TaskAssignee).where(TaskAssignee.task_id == bindparam("task"))


async def by_key(session: AsyncSession, key: str) -> tuple[Task, Project] | None:
    parts = split_key(key)
    if parts is None:
        return None
    row = (await session.execute(_BY_KEY, {"key": parts[0], "seq": parts[1]})).first()
    return (row[0], row[1]) if row else None


async def keys_like(session: AsyncSession, project_id: int, project_key: str) -> list[str]:
    seqs = (await session.scalars(select(Task.seq).where(Task.project_id == project_id).order_by(Task.seq))).all()
    return [f"{project_key}-{s}" for s in seqs]


async def assignees(session: AsyncSession, task_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(task_ids)
    out: dict[int, list[int]] = defaultdict(list)
    if ids:
        conn = await core(session)
        for tid, pid in (await conn.execute(_ASSIGNEES, {"ids": ids})).all():
            out[tid].append(pid)
    return out


async def set_assignees(session: AsyncSession, task_id: int, person_ids: list[int], *, new: bool = False) -> None:
    """Replace the task's assignees (`new`: the task has none yet, skip the delete)."""
    conn = await core(session)
    if not new:
        await conn.execute(_CLEAR_ASSIGNEES, {"task": task_id})
    if person_ids:
        await conn.execute(_ADD_ASSIGNEE, [{"task_id": task_id, "person_id": p} for p in dict.fromkeys(person_ids)])


async def open_assigned(session: AsyncSession, person_id: int) -> list[tuple[Task, Project]]:
    stmt = (select(Task, Project).join(Project, Project.id == Task.project_id)
            .join(TaskAssignee, TaskAssignee.task_id == Task.id)
            .where(TaskAssignee.person_id == person_id, Task.status != "done")
            .order_by(Task.due_date.is_(None), Task.due_date, Task.priority, Project.key, Task.seq))
    return [(t, p) for t, p in (await session.execute(stmt)).all()]


async def open_due_by(session: AsyncSession, project_ids: list[int], day: dt.date) -> list[tuple[Task, Project]]:
    """Open tasks due on or before `day` in the given projects: the candidates for being overdue."""
    if not project_ids:
        return []
    stmt = (select(Task, Project).join(Project, Project.id == Task.project_id)
            .where(Task.project_id.in_(project_ids), Task.status != "done", Task.due_date <= day)
            .order_by(Task.due_date, Project.key, Task.seq))
    return [(t, p) for t, p in (await session.execute(stmt)).all()]


async def status_counts(session: AsyncSession, project_id: int) -> dict[str, int]:
    stmt = select(Task.status, func.count()).where(Task.project_id == project_id).group_by(Task.status)
    return {s: int(n) for s, n in (await session.execute(stmt)).all()}
