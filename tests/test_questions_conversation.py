"""Transcripts: questions answered for what was asked — hours by period, person, project and team; who has not
logged; task lists and risks — in both languages. Every question leaves the database as it was."""

from __future__ import annotations

import datetime as dt

from storage.models import Risk
from tests.conftest import ChatHarness

WRITES = "select (select count(*) from work_logs) + (select count(*) from leaves) + (select count(*) from tasks)" \
         " + (select count(*) from audit_log) + (select count(*) from memberships)"


async def _hours_week(crm: ChatHarness) -> None:
    """Wed 2026-11-25: bob 4h today and 2h yesterday, 1h last week, 1h on Nov 2; alice 3h today."""
    await crm.say("lily", "新建任务 登录页 @bob")
    await crm.say("lily", "新建任务 报表 @alice")
    await crm.say("bob", "CRM-1 4小时")
    await crm.say("bob", "CRM-1 2小时 昨天")
    await crm.say("bob", "CRM-1 1小时 11月17日")  # before the project was made: asked first, then confirmed
    await crm.click("bob", "ok:log:CRM-1:1:20261117")
    await crm.say("bob", "CRM-1 1小时 11月2日")
    await crm.click("bob", "ok:log:CRM-1:1:20261102")
    await crm.say("alice", "CRM-2 3小时")


async def test_my_hours_by_period(crm: ChatHarness) -> None:
    await _hours_week(crm)
    before = await crm.scalar(WRITES)
    today = await crm.text("bob", "我今天工时")
    assert "共 4h" in today and "2026-11-25" in today
    assert "共 6h" in await crm.text("bob", "我这周工时")
    last = await crm.text("bob", "上周工时")
    assert "共 1h" in last and "2026-11-16 ~ 2026-11-22" in last
    assert "共 8h" in await crm.text("bob", "本月工时")
    assert "2h" in await crm.text("bob", "昨天的工时")
    ranged = await crm.text("bob", "11月17日到11月24日的工时")
    assert "共 3h" in ranged
    assert "6h this week" in await crm.text("bob", "hrs this week")
    assert "1h last week" in await crm.text("bob", "my hours last week")
    assert "4h today" in await crm.text("bob", "how many hours did I log today?")
    assert await crm.scalar(WRITES) == before


async def test_others_and_project_hours_are_for_managers(crm: ChatHarness) -> None:
    await _hours_week(crm)
    before = await crm.scalar(WRITES)
    assert "6h" in await crm.text("lily", "@bob 这周工时")
    assert "6h" in await crm.text("lily", "bob's hours this week")
    refused = await crm.text("bob", "@alice 这周工时")
    assert "只有" in refused and "3h" not in refused
    project = await crm.text("lily", "CRM 工时统计")
    assert "共 9h" in project and "bob 6h" in project and "alice 3h" in project
    member_view = await crm.text("bob", "CRM 工时统计")  # a member sees the total and tasks, not people
    assert "共 9h" in member_view and "按人" not in member_view
    team = await crm.text("lily", "team hours this week")
    assert "bob 6h" in team and "alice 3h" in team and "vic 0h" in team
    assert "Only the PM" in await crm.text("bob", "team hours this week")
    assert await crm.scalar(WRITES) == before


async def test_who_has_not_logged_today(crm: ChatHarness) -> None:
    await _hours_week(crm)
    await crm.say("vic", "明天请假")
    before = await crm.scalar(WRITES)
    missing = await crm.text("lily", "今天谁没填工时")
    assert "未填工时" in missing and "vic" in missing and "lily" in missing
    assert "bob" not in missing and "alice" not in missing
    tomorrow_ok = await crm.text("lily", "who hasn't logged yesterday")
    assert "alice" in tomorrow_ok and "bob" not in tomorrow_ok
    assert "Only a PM" in await crm.text("bob", "who hasn't logged today") or \
        "只有" in await crm.text("bob", "今天谁没填工时")
    assert await crm.scalar(WRITES) == before


async def test_task_lists_by_project_person_and_week(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 登录页 @bob 周五前")  # due 2026-11-27, this week
    await crm.say("lily", "新建任务 报表 @alice 下周三前")  # due 2026-12-02
    await crm.say("lily", "新建任务 导出")
    await crm.say("lily", "CRM-3 完成")
    before = await crm.scalar(WRITES)
    open_ = await crm.text("bob", "CRM 有哪些未完成任务")
    assert "CRM-1" in open_ and "CRM-2" in open_ and "CRM-3" not in open_
    bobs = await crm.text("lily", "@bob 的任务")
    assert "CRM-1" in bobs and "CRM-2" not in bobs
    due = await crm.text("bob", "本周到期的任务")
    assert "CRM-1" in due and "CRM-2" not in due
    assert "CRM-2" in await crm.text("bob", "下周到期任务")
    done = await crm.text("bob", "本周完成的任务")
    assert "CRM-3" in done and "CRM-1" not in done
    assert "CRM-1" in await crm.text("bob", "open tasks in CRM")
    assert "CRM-2" in await crm.text("alice", "tasks due next week")
    assert "CRM-3" in await crm.text("alice", "what got done this week")
    assert await crm.scalar(WRITES) == before


async def test_risks_and_the_status_card(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 登录页 @bob 周五前")
    assert "没有未解除的风险" in await crm.text("bob", "CRM 有没有风险")
    async with crm.app.db.unit_of_work() as session:
        session.add(Risk(project_id=1, rule="blocked", entity="task:1", raised_on=dt.date(2026, 11, 25),
                         detail={"params": {"task": "CRM-1", "title": "登录页", "days": 3}}))
    before = await crm.scalar(WRITES)
    risks = await crm.text("bob", "CRM 有没有风险")
    assert "CRM-1 登录页 已受阻 3 个工作日" in risks
    assert "blocked for 3 working days" in await crm.text("bob", "any risks in CRM?")
    card = await crm.say("bob", "CRM 项目整体情况")
    assert card[0]["card"]["title"].startswith("CRM")
    assert (await crm.say("bob", "CRM 进度咋样了"))[0]["card"]["title"].startswith("CRM")
    assert "not a member" in await crm.text("zed", "any risks in CRM?")
    assert await crm.scalar(WRITES) == before


async def test_project_key_that_is_a_word(crm: ChatHarness) -> None:
    await crm.say("lily", "create project QA 测试组")
    status = await crm.say("lily", "QA 进度")
    assert status[0]["card"]["title"] == "QA 测试组"
    assert "QA" in await crm.text("lily", "qa 有哪些未完成任务")
