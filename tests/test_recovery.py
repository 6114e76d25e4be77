"""After a crash: every stored event comes back at the processing rate, and events that fail every time are
dead-lettered after a few tries without holding anyone up; an operator lists and retries them."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from typing import Any

import pytest

from bot import cli
from bot import intake as intake_module
from bot.core.events import IncomingMessage, UserRef
from bot.dispatch import payload_of
from bot.instance import Instance
from storage import inbox
from tests.conftest import ChatHarness, Clock


def msg(event_id: str, text: str, user: str = "bob") -> IncomingMessage:
    return IncomingMessage("console", event_id, UserRef("console", user), text, chat="g")


def poison(event_id: str) -> dict[str, Any]:
    """A stored event whose user id has the wrong JSON type: processing it fails, and so does refusing it."""
    payload = payload_of(msg(event_id, "new task never"))
    payload["user"]["user_id"] = ["U", 1]
    return payload


async def until(crm: ChatHarness, sql: str, expected: Any, *, stall: float = 30.0) -> None:
    """Wait until `sql` returns `expected`; fail only when the value stops moving for `stall` seconds. A busy
    machine processes slower, and speed is the bench's business (bench/recovery_bench.py), not this test's."""
    loop = asyncio.get_running_loop()
    last, moved = None, loop.time()
    while (value := await crm.scalar(sql)) != expected:
        if value != last:
            last, moved = value, loop.time()
        elif loop.time() - moved > stall:
            break
        await asyncio.sleep(0.025)
    assert await crm.scalar(sql) == expected


async def test_ten_thousand_events_a_crash_left_are_processed_once(crm: ChatHarness, clock: Clock) -> None:
    """The previous run of this instance acked 10,000 events and died: half held by it (their leases still
    running), half stored before leases existed. The restart processes all of them, each once."""
    # 10,000 on SQLite; on PostgreSQL, where one event costs ~2.5x as much here, 2,000 keep the run short
    # (bench/recovery_bench.py measures the full burst on both)
    n = int(os.environ.get("ORPHANS", 10_000 if crm.app.db.sqlite else 2_000))
    earlier = Instance("a1b2c3d4e5f60718", run="dead")
    # each asks a question: the reply is the effect (one outbox row in the event's transaction), cheaper than a
    # new task, so that 10,000 fit in a test run
    events = [("console", f"orphan-{i}", payload_of(msg(f"orphan-{i}", "my tasks", user=f"u{i % 50}")))
              for i in range(n)]
    stored = clock() - dt.timedelta(seconds=5)
    await inbox.store(crm.app.db, events[: n // 2], stored, holder=earlier.token, until=clock() + dt.timedelta(minutes=1))
    await inbox.store(crm.app.db, events[n // 2:], stored)
    replies_before = await crm.scalar("select count(*) from outbox")
    intake = crm.app.intake
    intake.instance = Instance(earlier.id)  # the same instance, a new run
    intake.start()
    try:
        await until(crm, "select count(*) from inbox where status = 'received'", 0)
    finally:
        await intake.stop()
    assert await crm.scalar("select count(*) from inbox where status = 'done' and event_id like 'orphan-%'") == n
    assert await crm.scalar("select count(*) from outbox") - replies_before == n  # one answer each
    assert crm.app.metrics.events["handled"] >= n and crm.app.metrics.events["duplicate"] == 0


async def test_poison_events_are_dead_lettered_and_the_others_go_through(
        crm: ChatHarness, clock: Clock, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
        db_url: str) -> None:
    monkeypatch.setattr(intake_module, "SWEEP_EVERY", 0.02)
    intake = crm.app.intake
    attempts = intake.max_attempts
    stored = clock() - dt.timedelta(minutes=1)
    # 120 poison rows come first (the oldest), then 20 good ones: all left unprocessed by a crash.
    await inbox.store(crm.app.db, [("console", f"bad-{i}", poison(f"bad-{i}")) for i in range(120)], stored)
    await inbox.store(crm.app.db, [("console", f"ok-{i}", payload_of(msg(f"ok-{i}", f"new task good {i}")))
                                   for i in range(20)], stored)
    # and one bad row that cannot even be rebuilt into an event
    await inbox.store(crm.app.db, [("console", "mangled", {"kind": "message", "user": 7})], stored)
    caplog.set_level(logging.DEBUG, logger="bot")
    intake.start()
    try:
        await until(crm, "select count(*) from tasks where title like 'good %'", 20)  # not held up
        for attempt in range(1, attempts):
            await until(crm, f"select count(*) from inbox where event_id like 'bad-%' and attempts = {attempt}", 120)
            assert await crm.scalar("select count(*) from inbox where event_id like 'bad-%' and status = 'dead'") == 0
            clock.advance(seconds=6)  # past the wait before the next try
        await until(crm, "select count(*) from inbox where status = 'dead'", 121)
        await until(crm, "select count(*) from inbox where status = 'received'", 0)
        assert await crm.scalar(f"select count(*) from inbox where event_id like 'bad-%' and attempts = {attempts}") \
            == 120
        error = await crm.scalar("select error from inbox where event_id = 'bad-0'")
        assert "Error" in error
        assert "cannot be rebuilt" in await crm.scalar("select error from inbox where event_id = 'mangled'")
        assert await crm.scalar("select count(*) from tasks") == 20  # nothing of the poison took effect

        # one line each, when it is dead-lettered; none while it is still being tried
        loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert sorted(r.inbox_id for r in loud) == sorted(  # type: ignore[attr-defined]
            [await crm.scalar(f"select id from inbox where event_id = 'bad-{i}'") for i in range(120)]
            + [await crm.scalar("select id from inbox where event_id = 'mangled'")])
        assert all("dead-lettered" in r.getMessage() for r in loud)

        await intake.refresh_metrics()
        metrics = crm.app.metrics.render()
        assert "pmobot_inbox_dead_lettered_total 121" in metrics
        assert "pmobot_inbox_dead 121" in metrics and "pmobot_inbox_pending 0" in metrics

        # The operator: the list shows them with their error; a retried event is processed again.
        listed = await asyncio.to_thread(capture, ["admin", "inbox", "list", "--dead", "--limit", "5",
                                                   "--db", db_url])
        lines = listed.splitlines()
        assert len(lines) == 6 and "bad-0" in lines[0] and f"attempts={attempts}" in lines[0] and "Error" in lines[0]
        assert lines[-1] == "0 waiting, 121 dead"
        # an event dead-lettered while a bug (since fixed) made it fail: retried, it goes through
        [fixed] = await inbox.store(crm.app.db, [("console", "fixed-1", payload_of(msg("fixed-1", "new task fixed")))],
                                    stored, holder="someone:else", until=clock() + dt.timedelta(hours=1))
        assert fixed is not None
        async with crm.app.db.unit_of_work() as session:
            await inbox.fail(session, fixed, error="was broken", now=clock(), retry_at=clock(), max_attempts=1)
        assert "retrying 1 event(s)" in await asyncio.to_thread(capture, ["admin", "inbox", "retry", str(fixed),
                                                                           "--db", db_url])
        await until(crm, "select count(*) from tasks where title = 'fixed'", 1)
        assert await crm.scalar(f"select status from inbox where id = {fixed}") == "done"
        assert "retrying 121 event(s)" in await asyncio.to_thread(capture, ["admin", "inbox", "retry", "--all-dead",
                                                                             "--db", db_url])
        await until(crm, "select count(*) from inbox where event_id like 'bad-%' and attempts = 1", 120)
    finally:
        await intake.stop()


def capture(argv: list[str]) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(argv) == 0
    return out.getvalue()
