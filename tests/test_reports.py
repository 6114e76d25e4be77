"""The weekly report: posted on the week's last working day, once; the same Markdown from the CLI."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from jobs import reports
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import run_job, sql

ROOT = Path(__file__).resolve().parents[1]


async def test_weekly_report_on_the_last_working_day(crm: ChatHarness, clock: Clock, db_url: str) -> None:
    bot = crm
    clock.set("2026-11-23T10:00:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    await bot.say("lily", "新建任务 登录页 @bob 周三前", chat="crm-group")
    await bot.say("lily", "新建任务 导出 @alice 下周二前", chat="crm-group")
    await bot.say("bob", "CRM-1 完成", chat="crm-group")
    await bot.say("alice", "CRM-2 4小时 今天", chat="crm-group")
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at, decided_at) VALUES (1, 2, 'scope', '加导出字段', '', '{}', '{}', "
                   "'approved', '2026-11-23 02:00:00+00', '2026-11-24 02:00:00+00')")
    await bot._delivered()
    assert await run_job(bot, clock, reports.weekly, "2026-11-26T16:00:00") == []  # Thursday
    out = await run_job(bot, clock, reports.weekly, "2026-11-27T16:00:00")  # Friday
    assert [o["chat"] for o in out] == ["crm-group"]
    text = str(out[0]["text"])
    assert text.startswith("# CRM 客户关系系统 周报（2026-11-23 至 2026-11-27）")
    assert "## 本周完成（1）\n- CRM-1 登录页" in text
    assert "- CRM-2 导出 (2026-12-01)" in text
    assert "- alice: 4h" in text and "- #1 加导出字段" in text
    assert await run_job(bot, clock, reports.weekly, "2026-11-27T16:30:00") == []  # once
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "report", "weekly", "--project", "CRM", "--now", "2026-11-27T16:00:00",
        "--db", db_url, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    stdout, stderr = await cli.communicate()
    assert cli.returncode == 0, stderr.decode()
    assert stdout.decode().strip() == text


async def test_a_holiday_friday_moves_the_report_to_thursday(crm: ChatHarness, clock: Clock) -> None:
    assert "CRM" in await crm.text("lily", "bind this chat to CRM", chat="crm-group")
    await sql(crm, "INSERT INTO calendar_days (day, kind, name, created_at) "
                   "VALUES ('2026-11-27', 'holiday', 'x', '2026-11-01 00:00:00+00')")
    assert len(await run_job(crm, clock, reports.weekly, "2026-11-26T16:00:00")) == 1
