"""Transcripts: partial words are partial, resume words unblock, forecasts are notes, several keys at once, task
edits (issue 13, items 3, 5 and 7's task edits). Checked through the export, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.conftest import ChatHarness


async def _task(bot: ChatHarness, n: int) -> dict[str, Any]:
    found: dict[str, Any] = (await bot.export("CRM"))["tasks"][n - 1]
    return found


async def _tasks(bot: ChatHarness, n: int, who: str = "bob") -> None:
    for i in range(n):
        await bot.say("lily", f"new task item {i + 1} @{who} by Dec 4")


async def test_partial_words_set_progress_never_done(crm: ChatHarness) -> None:
    await _tasks(crm, 4)
    await crm.say("bob", "CRM-1完成一大半了")
    await crm.say("bob", "CRM-2 七八成了")
    await crm.say("bob", "CRM-3 almost done")
    await crm.say("bob", "CRM-4 mostly done")
    got = [((await _task(crm, n))["status"], (await _task(crm, n))["progress"]) for n in (1, 2, 3, 4)]
    assert got == [("in_progress", 70), ("in_progress", 75), ("in_progress", 90), ("in_progress", 70)]


async def test_resume_words_unblock_a_blocked_task(crm: ChatHarness) -> None:
    await _tasks(crm, 3)
    for n in (1, 2, 3):
        await crm.say("bob", f"CRM-{n} 卡住了")
    await crm.say("bob", "CRM-1 好了，运维回复了，继续")
    await crm.say("bob", "CRM-2 白名单开通了")
    await crm.say("bob", "CRM-3 unblocked, back on it")
    for n in (1, 2, 3):
        assert (await _task(crm, n))["status"] == "in_progress"
    history = await crm.text("bob", "CRM-2 历史")
    assert "白名单开通了" in history


async def test_a_forecast_is_a_note_not_a_due_change(crm: ChatHarness) -> None:
    await _tasks(crm, 2)
    zh = await crm.text("lily", "CRM-1 明天能搞完")
    assert "没有改动" in zh
    en = await crm.text("bob", "CRM-2 should be done by Friday")
    assert "unchanged" in en
    assert [(await _task(crm, n))["due"] for n in (1, 2)] == ["2026-12-04", "2026-12-04"]
    assert [(await _task(crm, n))["status"] for n in (1, 2)] == ["todo", "todo"]
    notes = [a for a in (await crm.export("CRM"))["audit"] if a["action"] == "task.commented"]
    assert [n["after"]["comment"] for n in notes] == ["CRM-1 明天能搞完", "CRM-2 should be done by Friday"]


async def test_another_hour_on_a_task_is_a_log_not_a_scope_change(crm: ChatHarness) -> None:
    await _tasks(crm, 1)
    await crm.say("bob", "log 1h on CRM-1")
    await crm.say("bob", "and another 1h on CRM-1 for the design review")
    assert await crm.scalar("select count(*) from change_requests") == 0
    assert await crm.scalar("select sum(hours) from work_logs") == 2


async def test_several_keys_in_one_update_apply_to_each_or_say_which_failed(crm: ChatHarness) -> None:
    await _tasks(crm, 3)
    await crm.say("lily", "new task alice's own @alice")
    await crm.say("bob", "CRM-1,CRM-2 都完成了")
    assert [(await _task(crm, n))["status"] for n in (1, 2, 3)] == ["done", "done", "todo"]
    await crm.say("lily", "CRM-1 和 CRM-3 改给 @alice")
    assert [(await _task(crm, n))["assignees"] for n in (1, 3)] == [["alice"], ["alice"]]
    reply = await crm.text("bob", "CRM-2, CRM-4 done")  # CRM-4 is alice's: bob may not close it
    assert "CRM-4" in reply and "not changed" in reply
    assert (await _task(crm, 4))["status"] == "todo"


async def test_task_edits_estimate_priority_rename_co_assignee(crm: ChatHarness) -> None:
    await _tasks(crm, 1)
    await crm.say("bob", "CRM-1 估时改成 24小时")
    assert await crm.scalar("select count(*) from work_logs") == 0
    await crm.say("bob", "CRM-1 优先级改成 P0")
    await crm.say("bob", "rename CRM-1 to Login page v2")
    await crm.say("bob", "CRM-1 加上 @alice")
    task = await _task(crm, 1)
    assert (task["estimate_hours"], task["priority"], task["title"], task["assignees"]) == (
        24.0, "P0", "Login page v2", ["bob", "alice"])


async def test_take_a_task_and_done_with_hours(crm: ChatHarness) -> None:
    await crm.say("lily", "new task unowned chore")
    await crm.say("alice", "I'll take CRM-1")
    assert (await _task(crm, 1))["assignees"] == ["lily", "alice"]
    await crm.say("alice", "CRM-1 done, took 30 mins")
    assert (await _task(crm, 1))["status"] == "done"
    assert float(await crm.scalar("select sum(hours) from work_logs")) == 0.5
    await crm.say("lily", "new task another")
    await crm.say("bob", "我接了 CRM-2")
    assert "bob" in (await _task(crm, 2))["assignees"]


async def test_pause_puts_a_task_on_hold(crm: ChatHarness) -> None:
    await _tasks(crm, 2)
    await crm.say("bob", "CRM-1 暂停")
    await crm.say("bob", "put CRM-2 on hold")
    assert [(await _task(crm, n))["status"] for n in (1, 2)] == ["blocked", "blocked"]


async def test_a_viewer_cannot_edit_or_note(crm: ChatHarness) -> None:
    await _tasks(crm, 1)
    assert "read-only" in await crm.text("val", "CRM-1 priority P0")
    assert (await _task(crm, 1))["priority"] == "P2"


async def test_done_with_hours_without_a_key_asks_which(crm: ChatHarness) -> None:
    await _tasks(crm, 2)
    asked = await crm.say("bob", "done, took 30 mins")
    assert [b["id"] for b in asked[0]["card"]["buttons"]] == ["ok:fin:CRM-1:0.5", "ok:fin:CRM-2:0.5"]
    assert await crm.scalar("select count(*) from work_logs") == 0
    await crm.click("bob", "ok:fin:CRM-2:0.5")
    assert (await _task(crm, 2))["status"] == "done" and (await _task(crm, 1))["status"] == "todo"
    assert float(await crm.scalar("select sum(hours) from work_logs")) == 0.5
