"""The platforms' path: store (group commit) and ack, then process once; recover what a crash left."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.dispatch import payload_of
from bot.model import IncomingMessage, UserRef
from storage import inbox
from tests.conftest import ChatHarness, Clock


def msg(event_id: str, text: str, user: str = "bob") -> IncomingMessage:
    return IncomingMessage("console", event_id, UserRef("console", user), text, chat="g")


async def test_concurrent_accepts_commit_together_and_take_effect_once(crm: ChatHarness) -> None:
    intake = crm.app.intake
    intake.start()
    try:
        events = [msg(f"e{i}", f"new task item {i}") for i in range(20)] + [msg("e3", "new task item 3")]
        results = await asyncio.gather(*(intake.accept(e) for e in events))
        assert results.count(True) == 20 and results[-1] is False
    finally:
        await intake.stop()
    assert await crm.scalar("select count(*) from tasks") == 20
    assert await crm.scalar("select count(*) from inbox where status = 'received'") == 0


async def test_events_stored_before_a_crash_are_recovered_once(crm: ChatHarness, clock: Clock) -> None:
    stored = msg("lost-1", "new task survived the crash")
    async with crm.app.db.unit_of_work() as session:
        await inbox.record(session, platform="console", event_id="lost-1", payload=payload_of(stored),
                           now=clock() - dt.timedelta(minutes=5), status="received")
    intake = crm.app.intake
    assert await intake.recover() == 1
    await intake.recover()  # a second sweep before it is processed does not queue it twice
    assert intake.backlog == 1
    intake.start()
    await intake.stop()
    assert await crm.scalar("select count(*) from tasks where title = 'survived the crash'") == 1
    # a stray second claim of the same row does nothing
    row_id = await crm.scalar("select id from inbox where event_id = 'lost-1'")
    outcome = await crm.app.dispatcher.process(row_id, stored)
    assert outcome.status == "duplicate"
    assert await crm.scalar("select count(*) from tasks where title = 'survived the crash'") == 1
