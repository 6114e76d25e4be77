"""Transcripts: logging hours and asking questions, in both languages."""

from __future__ import annotations

from tests.conftest import ChatHarness, Clock


async def test_log_several_entries_in_one_message(crm: ChatHarness) -> None:
    await crm.say("bob", "新建任务 登录页")
    await crm.say("bob", "新建任务 导出")
    reply = await crm.text("bob", "CRM-1 3小时 CRM-2 2小时")
    assert "CRM-1 3h" in reply and "CRM-2 2h" in reply and "5h" in reply
    logs = (await crm.export("CRM"))["work_logs"]
    assert [(w["task"], w["user"], w["hours"], w["date"]) for w in logs] == [
        ("CRM-1", "bob", 3.0, "2026-11-25"), ("CRM-2", "bob", 2.0, "2026-11-25")]


async def test_log_yesterday_in_english_with_note(crm: ChatHarness) -> None:
    await crm.say("alice", "new task vendor sync")
    assert "Logged" in await crm.text("alice", "log 1.5h on CRM-1 yesterday for the vendor call")
    log = (await crm.export("CRM"))["work_logs"][0]
    assert (log["hours"], log["date"]) == (1.5, "2026-11-24") and "vendor call" in log["note"]


async def test_bad_hours_are_refused_and_change_nothing(crm: ChatHarness) -> None:
    await crm.say("bob", "new task a")
    assert "at most 24" in await crm.text("bob", "log 25h on CRM-1")
    assert "at most 24" in await crm.text("bob", "log 0h on CRM-1")
    await crm.say("bob", "log 20h on CRM-1")
    over = await crm.text("bob", "log 5h on CRM-1")
    assert "24 hours" in over and "Nothing logged" in over
    assert "future" in await crm.text("bob", "log 2h on CRM-1 tomorrow")
    assert [w["hours"] for w in (await crm.export("CRM"))["work_logs"]] == [20.0]


async def test_one_bad_entry_keeps_the_whole_message_out(crm: ChatHarness) -> None:
    await crm.say("bob", "new task a")
    reply = await crm.text("bob", "CRM-1 2小时 CRM-77 3小时")
    assert "CRM-77" in reply
    assert (await crm.export("CRM"))["work_logs"] == []


async def test_log_button_and_viewer_cannot_log(crm: ChatHarness) -> None:
    await crm.say("bob", "new task a")
    assert "Logged" in (await crm.click("bob", "log:2:CRM-1"))[0]["text"]  # in the language bob last wrote
    assert "只读" in (await crm.click("val", "log:1:CRM-1"))[0]["text"]  # val never wrote: the project's zh
    assert [w["user"] for w in (await crm.export("CRM"))["work_logs"]] == ["bob"]


async def test_my_tasks_status_overdue_hours_and_detail(crm: ChatHarness, clock: Clock) -> None:
    await crm.say("lily", "新建任务 登录页 @bob 明天")
    await crm.say("lily", "新建任务 报表 @bob 下周五前")
    await crm.say("bob", "CRM-1 4小时")
    mine = await crm.text("bob", "我的任务")
    assert "CRM-1" in mine and "CRM-2" in mine
    clock.set("2026-11-28T09:00:00")
    overdue = await crm.text("lily", "逾期任务")
    assert "CRM-1" in overdue and "CRM-2" not in overdue and "bob" in overdue
    status = await crm.say("lily", "CRM 进度")
    fields = {f["label"]: f["value"] for f in status[0]["card"]["fields"]}
    assert fields["逾期"] == "1" and fields["待办"] == "2" and fields["本周工时"] == "4h"
    hours = await crm.text("bob", "我这周工时")
    assert "4h" in hours and "CRM-1" in hours
    detail = await crm.say("bob", "CRM-1 详情")
    assert "创建了任务" in detail[0]["text"] and detail[0]["card"]["title"] == "CRM-1 登录页"


async def test_viewer_sees_only_their_projects(crm: ChatHarness) -> None:
    await crm.say("lily", "create project OA Office")
    await crm.say("lily", "new task [OA] secret thing")
    assert "not a member" in await crm.text("val", "status OA")
    assert "CRM" in await crm.text("val", "status CRM")
    assert "not a member" in await crm.text("vic", "show OA-1")


async def test_help_and_chatter(crm: ChatHarness) -> None:
    assert "CRM-3" in await crm.text("bob", "帮助")
    assert "welcome" in await crm.text("bob", "ok thanks")  # thanks get a friendly answer (tests/test_help_conversation.py)
    assert await crm.scalar("select count(*) from tasks") == 0


async def test_missing_task_or_hours_is_a_question_with_answer_buttons(crm: ChatHarness) -> None:
    await crm.say("bob", "new task API tests")
    question = (await crm.say("bob", "log 2h"))[0]
    assert "Which task" in question["text"]
    assert [b["id"] for b in question["card"]["buttons"]] == ["log:2:CRM-1"]
    assert "Logged" in (await crm.click("bob", "log:2:CRM-1"))[0]["text"]
    ask = (await crm.say("bob", "log on CRM-1"))[0]
    assert [b["id"] for b in ask["card"]["buttons"]] == ["log:1:CRM-1", "log:2:CRM-1", "log:4:CRM-1"]
    assert [w["hours"] for w in (await crm.export("CRM"))["work_logs"]] == [2.0]
