"""Running jobs in tests: an injected clock, the console adapter, what each run delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from jobs.context import JobContext
from tests.conftest import ChatHarness, Clock


async def run_job(bot: ChatHarness, clock: Clock, job: Callable[[JobContext], Awaitable[None]], iso: str,
                  **kw: Any) -> list[dict[str, Any]]:
    """Set the clock (naive = Shanghai), run the job once and return what was delivered."""
    clock.set(iso)
    await job(JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings, **kw))
    return await bot._delivered()


async def sql(bot: ChatHarness, statement: str) -> None:
    from sqlalchemy import text

    async with bot.app.db.unit_of_work() as session:
        await session.execute(text(statement))
