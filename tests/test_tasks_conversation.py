"""Transcripts: creating and updating tasks through the console adapter, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.conftest import ChatHarness, Clock


async def test_first_user_is_pmo_and_creates_a_project(bot: ChatHarness) -> None:
    reply = await bot.text("lily", "新建项目 CRM 客户关系系统")
    assert "CRM" in reply and "客户关系系统" in reply
    assert await bot.scalar("select is_pmo from people where display_name = 'lily'") in (True, 1)
    refused = await bot.text("bob", "create project OA Office")
    assert "PMO" in refused
    assert await bot.scalar("select count(*) from projects") == 1


async def test_create_task_in_chinese_with_assignee_due_priority_estimate(crm: ChatHarness) -> None:
    replies = await crm.say("lily", "新建任务 登录页 @bob 下周五前 P1 预计8小时")
    assert replies[0]["text"].startswith("已创建 CRM-1")
    card = replies[0]["card"]
    assert card["title"] == "CRM-1 登录页"
    values = {f["label"]: f["value"] for f in card["fields"]}
    assert values["负责人"] == "bob" and values["截止"] == "2026-12-04" and values["优先级"] == "P1"
    assert {b["id"] for b in card["buttons"]} >= {"task:done:CRM-1", "task:undo:CRM-1"}
    # bob hears about it by direct message
    assert replies[1]["user"] == "bob" and "CRM-1" in replies[1]["text"]
    data = await crm.export("CRM")
    task = data["tasks"][0]
    assert (task["key"], task["title"], task["assignees"], task["due"], task["priority"], task["estimate_hours"]) == (
        "CRM-1", "登录页", ["bob"], "2026-12-04", "P1", 8.0)
    assert [a["action"] for a in data["audit"]][-1] == "task.created"


async def test_create_task_in_english_defaults_to_the_sender(crm: ChatHarness) -> None:
    replies = await crm.say("alice", "new task fix SSO login by Friday")
    assert replies[0]["text"].startswith("Created CRM-1")
    assert len(replies) == 1  # nobody else to notify
    task = (await crm.export("CRM"))["tasks"][0]
    assert task["assignees"] == ["alice"] and task["due"] == "2026-11-27"


async def test_a_weekday_that_does_not_match_the_date_is_pointed_out(crm: ChatHarness) -> None:
    reply = await crm.text("alice", "new task fix SSO login by Thursday, Dec 4")
    assert reply.startswith("Created CRM-1") and "2026-12-04 is a Friday, not Thu" in reply
    assert "周五，不是周四" in await crm.text("lily", "新建任务 登录页 12月4日(周四)")
    assert [t["due"] for t in (await crm.export("CRM"))["tasks"]] == ["2026-12-04", "2026-12-04"]


async def test_keys_are_sequential_per_project(crm: ChatHarness) -> None:
    await crm.say("lily", "create project OA Office")
    for title in ("one", "two", "three"):
        await crm.say("lily", f"new task [CRM] {title}")
    await crm.say("lily", "new task [OA] first")
    keys = [t["key"] for t in (await crm.export("CRM"))["tasks"]] + [t["key"] for t in (await crm.export("OA"))["tasks"]]
    assert keys == ["CRM-1", "CRM-2", "CRM-3", "OA-1"]


async def test_status_progress_and_done_by_button(crm: ChatHarness) -> None:
    await crm.say("bob", "新建任务 接口联调")
    assert "进行中" in await crm.text("bob", "CRM-1 60%")  # no words: bob last wrote Chinese
    replies = await crm.click("bob", "task:done:CRM-1")
    assert "已完成" in replies[0]["text"]
    again = await crm.click("bob", "task:done:CRM-1")
    assert "已经" in again[0]["text"]  # a second click does nothing twice
    task = (await crm.export("CRM"))["tasks"][0]
    assert (task["status"], task["progress"]) == ("done", 100)
    updates = [a for a in (await crm.export("CRM"))["audit"] if a["action"] == "task.updated"]
    assert len(updates) == 2 and updates[-1]["after"]["status"] == "done"


async def test_only_pm_reassigns_others_and_changes_due(crm: ChatHarness) -> None:
    await crm.say("lily", "new task report export @bob")
    denied = await crm.text("alice", "assign CRM-1 to @alice")
    assert "Only the PM" in denied
    denied_due = await crm.text("bob", "move CRM-1 due to Dec 20")
    assert "Only the PM" in denied_due and "due" in denied_due
    ok = await crm.text("lily", "assign CRM-1 to @alice")
    assert "alice" in ok
    task = (await crm.export("CRM"))["tasks"][0]
    assert task["assignees"] == ["alice"] and task["due"] is None


async def test_vendor_and_viewer_and_outsider(crm: ChatHarness) -> None:
    await crm.say("lily", "new task vendor API @vic")
    assert "已更新 CRM-1" in await crm.text("vic", "CRM-1 50%")  # no words yet: the project's language
    viewer = await crm.text("val", "CRM-1 done")
    assert "read-only" in viewer
    outsider = await crm.text("zed", "CRM-1 done")
    assert "not a member" in outsider
    assert (await crm.export("CRM"))["tasks"][0]["status"] == "in_progress"


async def test_unknown_task_gets_closest_keys(crm: ChatHarness) -> None:
    for title in ("a", "b", "c"):
        await crm.say("lily", f"new task {title}")
    reply = await crm.text("lily", "CRM-99 done")
    assert "CRM-99" in reply and "not found" in reply and "CRM-" in reply.split("Closest:")[1]


async def test_empty_title_and_over_long_title(crm: ChatHarness) -> None:
    assert "needs a title" in await crm.text("lily", "new task")
    long = "x" * 600
    reply = await crm.text("lily", f"new task {long}")
    assert "cut to 200" in reply
    assert len((await crm.export("CRM"))["tasks"][0]["title"]) == 200


async def test_undo_deletes_a_fresh_task(crm: ChatHarness, clock: object) -> None:
    await crm.say("bob", "new task temp")
    assert "不能撤销" in (await crm.click("alice", "task:undo:CRM-1"))[0]["text"]  # alice never wrote: project zh
    assert "deleted" in (await crm.click("bob", "task:undo:CRM-1"))[0]["text"]
    data = await crm.export("CRM")
    assert data["tasks"] == [] and data["audit"][-1]["action"] == "task.deleted"


async def test_an_unknown_task_offers_the_closest_ones_as_buttons(crm: ChatHarness) -> None:
    for title in ("a", "b", "c", "d", "e", "f", "g", "h", "i"):
        await crm.say("bob", f"new task {title}")
    reply = (await crm.say("bob", "CRM-99 done"))[0]
    ids = [b["id"] for b in reply["card"]["buttons"]]
    assert ids and all(i.startswith("task:done:CRM-") for i in ids)
    logged = (await crm.say("bob", "log 2h on CRM-19"))[0]
    assert "log:2:CRM-1" in [b["id"] for b in logged["card"]["buttons"]]
    assert "Logged" in (await crm.click("bob", "log:2:CRM-1"))[0]["text"]


async def test_working_days_in_a_deadline_skip_public_holidays(crm: ChatHarness, clock: Clock) -> None:
    clock.set("2026-09-29T10:00:00")  # a Tuesday before the National Day week
    await crm.say("bob", "新建任务 部署 3个工作日内")
    task = (await crm.export("CRM"))["tasks"][0]
    assert task["due"] == "2026-10-09"  # 9-30, then 10-08 and 10-09: 10-01..10-07 are days off
