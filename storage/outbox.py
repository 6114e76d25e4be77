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
_DEFAULTS = {"chat": None, "user": None, "thread": None, "kind": "message", "status": PENDING, "attempts": 0,
             "tag": None}
TAG_REF = "tag:"  # a `thread` of "tag:cr:12:chat" means: the thread of the message tagged "cr:12:chat"


async def enqueue(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Add messages: dicts with platform, chat, user, thread, payload and created_at."""
    if rows:
        conn = await core(session)
        await conn.execute(_ENQUEUE, [dict(_DEFAULTS, **r, next_attempt_at=r["created_at"]) for r in rows])


async def expand_updates(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A row asking to update every message tagged X becomes one update per such message (each with the
    outbox id of its target, whose platform id delivery looks up once that message is sent)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        tag = row["payload"].get("update_tagged") if row.get("kind") == "update" else None
        if tag is None:
            out.append(row)
            continue
        targets = (await session.execute(
            select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat, OutboxMessage.user)
            .where(OutboxMessage.tag == tag, OutboxMessage.status != DEAD).order_by(OutboxMessage.id))).all()
        for target_id, platform, chat, user in targets:
            payload = {k: v for k, v in row["payload"].items() if k != "update_tagged"}
            out.append(dict(row, platform=platform, chat=chat, user=user, thread=None, tag=None,
                            payload=dict(payload, target_outbox=target_id)))
    return out


async def resolve(session: AsyncSession, *, thread_tag: str | None = None, target_id: int | None = None,
                  platform: str) -> tuple[str, dict[str, Any] | None]:
    """What a reference points at: ("ready", {chat, user, ref}), ("wait", None) while the message it names is
    not sent yet, or ("gone", None) when it never will be."""
    stmt = select(OutboxMessage.status, OutboxMessage.chat, OutboxMessage.user, OutboxMessage.sent_ref)
    if target_id is not None:
        stmt = stmt.where(OutboxMessage.id == target_id)
    else:
        stmt = stmt.where(OutboxMessage.tag == thread_tag, OutboxMessage.platform == platform) \
            .order_by(OutboxMessage.id).limit(1)
    row = (await session.execute(stmt)).first()
    if row is None or row.status == DEAD:
        return "gone", None
    if row.status != SENT:
        return "wait", None
    if not row.sent_ref:
        return "gone", None
    return "ready", {"chat": row.chat, "user": row.user, "ref": row.sent_ref}


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


async def renew(session: AsyncSession, ids: Sequence[int], *, token: str, until: dt.datetime) -> None:
    """Extend this sender's lease on the rows of its batch it has not settled yet."""
    await session.execute(update(OutboxMessage).where(
        OutboxMessage.id.in_(list(ids)), OutboxMessage.status == SENDING, OutboxMessage.claimed_by == token)
        .values(claimed_until=until).execution_options(synchronize_session=False))


async def take_over(session: AsyncSession, *, instance: str, token: str, now: dt.datetime) -> int:
    """Make due now the rows an earlier run of this instance was sending (tokens "<instance>:<run>",
    bot/instance.py); the attempt it made still counts. Return how many."""
    earlier = func.substr(OutboxMessage.claimed_by, 1, len(instance) + 1) == instance + ":"
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.status == SENDING, earlier, OutboxMessage.claimed_by != token)
        .values(status=PENDING, claimed_until=None, claimed_by=None, next_attempt_at=now)
        .execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


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
