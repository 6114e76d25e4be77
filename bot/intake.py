"""The platforms' durable ack path: store events in the inbox (group commit), ack, process afterwards.

Platforms retry when the ack takes over 3 s, so an adapter awaits `accept(event)`, which returns once the event
is committed to the inbox, and acks. One writer task commits whatever has queued up meanwhile in a single
transaction, a rate one commit per request cannot reach (docs/operations.md, "Measured here"). A few worker tasks then run each
stored event through the dispatcher. Claiming the inbox row in the processing transaction makes every event
take effect once, whoever else holds it.

Holding and recovery (columns `claimed_by`, `claimed_until`; tokens from bot/instance.py):
- the ack path stores each row held by this process for LEASE; while the row is queued here the hold is renewed
  (every RENEW_EVERY), so other replicas leave it alone;
- a feeder task queues, oldest first, every unprocessed row this process holds or nobody does (never held, let
  go at a clean stop, a holder whose lease ran out, a failed row whose wait is over), a page at a time as the
  in-memory queue has room, and reads on at once while pages come back full: at start-up that is everything a
  crash left, at the normal processing rate. At start-up it first takes over what an earlier run of this same
  instance held, without waiting for those leases to run out;
- a try that fails (the dispatcher could not even store its refusal) is counted on the row, which then waits
  (RETRY_AFTER) held by nobody; after `max_attempts` it is `dead`, with its error, logged once. A dead
  row is never read again, so rows that fail every time cannot hold up the others (`pmo-bot admin inbox`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot import instance as instances
from bot.core.events import Event
from bot.dispatch import Dispatcher, event_of, payload_of
from bot.metrics import Metrics
from storage import inbox
from storage.db import Database, outage

logger = logging.getLogger(__name__)

MAX_BATCH = 500
MAX_QUEUED = 1000
GATHER = 0.002  # a batch smaller than the one before waits at most this long for more
QUIET = 0.02  # processing waits for this long a gap in incoming events...
MAX_DEFER = 1.0  # ...but never longer than this per event
LEASE = dt.timedelta(seconds=15)  # how long other processes leave a row this one holds alone
RENEW_EVERY = 5.0  # seconds between renewals of the hold on queued rows
SWEEP_EVERY = 2.0  # seconds between looks for rows nobody holds (a dead replica's, failed rows now due)
RETRY_AFTER = dt.timedelta(seconds=5)  # before a failed row is tried again (a deadlock, a restarting database)
MAX_ATTEMPTS = 5


class Intake:
    def __init__(self, db: Database, dispatcher: Dispatcher, *, clock: Callable[[], dt.datetime], workers: int = 2,
                 on_processed: Callable[[], None] | None = None, metrics: Metrics | None = None,
                 max_attempts: int = MAX_ATTEMPTS, instance: instances.Instance | None = None,
                 enrichers: Mapping[str, Callable[[Event], Awaitable[Event]]] | None = None) -> None:
        # Per platform: look the user up (names, timezone...) outside the unit of work, before processing. The
        # composition root passes its running platforms' hooks (a mapping it fills as each platform starts).
        self.enrichers: Mapping[str, Callable[[Event], Awaitable[Event]]] = enrichers if enrichers is not None else {}
        self.db = db
        self.dispatcher = dispatcher
        self.clock = clock
        self.workers = workers
        self.on_processed = on_processed or (lambda: None)
        self.metrics = metrics or dispatcher.metrics
        self.max_attempts = max(1, max_attempts)
        self.instance = instance or instances.ephemeral()
        self._pending: asyncio.Queue[tuple[Event, asyncio.Future[bool]]] = asyncio.Queue()
        self._work: asyncio.Queue[tuple[int, Event]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._queued: set[int] = set()  # queued or being processed here
        # Acks come first: workers start an event only when no ack has been in flight for QUIET, so a burst
        # is acknowledged at full speed (platforms retry after 3 s) and processed right after it.
        self._acks_in_flight = 0
        self._no_acks = asyncio.Event()
        self._no_acks.set()
        self._last_ack = 0.0
        self._last_batch = 1
        # At most MAX_QUEUED events wait in memory: memory stays bounded in a burst, and so does the time the
        # garbage collector spends walking them, which grows with the queue. The rest wait in the
        # inbox, where they are anyway, and the feeder reads them back in order as the queue empties.
        self._spilled = asyncio.Event()  # something was left in the inbox only: feed when there is room
        self._room = asyncio.Event()  # the queue is down to half
        self._room.set()
        self._taken_over = False

    @property
    def token(self) -> str:
        return self.instance.token

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
        self._tasks.append(asyncio.create_task(self._feeder(), name="intake-feeder"))
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="intake-heartbeat"))

    async def stop(self, limit: float = 10.0) -> None:
        """Stop taking events; give the workers `limit` seconds to finish what was stored (the rest stays
        in the inbox, let go so that another replica, or the next start, takes it at once)."""
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
        try:
            async with self.db.unit_of_work() as session:
                await inbox.release(session, holder=self.token)
        except Exception:  # the rows' leases run out instead
            logger.exception("letting go of held inbox rows failed")

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
                ids = await inbox.store(self.db, [(e.platform, e.event_id, payload_of(e)) for e, _ in batch], now,
                                        holder=self.token, until=now + LEASE)
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
        if self._work.qsize() >= MAX_QUEUED:  # it stays in the inbox, held by us; the feeder brings it back
            self._spilled.set()
            return
        self._queued.add(row_id)
        self._work.put_nowait((row_id, event))
        if self._work.qsize() > MAX_QUEUED // 2:
            self._room.clear()

    async def _worker(self) -> None:
        while True:
            row_id, event = await self._work.get()
            if self._work.qsize() <= MAX_QUEUED // 2:
                self._room.set()
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
            except Exception as exc:  # the dispatcher answers its own failures; this one is ours or the database's
                fault = outage(exc)
                if fault is not None:  # an outage is no attempt: the row waits for its lease, then is retried
                    logger.error("processing inbox row %s failed; it will be retried: %s", row_id, fault)
                else:  # not even the refusal could be stored: count the try on the row
                    await self._failed(row_id, exc)
            finally:
                self._queued.discard(row_id)
                self._work.task_done()

    async def _failed(self, row_id: int, exc: BaseException) -> None:
        """Count a failed try; dead-letter the row at `max_attempts`, logging that (with the error) once."""
        error = f"{type(exc).__name__}: {exc}"
        now = self.clock()
        try:
            async with self.db.unit_of_work() as session:
                counted = await inbox.fail(session, row_id, error=error, now=now, max_attempts=self.max_attempts,
                                           retry_at=now + RETRY_AFTER)
        except Exception:  # a database outage: nothing is counted, the row waits for its lease to run out
            logger.exception("processing inbox row %s failed and the database did not take the failure", row_id)
            return
        if counted is None:
            return  # processed meanwhile, by another process
        attempts, status = counted
        if status == "dead":
            self.metrics.inbox_dead_lettered += 1
            logger.error("inbox row %s dead-lettered after %d attempts: %s", row_id, attempts, error.splitlines()[0],
                         exc_info=exc, extra={"inbox_id": row_id})
        else:
            logger.debug("inbox row %s failed (attempt %d of %d): %s", row_id, attempts, self.max_attempts,
                         error.splitlines()[0])

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

    async def take_over(self) -> int:
        """Hold at once what an earlier run of this instance held when it died; return how many rows."""
        async with self.db.unit_of_work() as session:
            taken = await inbox.take_over(session, instance=self.instance.id, holder=self.token,
                                          until=self.clock() + LEASE)
        self._taken_over = True
        if taken:
            logger.info("took over %d inbox rows held by an earlier run of this instance", taken)
        return taken

    async def recover(self, *, mine: bool = True) -> int:
        """Queue, oldest first, every unprocessed row nobody holds and (with `mine`) every one this process
        holds, as far as the queue has room; return how many were queued."""
        if not self._taken_over:
            await self.take_over()
        queued, after = 0, 0
        while (room := MAX_QUEUED - self._work.qsize()) > 0:
            read, after, added = await self._load(after=after, limit=room, mine=mine)
            queued += added
            if read < room:
                return queued
        self._spilled.set()  # full before the inbox was: go on when there is room
        return queued

    async def _load(self, *, after: int, limit: int, mine: bool) -> tuple[int, int, int]:
        """Take and queue up to `limit` rows past id `after`; return (rows read, last id read, rows queued)."""
        now = self.clock()
        async with self.db.unit_of_work() as session:
            rows = await inbox.take(session, holder=self.token, now=now, until=now + LEASE, after=after, limit=limit,
                                    mine=mine)
            found: list[tuple[int, Event]] = []
            for row_id, payload in rows:
                if row_id in self._queued:
                    continue
                try:
                    found.append((row_id, event_of(payload)))
                except Exception as exc:  # a row that cannot be rebuilt never will be: dead at once
                    error = f"cannot be rebuilt: {type(exc).__name__}: {exc}"
                    if await inbox.fail(session, row_id, error=error, now=now, retry_at=now, max_attempts=1):
                        self.metrics.inbox_dead_lettered += 1
                        logger.error("inbox row %s dead-lettered: %s", row_id, error, extra={"inbox_id": row_id})
        for row_id, event in found:
            self._enqueue(row_id, event)
        return len(rows), rows[-1][0] if rows else after, len(found)

    async def _feeder(self) -> None:
        """Queue what the inbox holds for this process: everything at start-up, then whatever a sweep finds
        (every SWEEP_EVERY, or as soon as the queue has room after events were left in the inbox)."""
        first = True
        while True:
            try:
                await self._room.wait()
                # Rows this process holds but has not queued exist only at start-up and after a spill; otherwise
                # they are all queued, and re-reading them every sweep would rewrite up to MAX_QUEUED rows.
                mine = first or self._spilled.is_set()
                self._spilled.clear()
                if await self.recover(mine=mine):
                    logger.debug("queued unprocessed inbox events")
                first = False
            except Exception:
                logger.exception("inbox sweep failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SWEEP_EVERY):
                    await self._spilled.wait()

    async def _heartbeat(self) -> None:
        """Renew the hold on what is queued here; refresh the inbox gauges of /metrics."""
        while True:
            await asyncio.sleep(RENEW_EVERY)
            try:
                async with self.db.unit_of_work() as session:
                    await inbox.renew(session, holder=self.token, ids=sorted(self._queued),
                                      until=self.clock() + LEASE)
                    counts = await inbox.counts(session)
                self.metrics.inbox_pending, self.metrics.inbox_dead = counts["received"], counts["dead"]
            except Exception:
                logger.exception("renewing inbox holds failed")

    async def refresh_metrics(self) -> None:
        async with self.db.unit_of_work() as session:
            counts = await inbox.counts(session)
        self.metrics.inbox_pending, self.metrics.inbox_dead = counts["received"], counts["dead"]
