"""Outbox: messages committed with the change that caused them, claimed and marked by delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import OutboxMessage

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
_ENQUEUE = insert(OutboxMessage)
_DEFAULTS = {"chat": None, "user": None, "thread": None, "kind": "message", "status": PENDING, "attempts": 0}


async def enqueue(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Add messages: dicts with platform, chat, user, thread, payload and created_at."""
    if rows:
        conn = await core(session)
        await conn.execute(_ENQUEUE, [dict(_DEFAULTS, **r, next_attempt_at=r["created_at"]) for r in rows])


async def claim(session: AsyncSession, *, now: dt.datetime, lease: dt.timedelta, limit: int, token: str,
                platforms: Sequence[str] | None = None) -> list[OutboxMessage]:
    """Lease due messages to this sender; an expired lease (a sender that died) makes them due again."""
    due = or_(
        (OutboxMessage.status == PENDING) & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_until < now),
    )
    stmt = select(OutboxMessage).where(due).order_by(OutboxMessage.id).limit(limit)
    if platforms is not None:
        stmt = stmt.where(OutboxMessage.platform.in_(platforms))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # several replicas share one outbox
    rows = list((await session.scalars(stmt)).all())
    if rows:
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(status=SENDING, claimed_until=now + lease, claimed_by=token, attempts=OutboxMessage.attempts + 1)
        )
    return rows


def _held(row_id: int, token: str) -> Any:
    """Only the current lease holder may settle a row: a sender whose lease expired (and was re-claimed
    by another) must not flip it back."""
    return (OutboxMessage.id == row_id) & (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_by == token)


async def mark_sent(session: AsyncSession, row_id: int, *, now: dt.datetime, token: str,
                    ref: str | None = None) -> None:
    await session.execute(update(OutboxMessage).where(_held(row_id, token))
                          .values(status=SENT, sent_at=now, claimed_until=None, last_error=None, sent_ref=ref))


async def posted_in_thread(session: AsyncSession, platform: str, chat: str, thread: str) -> bool:
    """Has the bot started this thread, or replied in it? (Then answers in it are addressed to the bot.)"""
    stmt = select(OutboxMessage.id).where(
        OutboxMessage.platform == platform, OutboxMessage.chat == chat,
        or_(OutboxMessage.thread == thread, OutboxMessage.sent_ref == thread)).limit(1)
    return (await session.execute(stmt)).first() is not None


async def mark_retry(session: AsyncSession, row_id: int, *, at: dt.datetime, error: str, token: str,
                     attempts_back: int = 0) -> None:
    await session.execute(update(OutboxMessage).where(_held(row_id, token))
                          .values(status=PENDING, next_attempt_at=at, claimed_until=None, last_error=error[:500],
                                  attempts=OutboxMessage.attempts - attempts_back))


async def mark_dead(session: AsyncSession, row_id: int, *, error: str, token: str) -> None:
    await session.execute(update(OutboxMessage).where(_held(row_id, token))
                          .values(status=DEAD, claimed_until=None, last_error=error[:500]))


async def backlog(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status.in_([PENDING, SENDING]))
    return int((await session.execute(stmt)).scalar_one())
