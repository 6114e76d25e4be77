"""Inbox: every inbound event once, keyed by (platform, event_id)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, core
from storage.models import InboxEvent

Batch = list[tuple[str, str, dict[str, Any]]]  # (platform, event_id, payload)


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


async def store(db: Database, events: Batch, now: dt.datetime) -> list[int | None]:
    """Store a batch of events in one transaction of its own (the ack path): `record_many`'s answer.

    On inline SQLite the statement runs on the sqlite3 connection itself (`Database.direct_sqlite`), with the
    column types' own bind processors; on PostgreSQL on an asyncpg connection (`Database.direct_postgres`), the
    batch as three arrays. Either way the rows are exactly what a session would have written, for a fraction of
    a session's cost (this runs before every platform ack)."""
    keys, first = _first_of_each(events)
    async with db.direct_sqlite() as conn:
        if conn is not None:
            payload_bind, time_bind = _binds(db.engine.dialect)
            stamp = time_bind(now) if time_bind else now
            values: list[Any] = []
            for key, n in first.items():
                payload = payload_bind(events[n][2]) if payload_bind else events[n][2]
                values += (key[0], key[1], payload, stamp)
            sql = (_DIRECT_INSERT + ", ".join(["(?, ?, ?, 'received', ?)"] * len(first)) + _DIRECT_RETURNING)
            return _answers(keys, first, conn.execute(sql, values).fetchall())
    async with db.direct_postgres() as pg:
        if pg is not None:
            columns = list(zip(*[(key[0], key[1], _pg_json(events[n][2])) for key, n in first.items()], strict=True))
            return _answers(keys, first, await pg.fetch(_PG_INSERT, *columns, now))
    async with db.unit_of_work() as session:
        return await record_many(session, events, now)


_PG_INSERT = (
    "INSERT INTO inbox (platform, event_id, payload, status, received_at) "
    "SELECT v.platform, v.event_id, CAST(v.payload AS JSON), 'received', $4 "
    "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS v(platform, event_id, payload, n) "
    "ORDER BY v.n ON CONFLICT (platform, event_id) DO NOTHING RETURNING id, platform, event_id")


def _pg_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload)  # what SQLAlchemy's JSON type sends (json.dumps, ASCII)


_DIRECT_INSERT = "INSERT INTO inbox (platform, event_id, payload, status, received_at) VALUES "
_DIRECT_RETURNING = " ON CONFLICT (platform, event_id) DO NOTHING RETURNING id, platform, event_id"


@functools.cache
def _binds(dialect: Any) -> tuple[Any, Any]:
    columns = InboxEvent.__table__.c
    return tuple(column.type.dialect_impl(dialect).bind_processor(dialect)  # type: ignore[return-value]
                 for column in (columns.payload, columns.received_at))


def _first_of_each(events: Batch) -> tuple[list[tuple[str, str]], dict[tuple[str, str], int]]:
    """Each event's key, and where each key first appears: a repeat within the batch counts as a duplicate."""
    keys = [(platform, event_id[:128]) for platform, event_id, _ in events]
    first: dict[tuple[str, str], int] = {}
    for n, key in enumerate(keys):
        first.setdefault(key, n)
    return keys, first


def _answers(keys: list[tuple[str, str]], first: dict[tuple[str, str], int], inserted: Any) -> list[int | None]:
    """For each event, the id of the row the batch inserted for it (rows: id, platform, event_id), or None for
    a repeat: seen before (ON CONFLICT skipped it) or earlier in the batch."""
    stored = {(p, e): i for i, p, e in inserted}
    return [stored.get(key) if first[key] == n else None for n, key in enumerate(keys)]


async def record_many(session: AsyncSession, events: Batch, now: dt.datetime) -> list[int | None]:
    """Store (platform, event_id, payload) rows in one statement; for each, its new row id, or None when it
    was seen before (earlier, or earlier in this same batch)."""
    conn = await core(session)
    keys, first = _first_of_each(events)
    rows = [{"platform": key[0], "event_id": key[1], "payload": events[n][2], "status": "received",
             "received_at": now} for key, n in first.items()]
    return _answers(keys, first, (await conn.execute(_INSERT_MANY[conn.dialect.name], rows)).all())


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
