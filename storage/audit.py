"""The append-only audit trail. Rows are only ever inserted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import AuditEntry

_APPEND = insert(AuditEntry)


async def append(session: AsyncSession, *, actor_id: int | None, action: str, entity: str, at: dt.datetime,
                 project_id: int | None = None, before: dict[str, Any] | None = None,
                 after: dict[str, Any] | None = None, event_id: str | None = None) -> None:
    conn = await core(session)
    await conn.execute(_APPEND, {"actor_id": actor_id, "action": action, "entity": entity, "at": at,
                                 "project_id": project_id, "before": before, "after": after, "event_id": event_id})
