"""The pipeline: duplicates dropped, failures rolled back and answered, any text survives."""

from __future__ import annotations

import random

from tests.conftest import ChatHarness


async def test_duplicate_event_ids_produce_one_effect(crm: ChatHarness) -> None:
    first = await crm.say("bob", "new task once", event_id="evt-1")
    again = await crm.say("bob", "new task once", event_id="evt-1")
    assert first and again == []
    assert await crm.scalar("select count(*) from tasks") == 1
    assert await crm.scalar("select count(*) from inbox where event_id = 'evt-1'") == 1


async def test_a_refusal_is_recorded_and_rolls_back(crm: ChatHarness) -> None:
    await crm.say("bob", "new task a", event_id="e1")
    await crm.say("bob", "CRM-1 2小时 CRM-9 1小时", event_id="e2")
    assert await crm.scalar("select status from inbox where event_id = 'e2'") == "rejected"
    assert await crm.scalar("select count(*) from work_logs") == 0
    assert await crm.say("bob", "CRM-1 2小时 CRM-9 1小时", event_id="e2") == []  # a retry is not re-run


async def test_a_crashing_handler_changes_nothing_and_is_answered(crm: ChatHarness) -> None:
    async def boom(intent: object, ctx: object) -> list[object]:
        from storage.models import Task

        ctx.session.add(Task(project_id=1, seq=99, title="half-done", custom_fields={}))  # type: ignore[attr-defined]
        await ctx.session.flush()  # type: ignore[attr-defined]
        raise RuntimeError("bug")

    from bot.nlu import intents

    crm.app.dispatcher.router._intents[intents.Help] = boom
    reply = await crm.text("bob", "help")
    assert "nothing was changed" in reply or "什么都没有改动" in reply
    assert await crm.scalar("select count(*) from tasks") == 0
    assert await crm.scalar("select count(*) from inbox where status = 'failed'") == 1
    assert crm.app.metrics.events["failed"] == 1


async def test_any_text_never_crashes(crm: ChatHarness) -> None:
    rng = random.Random(7)
    alphabet = "CRM-12 3h小时@<>{}[]\\\"'\n\t\x00😀％１２ｈ明天下午下周五P0 log task 新建任务 done 完成 ;--"
    samples = ["", " ", "\x00", "<@>", "@", "CRM-", "新建任务 " + "长" * 5000, "log -5h on CRM-1", "CRM-1 250%"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 80))) for _ in range(60)]
    for text in samples:
        await crm.say("bob", text)
    assert crm.app.metrics.events["failed"] == 0


async def test_any_button_id_never_crashes(crm: ChatHarness) -> None:
    await crm.say("bob", "new task a")
    for action in ("", ":", "log", "log:1", "log:nan:CRM-1", "log:inf:CRM-1", "log:-3:CRM-1", "log:1e9:CRM-1",
                   "task", "task:done", "task:explode:CRM-1", "task:done:CRM-999", "task:done:OA-1",
                   "x" * 500, "task:done:" + "9" * 40, '{"task_id":"T-42","op":"accept"}'):
        replies = await crm.click("bob", action)
        assert replies, action
    assert crm.app.metrics.events["failed"] == 0
    assert await crm.scalar("select count(*) from work_logs") == 0


async def test_concurrent_logs_of_one_person_never_pass_24_hours(crm: ChatHarness) -> None:
    import asyncio

    from bot.platforms.console import make_event

    await crm.say("bob", "new task a")
    events = [make_event({"user": "bob", "text": "log 20h on CRM-1"}, default_user="bob", default_chat=None)
              for _ in range(3)]
    await asyncio.gather(*(crm.app.handle(e) for e in events))
    assert float(await crm.scalar("select sum(hours) from work_logs")) == 20.0


async def test_a_co_assignee_cannot_drop_the_others(crm: ChatHarness) -> None:
    await crm.say("lily", "new task shared @alice @bob")
    assert "Only the PM" in await crm.text("bob", "assign CRM-1 to @bob")
    assert sorted((await crm.export("CRM"))["tasks"][0]["assignees"]) == ["alice", "bob"]
