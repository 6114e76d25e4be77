"""Claims of scheduled job runs and the per-project job settings. Never commits: the unit of work does.

A run is claimed by inserting (job, slot) into `job_runs` in the same transaction as the outbox rows it
produces. With several processes on one PostgreSQL, the second insert of a slot waits for the first
transaction and then does nothing, so whatever a slot sends is sent once; a rolled-back run leaves no claim.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Insert, Text, bindparam, cast, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import JobRun, OutboxMessage, ProjectJobSettings

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


_ENQUEUE_RETURNING = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)


async def enqueue_returning(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Add outbox messages (as `storage.outbox.enqueue`) and return their ids, in order: a job that starts a
    thread keeps the id, and later finds the platform's message id (`sent_ref`) to reply in that thread."""
    if not rows:
        return []
    conn = await core(session)
    values = [{"chat": None, "user": None, "thread": None, "kind": "message", "status": "pending", "attempts": 0,
               **r, "next_attempt_at": r["created_at"]} for r in rows]
    return [int(i) for i in (await conn.execute(_ENQUEUE_RETURNING, values)).scalars().all()]  # multi-row


def encode(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Outbox rows with their payload as JSON text, for `enqueue_encoded`. Pure: a job's messages can be
    megabytes of JSON, so it encodes them in a thread rather than in the INSERT on the event loop."""
    return [{**_DEFAULTS, **{k: v for k, v in r.items() if k != "payload"}, "next_attempt_at": r["created_at"],
             "payload_json": json.dumps(r["payload"])} for r in rows]


_DEFAULTS = {"chat": None, "user": None, "thread": None, "kind": "message", "status": "pending", "attempts": 0,
             "tag": None}


def _encoded_stmt(dialect: str, returning: bool) -> Any:
    value: Any = bindparam("payload_json", type_=Text)
    stmt = insert(OutboxMessage).values(payload=cast(value, JSON) if dialect == "postgresql" else value)
    return stmt.returning(OutboxMessage.id, sort_by_parameter_order=True) if returning else stmt


_ENCODED = {(d, r): _encoded_stmt(d, r) for d in ("postgresql", "sqlite") for r in (False, True)}


async def enqueue_encoded(session: AsyncSession, rows: Sequence[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """Add outbox messages `encode` prepared, in one statement (per 1,000); `ids`: return their ids in order."""
    if not rows:
        return []
    conn = await core(session)
    result = await conn.execute(_ENCODED[conn.dialect.name, ids], list(rows))
    return [int(i) for i in result.scalars().all()] if ids else []


async def sent_refs(session: AsyncSession, outbox_ids: Sequence[int]) -> dict[int, str]:
    """The platform's message id of each sent outbox row (what a reply in its thread needs)."""
    ids = sorted({i for i in outbox_ids if i})
    if not ids:
        return {}
    conn = await core(session)
    stmt = select(OutboxMessage.id, OutboxMessage.sent_ref).where(OutboxMessage.id.in_(ids),
                                                                 OutboxMessage.sent_ref.is_not(None))
    return {int(i): str(ref) for i, ref in (await conn.execute(stmt)).all()}


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
