"""Issue 14, jobs 8–12, as conversations: the approval SLA in working hours, standups per project, one "today"
in the digest, the milestone rule, and who runs a new project."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from jobs import digest, risks, standup
from jobs.context import JobContext
from storage.models import OutboxMessage
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import run_job, sql
from tests.test_cli import cli


async def _pending_request(bot: ChatHarness, started_utc: str) -> None:
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at) VALUES (1, 2, 'schedule', '延期登录页', '', '{}', '{}', 'pending', "
                   f"'{started_utc}')")
    await sql(bot, "INSERT INTO approval_steps (change_request_id, seq, role, status, started_at, reason) "
                   f"VALUES (1, 1, 'pm', 'pending', '{started_utc}', '')")


async def test_8_the_approval_sla_counts_office_hours_on_working_days(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    clock.set("2026-11-24T11:10:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    await _pending_request(bot, "2026-11-24 03:10:00+00")  # Tuesday 11:10 in Shanghai; the SLA is 24 h
    # Friday 11:00: 0:50 + 5:00 on Tuesday, 8 + 8, then 2 h = 23.8 working hours — within the SLA.
    assert await run_job(bot, clock, risks.scan, "2026-11-27T11:00:00") == []
    # Monday 10:00, across the weekend: 30.8 working hours (the calendar-weekday count said 95).
    out = await run_job(bot, clock, risks.scan, "2026-11-30T10:00:00")
    assert "变更申请 CR-1「延期登录页」等待审批已 31 个工作小时（时限 24 小时）" in str(out[0]["text"])


async def _two_projects(bot: ChatHarness, clock: Clock) -> None:
    """bob works on CRM and OA; each project has its chat and a task of bob's."""
    clock.set("2026-11-24T10:00:00")
    assert "OA" in await bot.text("lily", "create project OA 办公系统 PM @lily")
    assert "bob" in await bot.text("lily", "add @bob to OA as member")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    assert "OA" in await bot.text("lily", "bind this chat to OA", chat="oa-group")
    await bot.say("lily", "新建任务 接口联调 @bob", chat="crm-group")
    await bot.say("lily", "新建任务 会议室预订 @bob", chat="oa-group")
    await bot._delivered()


def _by_chat(out: list[dict[str, Any]]) -> dict[str, str]:
    return {str(o["chat"]): str(o["text"]) for o in out if o["chat"]}


async def test_9_a_standup_summary_shows_only_its_own_project(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    await _two_projects(bot, clock)
    prompts = await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00")
    assert any(o["user"] == "bob" and "CRM" in str(o["text"]) and "OA" in str(o["text"]) for o in prompts)
    clock.set("2026-11-25T09:40:00")
    reply = await bot.text("bob", "昨天：联调 今天：测试 阻碍：等供应商接口 CRM-1")  # a DM answers both prompts
    assert "CRM-1" in reply
    summaries = _by_chat(await run_job(bot, clock, standup.summaries, "2026-11-25T10:30:00"))
    assert "@bob: 等供应商接口 CRM-1" in summaries["crm-group"]
    assert "CRM-1" not in summaries["oa-group"] and "阻碍" not in summaries["oa-group"]
    assert await bot.scalar("SELECT blockers FROM standup_entries WHERE project_id = 2 AND person_id = 2") \
        in ('{"items": []}', {"items": []})

    # The next day bob answers in the CRM chat: that is CRM's answer, and OA still waits for his.
    await run_job(bot, clock, standup.prompts, "2026-11-26T09:30:00")
    clock.set("2026-11-26T09:40:00")
    await bot.say("bob", "昨天：测试 今天：上线 阻碍：无", chat="crm-group")
    summaries = _by_chat(await run_job(bot, clock, standup.summaries, "2026-11-26T10:30:00"))
    assert "• bob:" in summaries["crm-group"]
    assert "• bob:" not in summaries["oa-group"] and "未回复：" in summaries["oa-group"] \
        and "bob" in summaries["oa-group"].split("未回复：")[1]


async def _digest_for(bot: ChatHarness, clock: Clock, iso: str, user: str) -> str:
    clock.set(iso)
    await digest.daily(JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings))
    async with bot.app.db.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.user == user,
                                                                  OutboxMessage.kind == "message")
                                      .order_by(OutboxMessage.id))).all()
    return str(rows[-1].payload["text"])


