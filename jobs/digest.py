"""(being written)"""

from __future__ import annotations

from jobs.context import JobContext

DAILY = "digest.daily"


async def daily(ctx: JobContext) -> None:
    """(being written)"""
