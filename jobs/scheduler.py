"""The only APScheduler importer: stable ids, explicit timezone, coalesce, one instance, one error wrapper.

APScheduler only ticks; each job claims what it sends in the database (storage/jobruns.py), so several
processes may run the same schedule and everything is still sent once. No APScheduler job store: its
SQLAlchemy store blocks the loop and has no cross-process lock (performance-facts.md).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.context import Settings
from jobs.context import JobContext
from jobs.registry import JOBS, JobSpec
from storage.db import Database

logger = logging.getLogger(__name__)

TICK_ENV = "PMO_JOB_TICK_SECONDS"  # tests: run every tick job every N seconds instead of its cron


def tick_seconds() -> float | None:
    raw = os.environ.get(TICK_ENV)
    return float(raw) if raw else None


def trigger(spec: JobSpec, tick: float | None = None) -> BaseTrigger:
    if tick and spec.tick:
        return IntervalTrigger(seconds=tick, timezone="UTC")
    return CronTrigger(timezone="UTC", **spec.cron)


async def run_job(spec: JobSpec, ctx: JobContext) -> bool:
    """Run one job; a failure is logged, never raised (it must not stop the scheduler)."""
    started = time.perf_counter()
    try:
        await spec.run(ctx)
    except Exception:
        logger.exception("job %s failed", spec.name)
        return False
    elapsed = (time.perf_counter() - started) * 1000
    if ctx.sent:
        logger.info("job %s sent %s in %.0f ms", spec.name, len(ctx.sent), elapsed)
    return True


def _guarded(spec: JobSpec, make: Callable[[], JobContext],
             wake: Callable[[], None] | None) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        ctx = make()
        if await run_job(spec, ctx) and ctx.sent and wake is not None:
            wake()

    return run


def build(db: Database, clock: Callable[[], dt.datetime], *, settings: Settings | None = None,
          wake: Callable[[], None] | None = None, tick: float | None = None) -> AsyncIOScheduler:
    tick = tick if tick is not None else tick_seconds()
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": 60})  # ticks catch up by themselves

    def make() -> JobContext:
        return JobContext(db=db, now=clock(), settings=settings or Settings())

    for spec in JOBS.values():
        scheduler.add_job(_guarded(spec, make, wake), trigger(spec, tick), id=spec.name, name=spec.name,
                          replace_existing=True, misfire_grace_time=60 if spec.tick else 3600)
    return scheduler


def next_runs(now: dt.datetime, tick: float | None = None) -> list[tuple[str, str, dt.datetime | None, str]]:
    """(job, schedule, next run after `now`, what it does) for `pmo-bot jobs list`."""
    out = []
    for spec in JOBS.values():
        trig = trigger(spec, tick)
        if isinstance(trig, IntervalTrigger):
            # An interval starts from when the process starts; seen from `now`, the next tick is one interval on.
            nxt: dt.datetime | None = now + trig.interval
        else:
            nxt = trig.get_next_fire_time(None, now + dt.timedelta(seconds=1))
        out.append((spec.name, str(trig), nxt, spec.what))
    return out
