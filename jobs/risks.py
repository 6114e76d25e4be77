"""(being written)"""

from __future__ import annotations

from jobs.context import JobContext

SCAN = "risks.scan"


async def scan(ctx: JobContext) -> None:
    """(being written)"""
