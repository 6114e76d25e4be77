"""What a job run gets: the database, an injected clock reading, settings, and a unit of work that can be dry."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbound
from bot.core.context import Settings
from bot.core.outbound import Outbound
from jobs import charts, workers
from storage import jobruns, outbox
from storage.db import Database

logger = logging.getLogger(__name__)


class _DryRun(Exception):
    """Raised at the end of a dry unit of work so it rolls back."""


@dataclass(slots=True)
class JobContext:
    db: Database
    now: dt.datetime  # aware UTC: the clock reading this run is for
    settings: Settings = field(default_factory=Settings)
    dry_run: bool = False
    sent: list[dict[str, Any]] = field(default_factory=list)  # every outbox row this run produced (outbound.to_row)
    render: Callable[[list[charts.Spec]], Awaitable[list[bytes]]] = charts.render  # charts: worker processes
    process: Callable[..., Awaitable[Any]] = workers.call  # heavy Python work: a job worker process
    counters: dict[str, int] = field(default_factory=dict)  # e.g. statements run by worker processes

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One transaction; a dry run does everything and then rolls it back. On SQLite with the inline
        driver its statements run in a thread (`Database.threaded`): a job's big statements must not stall
        the event loop the chat pipeline runs on."""
        try:
            async with self.db.threaded().unit_of_work() as session:
                yield session
                if self.dry_run:
                    raise _DryRun
        except _DryRun:
            pass

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction that does not take SQLite's writer lock (WAL readers never block the
        writer), so a job's big reads do not hold up the chat pipeline's writes. Never nest a unit of work in it."""
        async with self.db.threaded().sessions() as session:  # closing ends the transaction; rows stay loaded
            yield session

    async def claim(self, session: AsyncSession, job: str, slots: list[str]) -> set[str]:
        return await jobruns.claim(session, job, slots, now=self.now)

    async def send(self, session: AsyncSession, messages: Sequence[Outbound], *, ids: bool = False) -> list[int]:
        """Enqueue messages in this run's transaction (`ids`: return their outbox ids)."""
        rows = [outbound.to_row(m, created_at=self.now) for m in await outbound.expand(session, messages)]
        self.sent.extend(rows)
        if sum(len(m.text) for m in messages) < 100_000 and not any(m.image for m in messages):
            if ids:
                return await outbox.enqueue_returning(session, rows)
            await outbox.enqueue(session, rows)
            return []
        # Megabytes of JSON (long risk lists, chart images): encoded a slice at a time, with the event loop let
        # through between slices, then inserted in one statement (no JSON work left for the INSERT).
        encoded: list[dict[str, Any]] = []
        cost = 0
        for r in rows:
            encoded += outbox.encode([r])
            payload = r["payload"]
            cost += len(str(payload.get("text") or "")) * 4 + len((payload.get("image") or {}).get("data") or "")
            if cost > 2_000_000:  # a few milliseconds of json.dumps: the chat pipeline shares this loop
                cost = 0
                await asyncio.sleep(0)
        return await outbox.enqueue_encoded(session, encoded, ids=ids)

    def local(self, tz: str | None) -> dt.datetime:
        return self.now.astimezone(zone(tz or self.settings.default_tz))


@functools.cache
def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except Exception:  # a bad timezone in a profile must not stop everyone's standup
        logger.warning("unknown timezone %r, using UTC", tz)
        return ZoneInfo("UTC")


def due_slot(local_now: dt.datetime, at: dt.time, grace: dt.timedelta) -> dt.date | None:
    """The local day whose `at` has passed within `grace` (a missed run is caught up, a stale one is not)."""
    for day in (local_now.date(), local_now.date() - dt.timedelta(days=1)):
        moment = dt.datetime.combine(day, at, tzinfo=local_now.tzinfo)
        if moment <= local_now < moment + grace:
            return day
    return None
