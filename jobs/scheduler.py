"""The only APScheduler importer: stable ids, explicit timezone, coalesce, one instance, one error wrapper."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from jobs import housekeeping
from storage.db import Database

logger = logging.getLogger(__name__)


def _guarded(name: str, fn: Callable[[], Awaitable[object]]) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        try:
            await fn()
        except Exception:  # a job's failure is logged and never stops the scheduler
            logger.exception("job %s failed", name)

    return run


def build(db: Database, clock: Callable[[], dt.datetime]) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                               "misfire_grace_time": 3600})
    scheduler.add_job(_guarded("housekeeping", lambda: housekeeping.purge(db, clock())),
                      CronTrigger(hour=3, minute=17, timezone="UTC"), id="housekeeping", replace_existing=True)
    return scheduler


def describe(scheduler: AsyncIOScheduler) -> list[tuple[str, str]]:
    return [(job.id, str(job.trigger)) for job in scheduler.get_jobs()]
