"""The platforms' path: store (group commit) and ack, then process once; recover what a crash left."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json

import pytest

from bot import intake as intake_module
from bot.core.events import CardAction, FormSubmission, HomeOpened, IncomingMessage, UserRef
from bot.dispatch import event_of, payload_of
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


def test_the_inbox_copy_of_an_event_is_asdict_and_rebuilds_it() -> None:
    events = [
        IncomingMessage("slack", "msg:C1:1.2", UserRef("slack", "U1", "Ann", "en", "Asia/Shanghai", "a@x.io"),
                        "hi <@U2>", chat="C1", thread="1.2", mentions=(UserRef("slack", "U2"),), reply_url="https://r"),
        CardAction("slack", "act:1:U1", UserRef("slack", "U1"), "task:done:CRM-1", chat="C1", message="C1:1.2"),
        FormSubmission("slack", "view:V1:h", UserRef("slack", "U1"), "create_task",
                       {"title": "x", "assignees": ["U1", "U2"], "due": None, "estimate_hours": 1.5}),
        HomeOpened("feishu", "home:1", UserRef("feishu", "ou_1")),
    ]
    for event in events:
        stored = json.loads(json.dumps(payload_of(event)))
        assert stored == json.loads(json.dumps(dataclasses.asdict(event) | {"kind": stored["kind"]}))
        assert event_of(stored) == event


async def test_a_burst_beyond_the_in_memory_queue_waits_in_the_inbox_and_is_processed_once(
        crm: ChatHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_module, "MAX_QUEUED", 4)
    intake = crm.app.intake
    intake.start()
    try:
        results = await asyncio.gather(*(intake.accept(msg(f"b{i}", f"new task burst {i}")) for i in range(15)))
        assert all(results)
        assert intake.backlog <= 4  # the other events are only in the inbox
        for _ in range(400):
            if await crm.scalar("select count(*) from inbox where status = 'received'") == 0:
                break
            await asyncio.sleep(0.025)
    finally:
        await intake.stop()
    assert await crm.scalar("select count(*) from tasks") == 15
    assert await crm.scalar("select count(distinct title) from tasks") == 15
