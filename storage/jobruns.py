"""Claims of scheduled job runs and the per-project job settings. Never commits: the unit of work does.

A run is claimed by inserting (job, slot) into `job_runs` in the same transaction as the outbox rows it
produces. With several processes on one PostgreSQL, the second insert of a slot waits for the first
transaction and then does nothing, so whatever a slot sends is sent once; a rolled-back run leaves no claim.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import JobRun, ProjectJobSettings

_CHUNK = 500


def _claim_stmt(insert: Any) -> Insert:
    return insert(JobRun).on_conflict_do_nothing(index_elements=["job", "slot"]).returning(JobRun.slot)


_CLAIM = {"postgresql": _claim_stmt(pg_insert), "sqlite": _claim_stmt(sqlite_insert)}


async def claim(session: AsyncSession, job: str, slots: Sequence[str], *, now: dt.datetime) -> set[str]:
    """Claim the slots of `job` nobody has claimed yet; return those this transaction got."""
    won: set[str] = set()
    wanted = sorted(set(slots))  # one order everywhere: two claimers never wait on each other in a cycle
    if not wanted:
        return won
    conn = await core(session)
    stmt = _CLAIM[conn.dialect.name]
    for start in range(0, len(wanted), _CHUNK):
        rows = [{"job": job, "slot": s, "claimed_at": now} for s in wanted[start:start + _CHUNK]]
        won |= set((await conn.execute(stmt, rows)).scalars().all())  # one cached statement, many values
    return won


async def claimed(session: AsyncSession, job: str, slots: Sequence[str]) -> set[str]:
    """Which of these slots are claimed already (a cheap pre-check before expensive work)."""
    found: set[str] = set()
    wanted = sorted(set(slots))
    conn = await core(session)
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(JobRun.slot).where(JobRun.job == job, JobRun.slot.in_(wanted[start:start + _CHUNK]))
        found |= set((await conn.execute(stmt)).scalars().all())
    return found


async def purge(session: AsyncSession, before: dt.datetime) -> int:
    result = await session.execute(delete(JobRun).where(JobRun.claimed_at < before))
    return int(getattr(result, "rowcount", 0) or 0)


async def project_settings(session: AsyncSession) -> dict[int, dict[str, Any]]:
    """Every project's stored job settings (one SELECT)."""
    conn = await core(session)
    rows = (await conn.execute(select(ProjectJobSettings.project_id, ProjectJobSettings.settings))).all()
    return {int(pid): dict(s or {}) for pid, s in rows}


async def save_project_settings(session: AsyncSession, project_id: int, settings: dict[str, Any],
                                *, now: dt.datetime) -> dict[str, Any] | None:
    """Store a project's overrides; return the previous ones (None when there were none)."""
    row = await session.get(ProjectJobSettings, project_id)
    if row is None:
        session.add(ProjectJobSettings(project_id=project_id, settings=settings, updated_at=now))
        await session.flush()
        return None
    old = dict(row.settings or {})
    row.settings, row.updated_at = settings, now
    await session.flush()
    return old
