"""Transcripts: help asked in words, greetings and thanks, the honest unknown answer with the closest capabilities,
IME slips in command words, members and projects — in both languages."""

from __future__ import annotations

from bot.core.events import CardAction
from bot.platforms.console import typed_event
from tests.conftest import ChatHarness

WRITES = "select (select count(*) from work_logs) + (select count(*) from leaves) + (select count(*) from tasks)" \
         " + (select count(*) from audit_log) + (select count(*) from memberships)"


async def test_help_in_words_lists_every_capability(crm: ChatHarness) -> None:
    for asked in ("你能做什么", "这个机器人咋用", "有哪些命令", "帮助"):
        zh = await crm.text("bob", asked)
        for example in ("新建任务", "待我审批", "批准 CR-2", "驳回 CR-2", "撤回 CR-2", "请假", "取消请假", "站会",
                        "撤销", "本周到期的任务", "上周工时", "今天谁没填工时", "CRM 成员"):
            assert example in zh, (asked, example)
    for asked in ("what can you do", "how do I use this", "help"):
        en = await crm.text("bob", asked)
        for example in ("new task", "waiting for my approval", "approve CR-2", "reject CR-2", "withdraw CR-2",
                        "cancel my leave", "Standup", "undo", "due this week", "hours last week", "list projects"):
            assert example in en, (asked, example)


async def test_greetings_and_thanks_get_three_examples(crm: ChatHarness) -> None:
    before = await crm.scalar(WRITES)
    hello = await crm.text("bob", "你好")
    assert hello.startswith("你好") and hello.count("•") == 3
    assert "welcome" in await crm.text("bob", "thanks!")
    assert "Hi" in await crm.text("alice", "good morning")
    assert "不客气" in await crm.text("alice", "谢谢")
    assert await crm.scalar(WRITES) == before


async def test_unknown_offers_the_closest_things_with_buttons(crm: ChatHarness) -> None:
    before = await crm.scalar(WRITES)
    zh = (await crm.say("bob", "那个东西搞一下工时"))[0]
    assert zh["text"].startswith("没太明白") and len(zh["card"]["buttons"]) == 3
    assert zh["card"]["buttons"][0]["id"] == "help:log_hours"
    en = (await crm.say("bob", "blorp the zibbles"))[0]
    assert en["text"].startswith("Didn't quite get that") and 2 <= len(en["card"]["buttons"]) <= 3
    asked = await crm.text("alice", "what's the weather like?")
    assert asked.startswith("Didn't quite get that") and "can't answer that question yet" in asked
    example = await crm.click("bob", "help:log_hours")
    assert "log 3h on CRM-12" in example[0]["text"]
    assert "no longer valid" in (await crm.click("bob", "help:nonsense"))[0]["text"]
    assert await crm.scalar(WRITES) == before


async def test_a_console_number_no_button_has_says_so(crm: ChatHarness) -> None:
    event = typed_event("7", user="bob", chat=None, buttons=["task:done:1", "task:start:1"])
    assert isinstance(event, CardAction) and event.action == "nobutton:7:2"
    await crm.app.handle(event)
    replies = await crm._delivered()
    assert "no button 7" in replies[0]["text"] or "没有编号为 7" in replies[0]["text"]


async def test_ime_slips_in_command_words(crm: ChatHarness) -> None:
    assert "CRM-1" in await crm.text("bob", "新建人物 登录页")
    assert "CRM-2" in await crm.text("bob", "新増任务 导出")
    await crm.text("bob", "CRM-1 完城了")
    tasks = {t["key"]: t for t in (await crm.export("CRM"))["tasks"]}
    assert tasks["CRM-1"]["title"] == "登录页" and tasks["CRM-2"]["title"] == "导出"
    assert tasks["CRM-1"]["status"] == "done"


async def test_members_list_remove_and_projects(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 对接 @vic")
    members = await crm.text("bob", "CRM 成员")
    assert "vic (供应商)" in members and "lily (项目经理)" in members
    assert "vic (vendor)" in await crm.text("bob", "CRM members")
    assert "Only the PM" in await crm.text("bob", "remove @vic from CRM")
    assert "CRM-1" in await crm.text("vic", "CRM-1 详情")
    removed = await crm.text("lily", "把 @vic 移出 CRM")
    assert "已把 vic 移出 CRM" in removed
    assert "不是项目 CRM 的成员" in await crm.text("vic", "CRM-1 详情")  # access ends at once
    assert "not a member" in await crm.text("vic", "status CRM")
    assert "nothing changed" in await crm.text("lily", "remove @vic from CRM")
    assert await crm.scalar("select count(*) from audit_log where action = 'member.removed'") == 1
    assert "唯一的项目经理" in await crm.text("lily", "把 @lily 移出 CRM")  # the only PM stays
    await crm.say("lily", "create project OA Office")
    assert "CRM" in await crm.text("bob", "项目列表") and "OA" not in await crm.text("bob", "项目列表")
    listed = await crm.text("lily", "list projects")
    assert "CRM" in listed and "OA" in listed
