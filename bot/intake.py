"""The platforms' durable ack path: store events in the inbox (group commit), ack, process afterwards.

Platforms retry when the ack takes over 3 s, so an adapter awaits `accept(event)`, which returns once the event
is committed to the inbox, and acks. One writer task commits whatever has queued up meanwhile in a single
transaction (measured here: ~4.7x the rate of one commit per request). A few worker tasks then run each
stored event through the dispatcher; a sweep picks up events stored by a process that died before it
processed them. Claiming the inbox row in the processing transaction makes every event take effect once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from bot.dispatch import Dispatcher, event_of, payload_of
from bot.model import Event, IncomingMessage, UserRef
from storage import inbox
from storage.db import Database, outage

logger = logging.getLogger(__name__)

MAX_BATCH = 500
MAX_QUEUED = 1000
GATHER = 0.002  # a batch smaller than the one before waits at most this long for more
QUIET = 0.02  # processing waits for this long a gap in incoming events...
MAX_DEFER = 1.0  # ...but never longer than this per event
RECOVER_AFTER = dt.timedelta(seconds=30)


async def with_profiles(event: Event, profile: Callable[[UserRef], Awaitable[UserRef]]) -> Event:
    """The event with its writer (and the people it mentions) filled in by a platform's profile lookup."""
    user = await profile(event.user)
    if isinstance(event, IncomingMessage) and event.mentions:
        mentions = tuple([await profile(m) for m in event.mentions])
        return dataclasses.replace(event, user=user, mentions=mentions)
    return dataclasses.replace(event, user=user)


