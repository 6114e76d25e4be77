"""Inbox: every inbound event once, keyed by (platform, event_id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import InboxEvent


def _record_stmt(insert: Any) -> Insert:
    return (
        insert(InboxEvent)
        .values(platform=bindparam("platform"), event_id=bindparam("event_id"), payload=bindparam("payload"),
                status=bindparam("status"), received_at=bindparam("received_at"))
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(InboxEvent.id)
    )


# Built once: the hot path of every event (statement construction costs as much as running it here).
_RECORD = {"postgresql": _record_stmt(pg_insert), "sqlite": _record_stmt(sqlite_insert)}


async def record(session: AsyncSession, *, platform: str, event_id: str, payload: dict[str, Any],
                 now: dt.datetime, status: str = "received") -> int | None:
    """Insert the event; return its row id, or None when it was seen before (a retry or a duplicate)."""
    conn = await core(session)
    params = {"platform": platform, "event_id": event_id[:128], "payload": payload, "status": status,
              "received_at": now}
    return (await conn.execute(_RECORD[conn.dialect.name], params)).scalar_one_or_none()


def _insert_many(insert: Any) -> Insert:
    # RETURNING names the rows this statement inserted (ON CONFLICT skips the others), so one statement both
    # stores the batch and tells which events are new: no second query, no scan of the unprocessed backlog.
    return (insert(InboxEvent).on_conflict_do_nothing(index_elements=["platform", "event_id"])
            .returning(InboxEvent.id, InboxEvent.platform, InboxEvent.event_id))


_INSERT_MANY = {"postgresql": _insert_many(pg_insert), "sqlite": _insert_many(sqlite_insert)}


async def record_many(session: AsyncSession, events: list[tuple[str, str, dict[str, Any]]],
                      now: dt.datetime) -> list[int | None]:
    """Store (platform, event_id, payload) rows in one statement; for each, its new row id, or None when it
    was seen before (earlier, or earlier in this same batch)."""
    conn = await core(session)
    keys = [(platform, event_id[:128]) for platform, event_id, _ in events]
    first: dict[tuple[str, str], int] = {}
    for n, key in enumerate(keys):
        first.setdefault(key, n)
    rows = [{"platform": key[0], "event_id": key[1], "payload": events[n][2], "status": "received",
             "received_at": now} for key, n in first.items()]
    stored = {(p, e): i for i, p, e in (await conn.execute(_INSERT_MANY[conn.dialect.name], rows)).all()}
    return [stored.get(key) if first[key] == n else None for n, key in enumerate(keys)]


async def claim(session: AsyncSession, row_id: int, *, status: str, now: dt.datetime) -> bool:
    """Move a received event to `status`; False when someone else already did (processed once)."""
    result = await session.execute(
        update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == "received")
        .values(status=status, processed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def received_before(session: AsyncSession, cutoff: dt.datetime, limit: int = 100) -> list[InboxEvent]:
    """Events stored but never processed (the process died after the ack): the recovery sweep's work."""
    stmt = (select(InboxEvent).where(InboxEvent.status == "received", InboxEvent.received_at < cutoff)
            .order_by(InboxEvent.id).limit(limit))
    return list((await session.scalars(stmt)).all())


async def mark(session: AsyncSession, row_id: int, *, status: str, now: dt.datetime, error: str | None = None) -> None:
    await session.execute(
        update(InboxEvent).where(InboxEvent.id == row_id)
        .values(status=status, processed_at=now, error=error[:500] if error else None)
    )