async def test_10_the_digest_counts_logs_and_hours_of_one_day(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    clock.set("2026-11-24T10:00:00")
    await bot.say("lily", "新建任务 登录页 @bob")
    for _ in range(6):  # six logs written this morning, all for yesterday
        await bot.say("bob", "CRM-1 1小时 昨天")
    clock.set("2026-11-25T10:00:00")
    for _ in range(2):
        await bot.say("bob", "CRM-1 1小时 昨天")  # written on the 25th for the 24th
    text = await _digest_for(bot, clock, "2026-11-25T18:00:00", "sam")
    assert "工时记录 0" in text and "今日 0h" in text  # both figures from the same logs: none dated today
    await bot.say("bob", "CRM-1 3小时 今天")
    await sql(bot, "DELETE FROM job_runs")
    text = await _digest_for(bot, clock, "2026-11-25T18:30:00", "sam")
    assert "工时记录 1" in text and "今日 3h" in text


async def test_11_the_milestone_rule_says_slipped_and_warns_of_late_tasks(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    clock.set("2026-11-20T10:00:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    await bot.say("lily", "新建任务 联调 @bob", chat="crm-group")
    await bot.say("lily", "新建任务 培训 @alice", chat="crm-group")
    await bot._delivered()
    await sql(bot, "INSERT INTO milestones (project_id, name, due_date, status, created_at) VALUES "
                   "(1, 'UAT', '2026-11-24', 'open', '2026-11-01 00:00:00+00'), "
                   "(1, '上线', '2026-12-10', 'open', '2026-11-01 00:00:00+00')")
    await sql(bot, "UPDATE tasks SET milestone_id = 1, estimate_hours = 1 WHERE seq = 1")
    await sql(bot, "UPDATE tasks SET milestone_id = 2, estimate_hours = 1, due_date = '2026-12-15' WHERE seq = 2")
    text = str((await run_job(bot, clock, risks.scan, "2026-11-25T10:00:00"))[0]["text"])
    assert "里程碑「UAT」已延期：2026-11-24 已过，仍有 1 个任务未完成" in text and "「UAT」（2026-11-24）可能延期" not in text
    assert "里程碑「上线」（2026-12-10）可能延期：1 个任务的截止日期晚于里程碑（最晚 2026-12-15）" in text


async def test_12_a_new_project_asks_who_its_pm_is(bot: ChatHarness, clock: Clock) -> None:
    clock.set("2026-11-24T10:00:00")
    reply = await bot.text("lily", "create project OA Office")  # lily: the first user, so the PMO
    assert "Who is OA's PM" in reply or "谁是 OA 的项目经理" in reply
    assert await bot.scalar("SELECT count(*) FROM memberships") == 0  # the PMO is not made a member
    reply = await bot.text("lily", "新建项目 HR 人事系统 PM @pat")
    assert "pat 是 HR 的项目经理" in reply
    assert await bot.scalar("SELECT name FROM projects WHERE key = 'HR'") == "人事系统"
    assert await bot.scalar("SELECT p.display_name || ':' || m.role FROM memberships m "
                            "JOIN people p ON p.id = m.person_id") == "pat:pm"
    prompts = await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00")
    assert sorted(str(o["user"]) for o in prompts) == ["pat"]  # no standup prompt for the PMO


def test_12_the_cli_takes_the_pm(db_url: str) -> None:
    made = cli("admin", "project", "create", "CRM", "--name", "客户关系系统", "--pm", "bob", db=db_url)
    assert made.returncode == 0 and "pm bob" in made.stdout, made.stderr
    alone = cli("admin", "project", "create", "OA", "--name", "Office", db=db_url)
    assert alone.returncode == 0 and "no PM yet" in alone.stdout
    data = cli("export", "--project", "CRM", "--format", "csv", "--table", "audit", db=db_url).stdout
    assert "member.added" in data and '"{""role"": ""pm""}"' in data
