"""Standups: prompts in each member's timezone, holidays and make-up days, leave, answers, the summary."""

from __future__ import annotations

from jobs import standup
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import run_job, sql


async def _team(crm: ChatHarness) -> ChatHarness:
    """CRM bound to crm-group; bob works from New York, everyone else from Shanghai."""
    assert "CRM" in await crm.text("lily", "bind this chat to CRM", chat="crm-group")
    await sql(crm, "UPDATE people SET timezone = 'America/New_York' WHERE display_name = 'bob'")
    await sql(crm, "UPDATE people SET timezone = 'Asia/Shanghai' WHERE display_name = 'alice'")
    return crm


def _dms(out: list[dict[str, object]]) -> list[object]:
    return sorted(o["user"] for o in out if o["chat"] is None)


async def test_prompts_follow_each_members_timezone_once(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    assert await run_job(bot, clock, standup.prompts, "2026-11-25T09:29:00") == []
    out = await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00")
    # pm, members and the vendor are asked; the viewer and the sponsor are not; bob's 09:30 is later
    assert _dms(out) == ["alice", "lily", "vic"]
    assert "昨天完成了什么" in str(out[0]["text"]) and "CRM" in str(out[0]["text"])
    assert await run_job(bot, clock, standup.prompts, "2026-11-25T09:31:00") == []  # claimed: never twice
    out = await run_job(bot, clock, standup.prompts, "2026-11-25T22:30:00")  # 09:30 in New York
    assert _dms(out) == ["bob"]
    assert await bot.scalar("SELECT count(*) FROM job_runs WHERE job = 'standup.prompt'") == 4


async def test_a_missed_prompt_is_caught_up_within_the_grace_period_only(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    assert _dms(await run_job(bot, clock, standup.prompts, "2026-11-25T11:00:00")) == ["alice", "lily", "vic"]
    assert await run_job(bot, clock, standup.prompts, "2026-11-26T12:00:00") == []  # 2.5 h late: stale


async def test_no_prompts_on_a_holiday_or_weekend_but_on_a_makeup_saturday(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    assert await run_job(bot, clock, standup.prompts, "2026-10-01T09:30:00") == []  # 国庆节
    assert await run_job(bot, clock, standup.prompts, "2026-10-03T09:30:00") == []  # Saturday in the holiday
    assert await run_job(bot, clock, standup.prompts, "2026-11-28T09:30:00") == []  # an ordinary Saturday
    out = await run_job(bot, clock, standup.prompts, "2026-10-10T09:30:00")  # 调休: Saturday worked
    assert _dms(out) == ["alice", "lily", "vic"]
    assert all("调休" in str(o["text"]) for o in out)


async def test_leave_stops_prompts_for_its_days(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    assert "2026-11-26" in await bot.text("alice", "明天请假")
    assert "2026-11-30" in await bot.text("vic", "OOO until next Monday")
    assert _dms(await run_job(bot, clock, standup.prompts, "2026-11-26T09:30:00")) == ["lily"]
    assert _dms(await run_job(bot, clock, standup.prompts, "2026-11-27T09:30:00")) == ["alice", "lily"]
    assert _dms(await run_job(bot, clock, standup.prompts, "2026-12-01T09:30:00")) == ["alice", "lily", "vic"]


async def test_answers_blockers_and_the_summary(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    await bot.say("lily", "新建任务 接口联调 @alice 下周五前", chat="crm-group")
    await bot.say("lily", "新建任务 报表 @vic 下周五前", chat="crm-group")
    await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00")
    clock.set("2026-11-25T09:40:00")
    reply = await bot.text("alice", "昨天：需求评审 今天：接口联调 阻碍：等供应商接口 CRM-1; 测试环境没准备好 CRM-2")
    assert "2" in reply and "CRM-1" in reply  # CRM-1 is hers: blocked; CRM-2 is vic's: only named
    assert await bot.scalar("SELECT status FROM tasks WHERE seq = 1") == "blocked"
    assert await bot.scalar("SELECT status FROM tasks WHERE seq = 2") == "todo"
    await bot.text("lily", "Yesterday: plan. Today: review. Blockers: none")
    out = await run_job(bot, clock, standup.summaries, "2026-11-25T10:30:00")
    assert [o["chat"] for o in out] == ["crm-group"]
    text = str(out[0]["text"])
    assert "已回复 2/3" in text and "接口联调" in text and "review" in text
    assert "@alice: 等供应商接口 CRM-1" in text and "测试环境没准备好 CRM-2 → @vic" in text  # owners mentioned
    assert "未回复：vic" in text
    assert await run_job(bot, clock, standup.summaries, "2026-11-25T10:45:00") == []  # once


async def test_dry_run_sends_and_claims_nothing(crm: ChatHarness, clock: Clock) -> None:
    bot = await _team(crm)
    assert await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00", dry_run=True) == []
    assert await bot.scalar("SELECT count(*) FROM job_runs") == 0
    assert len(await run_job(bot, clock, standup.prompts, "2026-11-25T09:30:00")) == 3