class Intake:
    def __init__(self, db: Database, dispatcher: Dispatcher, *, clock: Callable[[], dt.datetime], workers: int = 2,
                 on_processed: Callable[[], None] | None = None) -> None:
        # Per platform: look the user up (names, timezone...) outside the unit of work, before processing.
        self.enrichers: dict[str, Callable[[Event], Awaitable[Event]]] = {}
        self.db = db
        self.dispatcher = dispatcher
        self.clock = clock
        self.workers = workers
        self.on_processed = on_processed or (lambda: None)
        self._pending: asyncio.Queue[tuple[Event, asyncio.Future[bool]]] = asyncio.Queue()
        self._work: asyncio.Queue[tuple[int, Event]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._queued: set[int] = set()
        # Acks come first: workers start an event only when no ack has been in flight for QUIET, so a burst
        # is acknowledged at full speed (platforms retry after 3 s) and processed right after it.
        self._acks_in_flight = 0
        self._no_acks = asyncio.Event()
        self._no_acks.set()
        self._last_ack = 0.0
        self._last_batch = 1
        # At most MAX_QUEUED events wait in memory: memory stays bounded in a burst, and so does the time the
        # garbage collector spends walking them (~20 ms per 15k queued events here). The rest wait in the
        # inbox, where they are anyway, and are read back in order when the queue runs empty.
        self._spilled = False
        self._refilling = asyncio.Lock()

    async def accept(self, event: Event) -> bool:
        """Store the event durably; True when it is new, False for a duplicate. Raises if the store failed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        self._acks_in_flight += 1
        self._no_acks.clear()
        try:
            self._pending.put_nowait((event, future))
            return await future
        finally:
            self._acks_in_flight -= 1
            self._last_ack = loop.time()
            if self._acks_in_flight == 0:
                self._no_acks.set()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._writer(), name="intake-writer")]
        self._tasks += [asyncio.create_task(self._worker(), name=f"intake-worker-{i}") for i in range(self.workers)]
        self._tasks.append(asyncio.create_task(self._sweeper(), name="intake-sweeper"))

    async def stop(self, limit: float = 10.0) -> None:
        """Stop taking events; give the workers `limit` seconds to finish what was stored (the rest stays
        in the inbox and is processed by the next start's sweep)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(limit):
                await self._pending.join()
                await self._work.join()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    @property
    def backlog(self) -> int:
        return self._work.qsize()

    async def _collect(self) -> list[tuple[Event, asyncio.Future[bool]]]:
        """The next batch: what is queued, and while it is smaller than the previous batch, whatever arrives in
        the next GATHER seconds (the requests acked with the previous batch are usually on their way back).

        Taking only what is queued commits a steady stream as 1 row, then 15, then 1...: the first request back
        wakes the writer before the others are read, and a commit costs about as much CPU as 15 rows. The wait
        never holds the loop (other requests are read meanwhile) and adapts: a batch that times out sets a
        smaller target, and a quiet system (target 1) never waits."""
        batch = [await self._pending.get()]
        target = min(self._last_batch, MAX_BATCH)
        deadline = asyncio.get_running_loop().time() + GATHER
        while len(batch) < MAX_BATCH:
            while len(batch) < MAX_BATCH and not self._pending.empty():
                batch.append(self._pending.get_nowait())
            if len(batch) >= target:
                break
            try:
                async with asyncio.timeout_at(deadline):
                    batch.append(await self._pending.get())
            except TimeoutError:
                break
        self._last_batch = len(batch)
        return batch

    async def _writer(self) -> None:
        while True:
            batch = await self._collect()
            now = self.clock()
            try:
                ids = await inbox.store(self.db, [(e.platform, e.event_id, payload_of(e)) for e, _ in batch], now)
            except Exception as exc:  # the database is down: every caller answers 5xx and the platform retries
                fault = outage(exc)
                if fault is not None:  # one line per batch, not a traceback per request
                    logger.error("inbox write failed for %d events: %s", len(batch), fault)
                else:
                    logger.exception("inbox write failed for %d events", len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                    self._pending.task_done()
                continue
            for (event, future), row_id in zip(batch, ids, strict=True):
                if row_id is not None:
                    self._enqueue(row_id, event)
                if not future.done():
                    future.set_result(row_id is not None)
            for _ in batch:
                self._pending.task_done()

    def _enqueue(self, row_id: int, event: Event) -> None:
        if row_id in self._queued:
            return
        if self._work.qsize() >= MAX_QUEUED:  # it stays `received` in the inbox; _refill brings it back
            self._spilled = True
            return
        self._queued.add(row_id)
        self._work.put_nowait((row_id, event))

    async def _worker(self) -> None:
        while True:
            if self._spilled and self._work.empty():
                await self._refill()
            row_id, event = await self._work.get()
            await self._quiet()
            try:
                enrich = self.enrichers.get(event.platform)
                if enrich is not None:
                    try:
                        event = await enrich(event)
                    except Exception:  # a profile lookup must never lose the event
                        logger.exception("enriching %s failed", event.event_id)
                await self.dispatcher.process(row_id, event)
                self.on_processed()
            except Exception as exc:  # the dispatcher answers its own failures; this is a database outage
                fault = outage(exc)
                if fault is not None:
                    logger.error("processing inbox row %s failed; the sweep will retry it: %s", row_id, fault)
                else:
                    logger.exception("processing inbox row %s failed; the sweep will retry it", row_id)
            finally:
                self._queued.discard(row_id)
                self._work.task_done()

    async def _quiet(self) -> None:
        """Wait for a lull in incoming events (QUIET), but never hold one event back longer than MAX_DEFER."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_DEFER
        while loop.time() < deadline:
            try:
                async with asyncio.timeout(max(0.0, deadline - loop.time())):
                    await self._no_acks.wait()
            except TimeoutError:
                return
            lull = loop.time() - self._last_ack
            if lull >= QUIET:
                return
            await asyncio.sleep(min(QUIET - lull, max(0.0, deadline - loop.time())))

    async def recover(self) -> int:
        """Queue events that were stored but never processed; return how many."""
        return await self._load(self.clock() - RECOVER_AFTER, limit=100)

    async def _refill(self) -> None:
        """The in-memory queue ran empty after it overflowed: queue the oldest stored events again."""
        async with self._refilling:
            if not self._spilled or not self._work.empty():
                return  # another worker did it
            self._spilled = False  # set again by anything spilled from now on
            try:
                # Every stored event (the cutoff is only there for a clock that stands still in tests).
                if await self._load(self.clock() + RECOVER_AFTER, limit=MAX_QUEUED // 2) >= MAX_QUEUED // 2:
                    self._spilled = True  # there may be more
            except Exception:
                logger.exception("reading queued inbox events failed")
                self._spilled = True
                await asyncio.sleep(1.0)

    async def _load(self, cutoff: dt.datetime, *, limit: int) -> int:
        """Queue up to `limit` stored, unprocessed events received before `cutoff`, oldest first; return how
        many rows were read."""
        async with self.db.unit_of_work() as session:
            rows = await inbox.received_before(session, cutoff, limit=limit)
            found = []
            for row in rows:
                if row.id in self._queued:
                    continue
                try:
                    found.append((row.id, event_of(row.payload)))
                except (KeyError, TypeError, ValueError) as exc:  # one bad row must not stop recovery
                    logger.error("inbox row %s cannot be rebuilt: %r", row.id, exc)
                    await inbox.mark(session, row.id, status="failed", now=self.clock(), error=repr(exc))
        for row_id, event in found:
            self._enqueue(row_id, event)
        return len(rows)

    async def _sweeper(self) -> None:
        while True:
            try:
                if await self.recover():
                    logger.info("recovered unprocessed inbox events")
            except Exception:
                logger.exception("inbox sweep failed")
            await asyncio.sleep(RECOVER_AFTER.total_seconds())
