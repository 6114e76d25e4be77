"""Delivery: retries with backoff, dead letters, and exactly-once across a crash mid-send."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

from bot.delivery import Delivery, Outgoing, SendError
from storage import outbox
from storage.db import Database
from tests.conftest import Clock

ROOT = Path(__file__).resolve().parents[1]


async def _seed(db: Database, n: int, now: dt.datetime) -> None:
    async with db.unit_of_work() as session:
        await outbox.enqueue(session, [{"platform": "console", "chat": "c1", "user": None, "thread": None,
                                        "payload": {"text": f"m{i}", "card": None}, "created_at": now}
                                       for i in range(n)])


async def _statuses(db: Database) -> list[str]:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async with db.unit_of_work() as session:
        return list((await session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id))).all())


class Flaky:
    def __init__(self, failures: list[SendError | None]) -> None:
        self.failures, self.sent = failures, []

    async def send(self, message: Outgoing) -> None:
        error = self.failures.pop(0) if self.failures else None
        if error is not None:
            raise error
        self.sent.append(message.out.text)


async def test_retry_with_backoff_then_send(db_url: str, clock: Clock) -> None:
    db = Database(db_url)
    sender = Flaky([SendError("HTTP 503"), SendError("rate limited", retry_after=30)])
    delivery = Delivery(db, {"console": sender}, clock=clock)
    try:
        await _seed(db, 1, clock())
        assert await delivery.run_once() == 1 and sender.sent == []
        assert await delivery.run_once() == 0  # backing off
        clock.advance(seconds=3)
        assert await delivery.run_once() == 1 and sender.sent == []  # 429: waits Retry-After
        clock.advance(seconds=20)
        assert await delivery.run_once() == 0
        clock.advance(seconds=11)
        assert await delivery.run_once() == 1 and sender.sent == ["m0"]
        assert await _statuses(db) == ["sent"]
    finally:
        await db.dispose()


async def test_permanent_error_is_dead_lettered(db_url: str, clock: Clock) -> None:
    db = Database(db_url)
    delivery = Delivery(db, {"console": Flaky([SendError("channel_not_found", permanent=True)])}, clock=clock)
    try:
        await _seed(db, 1, clock())
        await delivery.run_once()
        clock.advance(hours=1)
        assert await delivery.run_once() == 0
        assert await _statuses(db) == ["dead"]
    finally:
        await db.dispose()


async def test_killed_mid_send_every_message_arrives_once(db_url: str) -> None:
    """Kill the delivery process while the platform holds a message it never acknowledged; restart it."""
    n = 12
    received: list[str] = []
    worker: dict[str, asyncio.subprocess.Process] = {}

    async def sink(request: web.Request) -> web.Response:
        received.append(request.headers["Idempotency-Key"])
        if len(received) == 5 and "first" in worker:  # the platform got it; the sender dies before marking
            os.kill(worker["first"].pid, signal.SIGKILL)
            await asyncio.sleep(0.05)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/send", sink)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    db = Database(db_url)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "tests.delivery_worker", db_url, f"http://127.0.0.1:{port}/send"]
    try:
        await _seed(db, n, dt.datetime.now(dt.UTC))
        worker["first"] = await asyncio.create_subprocess_exec(*args, env=env, cwd=ROOT)
        assert await asyncio.wait_for(worker["first"].wait(), 30) == -signal.SIGKILL
        assert 5 <= len(set(received)) < n  # it died part-way
        worker["second"] = await asyncio.create_subprocess_exec(*args, env=env, cwd=ROOT)
        for _ in range(300):
            if await _statuses(db) == ["sent"] * n:
                break
            await asyncio.sleep(0.05)
        assert await _statuses(db) == ["sent"] * n
        keys = set(received)
        assert keys == {f"outbox:{i}" for i in range(1, n + 1)}  # nothing lost
        repeats = len(received) - len(keys)
        assert repeats <= 1  # only the one in flight at the kill, with the same idempotency key
    finally:
        for proc in worker.values():
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        await runner.cleanup()
        await db.dispose()
