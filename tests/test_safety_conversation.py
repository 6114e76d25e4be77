"""Transcripts: questions never write, negations never do what they negate, cancellations take things back
(issue 13, items 1-2). Each checks the database through the export, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.conftest import ChatHarness


async def _rows(bot: ChatHarness) -> dict[str, Any]:
    """What an export shows, plus the leave rows (no export of those yet)."""
    data = await bot.export("CRM")
    return {"tasks": [(t["key"], t["status"], t["progress"], t["due"], t["assignees"], t["estimate_hours"])
                      for t in data["tasks"]],
            "logs": await bot.scalar("select count(*) from work_logs"),
            "leaves": await bot.scalar("select count(*) from leaves"),
            "changes": await bot.scalar("select count(*) from change_requests")}


async def _two_tasks(bot: ChatHarness) -> None:
    await bot.say("lily", "新建任务 登录页 @bob")
    await bot.say("lily", "新建任务 报表导出 @bob")


async def test_questions_about_leave_never_record_leave(crm: ChatHarness) -> None:
    for text in ("取消请假", "我的请假", "bob 请假了吗", "am I on leave tomorrow?", "my leave"):
        await crm.say("bob", text)
    assert await crm.scalar("select count(*) from leaves") == 0


async def test_questions_about_tasks_and_hours_never_write(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    before = await _rows(crm)
    for text in ("CRM-1 完成了吗", "CRM-1 做完了没有", "CRM-1 是否已完成", "is CRM-1 done?", "did I log 2h on CRM-1?",
                 "谁负责 CRM-2", "CRM-2 还要多少小时", "how many hours on CRM-1?", "我的工时呢",
                 "CRM-1 截止改到周五了吗", "CRM-1 改给 @alice 了吗"):
        replies = await crm.say("bob", text)
        assert replies, text
    assert await _rows(crm) == before


async def test_an_unanswerable_question_says_so_in_both_languages(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    zh = await crm.text("bob", "bob 请假了吗")
    assert "没有改动" in zh or "请假" in zh
    en = await crm.text("bob", "did I log 2h on CRM-1 yesterday?")
    assert en
    assert await crm.scalar("select count(*) from work_logs") == 0


async def test_negations_never_do_what_they_negate(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    before = await _rows(crm)
    zh = await crm.text("bob", "别给我记 CRM-1 2小时")
    assert "没有" in zh and "什么都没有改动" in zh
    en = await crm.text("bob", "don't log 2h on CRM-2")
    assert "nothing was changed" in en
    await crm.say("bob", "CRM-1 不要标完成")
    await crm.say("lily", "先不要把 CRM-2 改给 @alice")
    await crm.say("bob", "do not mark CRM-2 done")
    assert await _rows(crm) == before


async def test_text_undo_takes_back_the_last_log_then_the_update(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    replies = await crm.say("bob", "log 2h on CRM-1")
    assert any(b["id"].startswith("undo:log:") for b in replies[0]["card"]["buttons"])
    assert await crm.scalar("select count(*) from work_logs") == 1
    assert "CRM-1" in await crm.text("bob", "撤销")
    assert await crm.scalar("select count(*) from work_logs") == 0
    await crm.say("bob", "CRM-2 60%")
    assert (await crm.export("CRM"))["tasks"][1]["progress"] == 60
    undone = await crm.text("bob", "undo CRM-2")
    assert "CRM-2" in undone
    task = (await crm.export("CRM"))["tasks"][1]
    assert (task["status"], task["progress"]) == ("todo", 0)
    # nothing left: an honest answer, and nothing changes
    assert "Nothing recent" in await crm.text("bob", "undo")


async def test_undo_button_on_an_update_reverts_it(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    replies = await crm.say("bob", "CRM-1 完成")
    assert "undo:upd:CRM-1" in {b["id"] for b in replies[0]["card"]["buttons"]}
    assert (await crm.export("CRM"))["tasks"][0]["status"] == "done"
    await crm.click("bob", "undo:upd:CRM-1")
    assert (await crm.export("CRM"))["tasks"][0]["status"] == "todo"
    # someone else cannot undo bob's update (it is not theirs to revert)
    await crm.say("bob", "CRM-1 完成")
    await crm.click("alice", "undo:upd:CRM-1")
    assert (await crm.export("CRM"))["tasks"][0]["status"] == "done"


async def test_cancel_the_task_just_created(crm: ChatHarness) -> None:
    await crm.say("bob", "new task write the API docs")
    assert await crm.scalar("select count(*) from tasks") == 1
    await crm.say("bob", "never mind")
    assert await crm.scalar("select count(*) from tasks") == 0


async def test_cancel_an_open_draft_change_request(crm: ChatHarness) -> None:
    await crm.say("lily", "new task report export @bob 12月10日前")
    asked = await crm.text("bob", "变更申请 CRM-1 延期到12月20日")
    assert "原因" in asked or "why" in asked.lower()
    assert await crm.scalar("select status from change_requests") == "draft"
    await crm.say("bob", "取消")
    assert await crm.scalar("select status from change_requests") == "withdrawn"


async def test_undo_your_own_hand_over(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    await crm.say("bob", "CRM-1 改给 @alice")
    assert (await crm.export("CRM"))["tasks"][0]["assignees"] == ["alice"]
    await crm.say("bob", "算了")  # bob is no longer on it, but undoing his own hand-over is his to do
    assert (await crm.export("CRM"))["tasks"][0]["assignees"] == ["bob"]


async def test_a_question_about_a_task_shows_its_card(crm: ChatHarness) -> None:
    await _two_tasks(crm)
    for text in ("CRM-2 是不是已经完成了", "谁负责 CRM-2", "is CRM-2 done?"):
        replies = await crm.say("alice", text)
        assert replies[0]["card"]["title"].startswith("CRM-2"), text
    assert (await crm.export("CRM"))["tasks"][1]["status"] == "todo"


async def test_withdraw_my_one_pending_request_and_negated_leave(crm: ChatHarness) -> None:
    await crm.say("lily", "new task report export @bob 12月10日前")
    await crm.say("bob", "变更申请 CRM-1 延期到12月20日，原因 接口晚到")
    assert await crm.scalar("select status from change_requests") == "pending"
    await crm.say("bob", "批准 CR-1 吗")  # a question: shows it, decides nothing
    assert await crm.scalar("select status from change_requests") == "pending"
    await crm.say("bob", "撤回我的变更申请")
    assert await crm.scalar("select status from change_requests") == "withdrawn"
    assert "没有" in await crm.text("bob", "明天不请假了")
    assert await crm.scalar("select count(*) from leaves") == 0


async def test_undo_leave_just_recorded(crm: ChatHarness) -> None:
    await crm.say("bob", "明天请假")
    assert await crm.scalar("select count(*) from leaves") == 1
    assert "请假" in await crm.text("bob", "撤销")
    assert await crm.scalar("select count(*) from leaves") == 0


async def test_leave_about_someone_else_is_never_the_writers(crm: ChatHarness) -> None:
    for text in ("bob 这周请假", "@bob 请假了", "张三明天请假", "bob is OOO tomorrow"):
        await crm.say("lily", text)
    assert await crm.scalar("select count(*) from leaves") == 0
    await crm.say("lily", "周五请假")  # a day, not a name: lily's own leave
    assert await crm.scalar("select count(*) from leaves") == 1
