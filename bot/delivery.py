"""Send the outbox through the platform senders, with leases, retries and backoff.

A row is leased (committed as `sending`) before it is sent and marked `sent` right after. If the process
dies between the two, the row is sent again with the same idempotency key (`outbox:<id>`), which the
platforms (Feishu `uuid`) and our senders use to drop the repeat: at once by the same instance when it
restarts (it takes over its earlier run's leases, bot/instance.py), otherwise by anyone once the lease runs
out. Leases are short (LEASE) and renewed every LEASE/3 while a batch is being sent, so a slow batch keeps
its rows and a dead sender's rows are due again within seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import replace

from bot import instance as instances
from bot.core import outbound
from bot.metrics import Metrics
from bot.platforms.base import Outgoing, Sender, SendError
from storage import outbox
from storage.db import Database

logger = logging.getLogger(__name__)


LEASE = 10.0  # seconds a claimed batch stays this sender's without a renewal
REFERENCE_WAITS = 6  # tries to wait for a referenced message to be sent before going on without it
REFERENCE_RETRY = 2.0


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential from 1 s, capped at 5 minutes, with jitter."""
    return min(300.0, 2.0 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2)


class Delivery:
    def __init__(self, db: Database, senders: Mapping[str, Sender], *, clock: Callable[[], dt.datetime],
                 metrics: Metrics | None = None, lease: float = LEASE, batch: int = 50, max_attempts: int = 10,
                 idle_poll: float = 1.0, instance: instances.Instance | None = None) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.lease = dt.timedelta(seconds=lease)
        self.batch = batch
        self.max_attempts = max_attempts
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self.instance = instance or instances.ephemeral()

    @property
    def token(self) -> str:
        """This sender's lease token: "<instance>:<run>"."""
        return self.instance.token

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and send one batch; return how many were attempted."""
        async with self.db.unit_of_work() as session:
            rows = await outbox.claim(session, now=self.clock(), lease=self.lease, limit=self.batch,
                                      token=self.token, platforms=list(self.senders))
            batch: list[Outgoing] = []
            unreadable: list[tuple[int, str]] = []
            for r in rows:
                try:
                    batch.append(Outgoing(r.id, outbound.from_row(
                        platform=r.platform, chat=r.chat, user=r.user, thread=r.thread, kind=r.kind,
                        payload=r.payload, tag=r.tag), r.attempts + 1))
                except (ValueError, TypeError, KeyError, AttributeError) as exc:  # no retry makes it readable
                    unreadable.append((r.id, f"unreadable outbox row: {exc!r}"))
        for row_id, error in unreadable:
            logger.error("outbox %s dead: %s", row_id, error)
            async with self.db.unit_of_work() as session:
                await outbox.mark_dead(session, row_id, error=error, token=self.token)
            self.metrics.sent["dead"] += 1
        if not batch:
            return len(unreadable)
        lease_end = [self.clock() + self.lease]
        renewing = asyncio.create_task(self._renew([m.id for m in batch], lease_end))
        try:
            for message in batch:
                if self.clock() >= lease_end[0]:  # the lease ran out mid-batch: the rest is someone else's now
                    break
                await self._send(message)
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        return len(batch) + len(unreadable)

    async def _renew(self, ids: list[int], lease_end: list[dt.datetime]) -> None:
        """While the batch is being sent, extend the lease on its rows not yet settled (every lease/3)."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            until = self.clock() + self.lease
            try:
                async with self.db.unit_of_work() as session:
                    await outbox.renew(session, ids, token=self.token, until=until)
                lease_end[0] = until
            except Exception:  # the lease runs out and the batch stops where it is
                logger.exception("renewing the outbox lease failed")

    async def take_over(self) -> int:
        """At start-up: what an earlier run of this instance was sending when it died is due again at once (its
        lease has not run out, but its sender is gone); return how many rows."""
        async with self.db.unit_of_work() as session:
            taken = await outbox.take_over(session, instance=self.instance.id, token=self.token, now=self.clock())
        if taken:
            logger.info("took over %d outbox rows leased by an earlier run of this instance", taken)
        return taken

    async def _resolve(self, message: Outgoing) -> Outgoing | None:
        """Swap references to other messages (a thread by tag, an update's target by outbox row) for their
        platform ids. None: nothing to send (the message to update was never posted)."""
        out = message.out
        thread_tag = out.thread.tag if out.thread is not None and out.thread.pending else None
        target_id = out.target.outbox if out.target is not None and out.target.pending else None
        if thread_tag is None and target_id is None:
            return message
        async with self.db.unit_of_work() as session:
            state, found = await outbox.resolve(session, thread_tag=thread_tag, target_id=target_id,
                                                platform=out.platform)
        if state == "wait" and message.attempts < REFERENCE_WAITS:
            raise SendError("waiting for the message it refers to", retry_after=REFERENCE_RETRY)
        if found is None:  # never sent: post outside the thread; an update has nothing to update
            return None if target_id is not None else replace(message, out=replace(out, thread=None))
        if target_id is not None and out.target is not None:
            target = replace(out.target, id=found["ref"], chat=found["chat"], user=found["user"])
            return replace(message, out=replace(out, target=target))
        assert out.thread is not None
        return replace(message, out=replace(out, thread=replace(out.thread, id=found["ref"])))

    async def _send(self, message: Outgoing) -> None:
        sender = self.senders[message.platform]
        try:
            resolved = await self._resolve(message)
            if resolved is None:
                async with self.db.unit_of_work() as session:
                    await outbox.mark_sent(session, message.id, now=self.clock(), token=self.token)
                return
            ref = await sender.send(resolved)
        except outbound.CannotSend as exc:  # a kind this platform has no way to show: no retry helps
            await self._failed(message, str(exc), permanent=True, retry_after=None)
            return
        except SendError as exc:
            await self._failed(message, str(exc), permanent=exc.permanent, retry_after=exc.retry_after,
                               deferred=exc.deferred)
            return
        except Exception as exc:  # a sender bug or a network error: retry with backoff
            logger.exception("send crashed", extra={"outbox_id": message.id})
            await self._failed(message, repr(exc), permanent=False, retry_after=None)
            return
        async with self.db.unit_of_work() as session:
            await outbox.mark_sent(session, message.id, now=self.clock(), token=self.token, ref=ref)
        self.metrics.sent["sent"] += 1

    async def _failed(self, message: Outgoing, error: str, *, permanent: bool, retry_after: float | None,
                      deferred: bool = False) -> None:
        async with self.db.unit_of_work() as session:
            if deferred:
                at = self.clock() + dt.timedelta(seconds=retry_after or 1.0)
                await outbox.mark_retry(session, message.id, at=at, error=error, token=self.token, attempts_back=1)
                return
            if permanent or message.attempts >= self.max_attempts:
                logger.error("outbox %s dead after %s attempts: %s", message.id, message.attempts, error)
                await outbox.mark_dead(session, message.id, error=error, token=self.token)
                self.metrics.sent["dead"] += 1
                return
            delay = retry_after if retry_after is not None else backoff(message.attempts)
            logger.warning("outbox %s retry in %.1fs: %s", message.id, delay, error)
            await outbox.mark_retry(session, message.id, at=self.clock() + dt.timedelta(seconds=delay), error=error,
                                    token=self.token)
            self.metrics.sent["retry"] += 1

    async def drain(self, limit: float = 10.0) -> None:
        """Send whatever is due now (used at shutdown and by the console after each line)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while loop.time() < deadline and await self.run_once():
            pass

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; wake early when the dispatcher commits new rows."""
        try:
            await self.take_over()
        except Exception:  # the leases run out instead
            logger.exception("taking over earlier outbox leases failed")
        while not stop.is_set():
            try:
                sent = await self.run_once()
                async with self.db.unit_of_work() as session:
                    self.metrics.outbox_backlog = await outbox.backlog(session)
            except Exception:
                logger.exception("delivery loop error")
                sent = 0
            if sent == 0:
                self._wake.clear()
                waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
                _, pending = await asyncio.wait(waiters, timeout=self.idle_poll, return_when=asyncio.FIRST_COMPLETED)
                for task in pending:
                    task.cancel()
