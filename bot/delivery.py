"""Send the outbox through the platform senders, with leases, retries and backoff.

A row is leased (committed as `sending`) before it is sent and marked `sent` right after. If the process
dies between the two, the lease expires and the row is sent again with the same idempotency key
(`outbox:<id>`), which the platforms (Feishu `uuid`) and our senders use to drop the repeat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol

from bot.metrics import Metrics
from storage import outbox
from storage.db import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    id: int
    platform: str
    chat: str | None
    user: str | None
    thread: str | None
    payload: dict[str, Any]
    attempts: int
    kind: str = "message"  # message, card, update (replace a clicked card), ephemeral, home

    @property
    def idempotency_key(self) -> str:
        return f"outbox:{self.id}"


class SendError(Exception):
    """A failed send. `permanent` stops retrying; `retry_after` (seconds) overrides the backoff."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None,
                 deferred: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.deferred = deferred  # not a failure: the sender paces this conversation; try again later


class Sender(Protocol):
    async def send(self, message: Outgoing) -> str | None:
        """Send; return the platform's id of the posted message when there is one."""


REFERENCE_WAITS = 6  # tries to wait for a referenced message to be sent before going on without it
REFERENCE_RETRY = 2.0


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential from 1 s, capped at 5 minutes, with jitter."""
    return min(300.0, 2.0 ** max(0, attempts - 1)) * random.uniform(0.8, 1.2)


class Delivery:
    def __init__(self, db: Database, senders: Mapping[str, Sender], *, clock: Callable[[], dt.datetime],
                 metrics: Metrics | None = None, lease: float = 60.0, batch: int = 50, max_attempts: int = 10,
                 idle_poll: float = 1.0) -> None:
        self.db = db
        self.senders = senders
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.lease = dt.timedelta(seconds=lease)
        self.batch = batch
        self.max_attempts = max_attempts
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self.token = uuid.uuid4().hex  # this sender's lease token

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and send one batch; return how many were attempted."""
        async with self.db.unit_of_work() as session:
            rows = await outbox.claim(session, now=self.clock(), lease=self.lease, limit=self.batch,
                                      token=self.token, platforms=list(self.senders))
            lease_end = self.clock() + self.lease
            batch = [Outgoing(r.id, r.platform, r.chat, r.user, r.thread, dict(r.payload), r.attempts + 1, r.kind)
                     for r in rows]
        for message in batch:
            if self.clock() >= lease_end:  # the lease ran out mid-batch: the rest is someone else's now
                break
            await self._send(message)
        return len(batch)

    async def _resolve(self, message: Outgoing) -> Outgoing | None:
        """Swap references to other messages (a thread by tag, an update's target) for their platform ids.
        None: nothing to send (the message to update was never posted)."""
        thread = message.thread or ""
        thread_tag = thread[len(outbox.TAG_REF):] if thread.startswith(outbox.TAG_REF) else None
        target_id = message.payload.get("target_outbox")
        if thread_tag is None and target_id is None:
            return message
        async with self.db.unit_of_work() as session:
            state, found = await outbox.resolve(session, thread_tag=thread_tag, target_id=target_id,
                                                platform=message.platform)
        if state == "wait" and message.attempts < REFERENCE_WAITS:
            raise SendError("waiting for the message it refers to", retry_after=REFERENCE_RETRY)
        if found is None:  # never sent: post outside the thread; an update has nothing to update
            return None if target_id is not None else replace(message, thread=None)
        if target_id is not None:
            return replace(message, payload=dict(message.payload, target_message=found))
        return replace(message, thread=found["ref"])

    async def _send(self, message: Outgoing) -> None:
        sender = self.senders[message.platform]
        try:
            resolved = await self._resolve(message)
            if resolved is None:
                async with self.db.unit_of_work() as session:
                    await outbox.mark_sent(session, message.id, now=self.clock(), token=self.token)
                return
            ref = await sender.send(resolved)
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
