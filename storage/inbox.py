"""Inbox: every inbound event once, keyed by (platform, event_id)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, bindparam, case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, core, one_of
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


async def store(db: Database, events: Batch, now: dt.datetime, *, holder: str | None = None,
                until: dt.datetime | None = None) -> list[int | None]:
    """Store a batch of events in one transaction of its own (the ack path): `record_many`'s answer. The new
    rows are held by `holder` (the process that will process them) until `until`.

    On inline SQLite the statement runs on the sqlite3 connection itself (`Database.direct_sqlite`), with the
    column types' own bind processors; on PostgreSQL on an asyncpg connection (`Database.direct_postgres`), the
    batch as three arrays. Either way the rows are exactly what a session would have written, for a fraction of
    a session's cost (this runs before every platform ack)."""
    keys, first = _first_of_each(events)
    async with db.direct_sqlite() as conn:
        if conn is not None:
            payload_bind, time_bind = _binds(db.engine.dialect)
            stamp = time_bind(now) if time_bind else now
            held = (time_bind(until) if time_bind else until) if until is not None else None
            values: list[Any] = []
            for key, n in first.items():
                payload = payload_bind(events[n][2]) if payload_bind else events[n][2]
                values += (key[0], key[1], payload, stamp, holder, held)
            sql = (_DIRECT_INSERT + ", ".join(["(?, ?, ?, 'received', ?, ?, ?)"] * len(first)) + _DIRECT_RETURNING)
            return _answers(keys, first, conn.execute(sql, values).fetchall())
    async with db.direct_postgres() as pg:
        if pg is not None:
            columns = list(zip(*[(key[0], key[1], _pg_json(events[n][2])) for key, n in first.items()], strict=True))
            return _answers(keys, first, await pg.fetch(_PG_INSERT, *columns, now, holder, until))
    async with db.unit_of_work() as session:
        return await record_many(session, events, now, holder=holder, until=until)


_PG_INSERT = (
    "INSERT INTO inbox (platform, event_id, payload, status, received_at, claimed_by, claimed_until) "
    "SELECT v.platform, v.event_id, CAST(v.payload AS JSON), 'received', $4, $5, $6 "
    "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS v(platform, event_id, payload, n) "
    "ORDER BY v.n ON CONFLICT (platform, event_id) DO NOTHING RETURNING id, platform, event_id")


def _pg_json(payload: dict[str, Any]) -> str:
    return json.dumps(payload)  # what SQLAlchemy's JSON type sends (json.dumps, ASCII)


_DIRECT_INSERT = "INSERT INTO inbox (platform, event_id, payload, status, received_at, claimed_by, claimed_until) VALUES "
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


async def record_many(session: AsyncSession, events: Batch, now: dt.datetime, *, holder: str | None = None,
                      until: dt.datetime | None = None) -> list[int | None]:
    """Store (platform, event_id, payload) rows in one statement; for each, its new row id, or None when it
    was seen before (earlier, or earlier in this same batch)."""
    conn = await core(session)
    keys, first = _first_of_each(events)
    rows = [{"platform": key[0], "event_id": key[1], "payload": events[n][2], "status": "received",
             "received_at": now, "claimed_by": holder, "claimed_until": until} for key, n in first.items()]
    return _answers(keys, first, (await conn.execute(_INSERT_MANY[conn.dialect.name], rows)).all())


