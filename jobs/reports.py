"""(being written)"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from jobs.context import JobContext

WEEKLY = "report.weekly"


async def weekly(ctx: JobContext) -> None:
    """(being written)"""


async def weekly_markdown(session: AsyncSession, ctx: JobContext, key: str) -> str | None:
    return None
