"""Admin overrides of the working-day calendar (`calendar_days`). Never commits: the unit of work does."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CalendarDay


async def list_days(session: AsyncSession, *, year: int | None = None) -> list[CalendarDay]:
    """Every override in date order, or those of one year."""
    stmt = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        stmt = stmt.where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
    return list((await session.scalars(stmt)).all())


async def upsert(session: AsyncSession, day: dt.date, kind: str, name: str = "") -> tuple[str, str] | None:
    """Set `day` to `kind` ('holiday' or 'workday'); return the (kind, name) it replaced, or None."""
    row = await session.get(CalendarDay, day)
    if row is None:
        session.add(CalendarDay(day=day, kind=kind, name=name))
        await session.flush()
        return None
    old = (row.kind, row.name)
    row.kind, row.name = kind, name
    await session.flush()
    return old


async def remove(session: AsyncSession, day: dt.date) -> tuple[str, str] | None:
    """Delete the override of `day`; return the (kind, name) removed, or None when there was none."""
    row = await session.get(CalendarDay, day)
    if row is None:
        return None
    old = (row.kind, row.name)
    await session.delete(row)
    await session.flush()
    return old
