"""Change requests, their approval steps, task dependencies and baselines (repositories never commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApprovalStep, Baseline, ChangeRequest, Membership, Person, Task, TaskDependency


async def get(session: AsyncSession, change_id: int, *, lock: bool = False) -> ChangeRequest | None:
    """A change request; `lock` takes its row lock (PostgreSQL), so two approvers clicking at once decide once."""
    stmt = select(ChangeRequest).where(ChangeRequest.id == change_id)
    if lock:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt.execution_options(populate_existing=True))).first()


async def steps(session: AsyncSession, change_id: int) -> list[ApprovalStep]:
    stmt = select(ApprovalStep).where(ApprovalStep.change_request_id == change_id).order_by(ApprovalStep.seq)
    return list((await session.scalars(stmt)).all())


async def steps_of(session: AsyncSession, change_ids: Sequence[int]) -> dict[int, list[ApprovalStep]]:
    out: dict[int, list[ApprovalStep]] = {c: [] for c in change_ids}
    if change_ids:
        stmt = select(ApprovalStep).where(ApprovalStep.change_request_id.in_(list(change_ids))) \
            .order_by(ApprovalStep.change_request_id, ApprovalStep.seq)
        for step in (await session.scalars(stmt)).all():
            out[step.change_request_id].append(step)
    return out


async def of_project(session: AsyncSession, project_id: int, *, limit: int = 20) -> list[ChangeRequest]:
    stmt = select(ChangeRequest).where(ChangeRequest.project_id == project_id, ChangeRequest.status != "draft") \
        .order_by(ChangeRequest.id.desc()).limit(limit)
    return list((await session.scalars(stmt)).all())


async def pending(session: AsyncSession, project_ids: Sequence[int] | None = None) -> list[ChangeRequest]:
    """Requests waiting for a decision (in these projects, or everywhere)."""
    stmt = select(ChangeRequest).where(ChangeRequest.status == "pending").order_by(ChangeRequest.id)
    if project_ids is not None:
        stmt = stmt.where(ChangeRequest.project_id.in_(list(project_ids)))
    return list((await session.scalars(stmt)).all())


async def open_draft(session: AsyncSession, requester_id: int, since: dt.datetime) -> ChangeRequest | None:
    """The requester's latest unfinished request (one the bot asked a question about), if recent."""
    stmt = select(ChangeRequest).where(ChangeRequest.requester_id == requester_id, ChangeRequest.status == "draft",
                                       ChangeRequest.created_at >= since).order_by(ChangeRequest.id.desc()).limit(1)
    return (await session.scalars(stmt)).first()


async def holders(session: AsyncSession, project_id: int, role: str) -> list[int]:
    """People who hold `role` on the project; for `pmo`, every global PMO too."""
    stmt = select(Membership.person_id).where(Membership.project_id == project_id, Membership.role == role)
    ids = list((await session.scalars(stmt)).all())
    if role == "pmo":
        ids += list((await session.scalars(select(Person.id).where(Person.is_pmo.is_(True)))).all())
    return sorted(set(ids))


async def dependents(session: AsyncSession, task_id: int) -> list[Task]:
    """Tasks that wait on this one, directly or through others (breadth first, each once)."""
    seen: dict[int, Task] = {}
    frontier = [task_id]
    while frontier:
        stmt = select(Task).join(TaskDependency, TaskDependency.task_id == Task.id) \
            .where(TaskDependency.depends_on_id.in_(frontier)).order_by(Task.seq)
        found = [t for t in (await session.scalars(stmt)).all() if t.id not in seen and t.id != task_id]
        for t in found:
            seen[t.id] = t
        frontier = [t.id for t in found]
    return list(seen.values())


async def add_dependency(session: AsyncSession, task_id: int, depends_on_id: int) -> bool:
    """Record that `task_id` waits on `depends_on_id`; False if it already did."""
    if await session.get(TaskDependency, (task_id, depends_on_id)) is not None:
        return False
    session.add(TaskDependency(task_id=task_id, depends_on_id=depends_on_id))
    await session.flush()
    return True


async def depends_on(session: AsyncSession, task_ids: Sequence[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {t: [] for t in task_ids}
    if task_ids:
        stmt = select(TaskDependency).where(or_(TaskDependency.task_id.in_(list(task_ids))))
        for dep in (await session.scalars(stmt)).all():
            out[dep.task_id].append(dep.depends_on_id)
    return out


async def latest_baseline(session: AsyncSession, project_id: int) -> Baseline | None:
    stmt = select(Baseline).where(Baseline.project_id == project_id).order_by(Baseline.version.desc()).limit(1)
    return (await session.scalars(stmt)).first()


async def add_baseline(session: AsyncSession, project_id: int, snapshot: dict[str, Any], *, now: dt.datetime,
                       change_id: int | None = None) -> Baseline:
    version = (await session.execute(select(func.coalesce(func.max(Baseline.version), 0))
                                     .where(Baseline.project_id == project_id))).scalar_one() + 1
    row = Baseline(project_id=project_id, version=version, change_request_id=change_id, snapshot=snapshot,
                   created_at=now)
    session.add(row)
    await session.flush()
    return row


async def baselines(session: AsyncSession, project_id: int) -> list[Baseline]:
    stmt = select(Baseline).where(Baseline.project_id == project_id).order_by(Baseline.version)
    return list((await session.scalars(stmt)).all())
