"""Outbox: messages committed with the change that caused them, claimed and marked by delivery.

The one storage module of the outbox table. Rows come encoded by `bot.core.outbound.to_row` (the payload
shape is that module's), and delivery decodes them with `from_row`; here are the columns and the statements."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Text, bindparam, cast, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import OutboxMessage

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
_ENQUEUE = insert(OutboxMessage)
_DEFAULTS = {"chat": None, "user": None, "thread": None, "kind": "message", "status": PENDING, "attempts": 0,
             "tag": None}


async def enqueue(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Add messages: rows as `bot.core.outbound.to_row` makes them."""
    if rows:
        conn = await core(session)
        await conn.execute(_ENQUEUE, [dict(_DEFAULTS, **r, next_attempt_at=r["created_at"]) for r in rows])


_ENQUEUE_RETURNING = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)


async def enqueue_returning(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Add messages (as `enqueue`) and return their ids, in order: a job that starts a thread keeps the id,
    and later finds the platform's message id (`sent_refs`) to reply in that thread."""
    if not rows:
        return []
    conn = await core(session)
    values = [dict(_DEFAULTS, **r, next_attempt_at=r["created_at"]) for r in rows]
    return [int(i) for i in (await conn.execute(_ENQUEUE_RETURNING, values)).scalars().all()]  # multi-row


def encode(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their payload as JSON text, for `enqueue_encoded`. Pure: a job's messages can be megabytes of
    JSON, so it encodes them a slice at a time rather than in the INSERT on the event loop."""
    return [{**_DEFAULTS, **{k: v for k, v in r.items() if k != "payload"}, "next_attempt_at": r["created_at"],
             "payload_json": json.dumps(r["payload"])} for r in rows]


def _encoded_stmt(dialect: str, returning: bool) -> Any:
    value: Any = bindparam("payload_json", type_=Text)
    stmt = insert(OutboxMessage).values(payload=cast(value, JSON) if dialect == "postgresql" else value)
    return stmt.returning(OutboxMessage.id, sort_by_parameter_order=True) if returning else stmt


_ENCODED = {(d, r): _encoded_stmt(d, r) for d in ("postgresql", "sqlite") for r in (False, True)}


async def enqueue_encoded(session: AsyncSession, rows: Sequence[dict[str, Any]], *, ids: bool = False) -> list[int]:
    """Add the rows `encode` prepared, in one statement; `ids`: return their ids in order."""
    if not rows:
        return []
    conn = await core(session)
    result = await conn.execute(_ENCODED[conn.dialect.name, ids], list(rows))
    return [int(i) for i in result.scalars().all()] if ids else []


async def sent_refs(session: AsyncSession, outbox_ids: Sequence[int]) -> dict[int, str]:
    """The platform's message id of each sent row (what a reply in its thread needs)."""
    ids = sorted({i for i in outbox_ids if i})
    if not ids:
        return {}
    conn = await core(session)
    stmt = select(OutboxMessage.id, OutboxMessage.sent_ref).where(OutboxMessage.id.in_(ids),
                                                                 OutboxMessage.sent_ref.is_not(None))
    return {int(i): str(ref) for i, ref in (await conn.execute(stmt)).all()}


async def tagged(session: AsyncSession, tag: str) -> list[tuple[int, str, str | None, str | None]]:
    """(id, platform, chat, user) of every message tagged so that is not dead, oldest first: what an update of
    "every message tagged X" becomes one update of each."""
    rows = (await session.execute(
        select(OutboxMessage.id, OutboxMessage.platform, OutboxMessage.chat, OutboxMessage.user)
        .where(OutboxMessage.tag == tag, OutboxMessage.status != DEAD).order_by(OutboxMessage.id))).all()
    return [(int(i), str(p), c, u) for i, p, c, u in rows]


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
