"""Recovery after a crash against the normal processing rate, through the same intake and dispatcher.

    .venv/bin/python bench/recovery_bench.py [--events 10000] [--concurrency 16] [--db sqlite|postgresql|both]

normal: N events of bench/dispatch_bench.py's mixed workload arrive through `Intake.accept` (the platforms' ack
path: stored, acked, then processed); the rate is N over the time from the first ack to the last event processed.
recovery: the same N events are stored as a killed run of this instance left them (acked, held, never processed);
a restarted intake of the same instance starts, and the rate is N over the time from its start to the last event
processed. Each phase runs on a fresh database with the same project. Also printed: how long until the first recovered event was processed, and how many were processed
twice (duplicates: should be 0). Before, a sweep read at most 100 events every 30 s (3.3 events/s).
PostgreSQL (with --db postgresql or both, from $PMO_TEST_POSTGRES_URL) runs on a fresh database, dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.dispatch_bench import USERS, workload
from bot.app import App
from bot.config import Config
from bot.core.events import IncomingMessage, UserRef
from bot.dispatch import payload_of
from bot.instance import Instance
from bot.intake import Intake
from storage import inbox


def _event(user: str, said: str) -> IncomingMessage:
    return IncomingMessage("console", uuid.uuid4().hex, UserRef("console", user), said, chat="bench")


async def _processed(app: App) -> int:
    return sum(app.metrics.events.values())


async def _waiting(app: App) -> int:
    async with app.db.engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM inbox WHERE status = 'received'"))).scalar_one())


async def _until_done(app: App, target: int) -> tuple[float, float | None]:
    """Seconds until `target` events were processed (and until the first one was)."""
    started, first = time.perf_counter(), None
    base = await _processed(app)  # (counters, not queries: polling must not take the loop from the work)
    while True:
        done = await _processed(app) - base
        if done and first is None:
            first = time.perf_counter() - started
        if done >= target and await _waiting(app) == 0:  # every one processed, none left
            return time.perf_counter() - started, first
        await asyncio.sleep(0.05)


async def run(url: str, n: int, concurrency: int, mode: str) -> tuple[float, str]:
    """One phase on a fresh database: the rate (events/s) and a line to print."""
    app = App(replace(Config(), database_url=url))
    await app.migrate()
    for said in ["create project CRM Bench", "bind this chat to CRM"] + [f"add @{u} to CRM as pm" for u in USERS]:
        await app.handle(_event("admin", said))
    me = Instance(uuid.uuid4().hex[:16])
    work = [_event(u, s) for u, s in workload(n, seed=1)]
    intake = Intake(app.db, app.dispatcher, clock=app.clock, workers=1 if app.db.sqlite else 8, metrics=app.metrics,
                    instance=Instance(me.id))
    if mode == "normal":  # through the ack path
        intake.start()
        queue = iter(work)
        acked = 0.0

        async def client() -> None:
            for event in queue:
                await intake.accept(event)

        async def clients() -> None:
            nonlocal acked
            started = time.perf_counter()
            await asyncio.gather(*(client() for _ in range(concurrency)))
            acked = time.perf_counter() - started

        (elapsed, _), _ = await asyncio.gather(_until_done(app, n), clients())
        line = f"{n} acked in {acked:5.1f} s, all processed in {elapsed:5.1f} s"
    else:  # what a killed run of the same instance left behind: acked, held, never processed
        dead = Instance(me.id, run="killed")
        now = app.clock()
        orphans = [("console", e.event_id, payload_of(e)) for e in work]
        for start in range(0, n, 500):
            await inbox.store(app.db, orphans[start:start + 500], now, holder=dead.token,
                              until=now + dt.timedelta(seconds=15))
        intake.start()
        elapsed, first = await _until_done(app, n)
        line = f"{n} orphans processed in {elapsed:5.1f} s from the restart, the first after {first or 0:.2f} s"
    await intake.stop()
    line += f"; processed twice: {app.metrics.events['duplicate']}"
    await app.close()
    return n / elapsed, line


async def both(url: Callable[[str], contextlib.AbstractAsyncContextManager[str]], name: str, n: int, concurrency: int) -> None:
    rates = {}
    for mode in ("normal", "recovery"):
        async with url(mode) as where:
            rates[mode], line = await run(where, n, concurrency, mode)
        print(f"{name:<11} {mode:<9} {rates[mode]:6.0f} events/s  ({line})")
    print(f"{name:<11} recovery / normal: {rates['recovery'] / rates['normal']:.2f}")


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = ap.parse_args()
    if args.db in ("sqlite", "both"):
        @contextlib.asynccontextmanager
        async def sqlite_file(mode: str) -> AsyncIterator[str]:
            with tempfile.TemporaryDirectory() as tmp:
                yield f"sqlite:///{tmp}/{mode}.db"

        await both(sqlite_file, "sqlite", args.events, args.concurrency)
    admin = os.environ.get("PMO_TEST_POSTGRES_URL")
    if args.db in ("postgresql", "both") and admin:
        import asyncpg  # type: ignore[import-untyped]

        base = make_url(admin)

        @contextlib.asynccontextmanager
        async def pg_database(mode: str) -> AsyncIterator[str]:
            name = f"pmo_bench_{uuid.uuid4().hex[:8]}"
            conn = await asyncpg.connect(host=base.host, port=base.port or 5432, user=base.username,
                                         password=base.password, database=base.database or "postgres")
            await conn.execute(f'CREATE DATABASE "{name}"')
            try:
                yield base.set(database=name).render_as_string(hide_password=False)
            finally:
                await conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                await conn.close()

        await both(pg_database, "postgresql", args.events, args.concurrency)
    elif args.db == "postgresql":
        print("PostgreSQL: set PMO_TEST_POSTGRES_URL")

if __name__ == "__main__":
    asyncio.run(main())
