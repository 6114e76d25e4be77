"""Standup entries (asked, answered) and leave. Never commits: the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Insert, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core, one_of
from storage.models import Chat, Identity, Leave, StandupEntry


def _ask_stmt(insert: Any) -> Insert:
    # An answer given before the prompt keeps its text and now counts as asked too.
    stmt = insert(StandupEntry)
    return stmt.on_conflict_do_update(index_elements=["project_id", "person_id", "day"],
                                      set_={"asked_at": func.coalesce(StandupEntry.asked_at, stmt.excluded.asked_at)})


_ASK = {"postgresql": _ask_stmt(pg_insert), "sqlite": _ask_stmt(sqlite_insert)}


async def add_leave(session: AsyncSession, person_id: int, start: dt.date, end: dt.date, *, note: str,
                    now: dt.datetime) -> Leave:
    row = Leave(person_id=person_id, start_date=start, end_date=end, note=note[:200], created_at=now)
    session.add(row)
    await session.flush()
    return row


async def on_leave(session: AsyncSession, person_ids: Sequence[int], first: dt.date,
                   last: dt.date) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each person's leave overlapping [first, last] (one SELECT)."""
    out: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    ids = sorted(set(person_ids))
    if not ids:
        return out
    conn = await core(session)
    stmt = select(Leave.person_id, Leave.start_date, Leave.end_date).where(
        one_of(Leave.person_id, ids, conn.dialect.name), Leave.end_date >= first, Leave.start_date <= last)
    for pid, a, b in (await conn.execute(stmt)).all():
        out[int(pid)].append((a, b))
    return out


async def mark_asked(session: AsyncSession, rows: Sequence[tuple[int, int, dt.date]], *, now: dt.datetime) -> None:
    """Record prompts sent: (project, person, day); an answer given before the prompt is kept."""
    if not rows:
        return
    conn = await core(session)
    values = [{"project_id": p, "person_id": u, "day": d, "asked_at": now, "blockers": {}} for p, u, d in rows]
    for start in range(0, len(values), 500):
        await conn.execute(_ASK[conn.dialect.name], values[start:start + 500])


async def open_prompts(session: AsyncSession, person_id: int, since: dt.datetime) -> list[StandupEntry]:
    """This person's prompts sent since `since` (the entries an answer fills in)."""
    stmt = select(StandupEntry).where(StandupEntry.person_id == person_id, StandupEntry.asked_at >= since)
    return list((await session.scalars(stmt.order_by(StandupEntry.id))).all())


async def entry(session: AsyncSession, project_id: int, person_id: int, day: dt.date) -> StandupEntry:
    found = (await session.scalars(select(StandupEntry).where(
        StandupEntry.project_id == project_id, StandupEntry.person_id == person_id,
        StandupEntry.day == day))).first()
    if found is None:
        found = StandupEntry(project_id=project_id, person_id=person_id, day=day, blockers={})
        session.add(found)
        await session.flush()
    return found


async def in_window(session: AsyncSession, project_ids: Sequence[int], since: dt.datetime) -> list[StandupEntry]:
    """Entries of these projects asked or answered since `since` (what a summary covers)."""
    if not project_ids:
        return []
    stmt = select(StandupEntry).where(StandupEntry.project_id.in_(list(project_ids)),
                                      or_(StandupEntry.asked_at >= since, StandupEntry.answered_at >= since))
    return list((await session.scalars(stmt.order_by(StandupEntry.id))).all())


async def identities(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Each person's accounts: {person: {platform: external id}} (one SELECT)."""
    out: dict[int, dict[str, str]] = defaultdict(dict)
    ids = sorted(set(person_ids))
    if not ids:
        return out
    conn = await core(session)
    stmt = (select(Identity.person_id, Identity.platform, Identity.external_id)
            .where(one_of(Identity.person_id, ids, conn.dialect.name)).order_by(Identity.id))
    for pid, platform, ext in (await conn.execute(stmt)).all():
        out[int(pid)].setdefault(platform, ext)
    return out


async def project_chats(session: AsyncSession, project_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    """The chats bound to each project: {project: [(platform, chat id)]} (one SELECT)."""
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if not project_ids:
        return out
    conn = await core(session)
    stmt = (select(Chat.project_id, Chat.platform, Chat.external_id)
            .where(Chat.project_id.in_(sorted(set(project_ids)))).order_by(Chat.id))
    for pid, platform, ext in (await conn.execute(stmt)).all():
        if pid is not None:
            out[int(pid)].append((platform, ext))
    return out