async def claim(session: AsyncSession, row_id: int, *, status: str, now: dt.datetime) -> bool:
    """Move a received event to `status`; False when someone else already did (processed once)."""
    result = await session.execute(
        update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == "received")
        .values(status=status, processed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def _free(now: dt.datetime) -> Any:
    """Rows nobody holds: never held or released, a holder whose lease ran out, or a failed row whose wait for
    its next try is over."""
    return InboxEvent.claimed_until.is_(None) | (InboxEvent.claimed_until <= now)


def _of_instance(instance: str) -> Any:
    """Held by any run of this instance (lease tokens are "<instance>:<run>", bot/instance.py)."""
    return func.substr(InboxEvent.claimed_by, 1, len(instance) + 1) == instance + ":"


async def take(session: AsyncSession, *, holder: str, now: dt.datetime, until: dt.datetime, after: int = 0,
               limit: int, mine: bool = True) -> list[tuple[int, dict[str, Any]]]:
    """Hold, until `until`, the unprocessed rows past id `after` that are nobody's (and, with `mine`, those
    `holder` holds already), oldest first (at most `limit`); return (id, payload) of each. Dead rows are never
    taken; nor are rows another live process holds (on PostgreSQL, nor rows a transaction has locked: SKIP
    LOCKED, as on the outbox)."""
    pick = (select(InboxEvent.id)
            .where(InboxEvent.status == "received", InboxEvent.id > after,
                   ((InboxEvent.claimed_by == holder) | _free(now)) if mine else _free(now))
            .order_by(InboxEvent.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    result = await session.execute(
        update(InboxEvent).where(InboxEvent.id.in_(pick.scalar_subquery()))
        .values(claimed_by=holder, claimed_until=until)
        .returning(InboxEvent.id, InboxEvent.payload)
        .execution_options(synchronize_session=False))
    return sorted((row_id, payload) for row_id, payload in result.all())


async def take_over(session: AsyncSession, *, instance: str, holder: str, until: dt.datetime) -> int:
    """At start-up: hold what an earlier run of this same instance held when it died (whatever its lease
    says: that run is gone); return how many rows."""
    result = await session.execute(
        update(InboxEvent).where(InboxEvent.status == "received", _of_instance(instance),
                                 InboxEvent.claimed_by != holder)
        .values(claimed_by=holder, claimed_until=until).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


async def renew(session: AsyncSession, *, holder: str, ids: Sequence[int], until: dt.datetime) -> None:
    """Extend the hold on rows this process still has queued or in hand."""
    if ids:
        conn = await core(session)
        await conn.execute(update(InboxEvent).where(
            one_of(InboxEvent.id, ids, conn.dialect.name), InboxEvent.claimed_by == holder,
            InboxEvent.status == "received").values(claimed_until=until))


async def release(session: AsyncSession, *, holder: str) -> None:
    """Let go of every row still held (a clean stop): another process may take them at once."""
    await session.execute(update(InboxEvent).where(InboxEvent.claimed_by == holder, InboxEvent.status == "received")
                          .values(claimed_by=None, claimed_until=None).execution_options(synchronize_session=False))


async def fail(session: AsyncSession, row_id: int, *, error: str, now: dt.datetime, retry_at: dt.datetime,
               max_attempts: int) -> tuple[int, str] | None:
    """Count a failed try: the row waits, held by nobody, until `retry_at`, or is `dead` after `max_attempts`.
    Return (attempts, status), or None when the row was no longer waiting (processed meanwhile)."""
    attempts = InboxEvent.attempts + 1
    result = await session.execute(
        update(InboxEvent).where(InboxEvent.id == row_id, InboxEvent.status == "received")
        .values(attempts=attempts, error=error[:500], claimed_by=None, claimed_until=retry_at,
                status=case((attempts >= max_attempts, "dead"), else_="received"),
                processed_at=case((attempts >= max_attempts, now), else_=None))
        .returning(InboxEvent.attempts, InboxEvent.status).execution_options(synchronize_session=False))
    row = result.first()
    return (int(row[0]), str(row[1])) if row is not None else None


async def counts(session: AsyncSession) -> dict[str, int]:
    """How many rows wait to be processed (`received`) and how many are dead-lettered (`dead`)."""
    rows = (await session.execute(select(InboxEvent.status, func.count()).where(
        InboxEvent.status.in_(("received", "dead"))).group_by(InboxEvent.status))).all()
    found = {str(status): int(n) for status, n in rows}
    return {"received": found.get("received", 0), "dead": found.get("dead", 0)}


async def listing(session: AsyncSession, *, dead: bool, limit: int) -> list[InboxEvent]:
    """Rows waiting to be processed, or (dead) the dead-lettered ones; oldest first."""
    stmt = (select(InboxEvent).where(InboxEvent.status == ("dead" if dead else "received"))
            .order_by(InboxEvent.id).limit(limit))
    return list((await session.scalars(stmt)).all())


async def retry(session: AsyncSession, ids: Sequence[int] | None) -> list[int]:
    """Give dead rows (these ids, or all when None) a fresh start: unprocessed, no attempts, held by nobody, so
    the next sweep of a running bot takes them. Return the ids that were dead."""
    stmt = update(InboxEvent).where(InboxEvent.status == "dead")
    if ids is not None:
        stmt = stmt.where(InboxEvent.id.in_(list(ids)))
    result = await session.execute(
        stmt.values(status="received", attempts=0, claimed_by=None, claimed_until=None, processed_at=None)
        .returning(InboxEvent.id).execution_options(synchronize_session=False))
    return sorted(int(i) for i in result.scalars().all())


async def mark(session: AsyncSession, row_id: int, *, status: str, now: dt.datetime, error: str | None = None) -> None:
    await session.execute(
        update(InboxEvent).where(InboxEvent.id == row_id)
        .values(status=status, processed_at=now, error=error[:500] if error else None)
    )


async def row_id(session: AsyncSession, platform: str, event_id: str) -> int | None:
    """The inbox row of an event (the one being processed, in its unit of work)."""
    stmt = select(InboxEvent.id).where(InboxEvent.platform == platform, InboxEvent.event_id == event_id[:128])
    return (await session.execute(stmt)).scalar_one_or_none()


async def payload(session: AsyncSession, row: int) -> tuple[str, dict[str, Any]] | None:
    """An event as it was stored: its platform and payload (the files a message came with, read back later)."""
    found = await session.get(InboxEvent, row)
    return (found.platform, found.payload) if found is not None else None
