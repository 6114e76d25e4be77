"""Risk alerts: each rule raises once, is resolved (and said so) when it clears, in one threaded message."""

from __future__ import annotations

from jobs import risks
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import run_job, sql

TASKS = [  # title, assignee
    ("登录页", "bob"), ("导出", "alice"), ("接口", "bob"), ("报表", "alice"), ("迁移", "vic"), ("联调", "alice"),
]


async def _seed(bot: ChatHarness, clock: Clock) -> None:
    clock.set("2026-11-19T10:00:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    for title, who in TASKS:
        await bot.say("lily", f"新建任务 {title} @{who}", chat="crm-group")
    await bot._delivered()
    await sql(bot, "UPDATE tasks SET due_date = '2026-11-24' WHERE seq = 1")  # overdue
    await sql(bot, "UPDATE tasks SET due_date = '2026-11-26' WHERE seq = 2")  # due tomorrow, not started
    await sql(bot, "UPDATE tasks SET status = 'blocked', updated_at = '2026-11-20 02:00:00+00' WHERE seq = 3")
    await sql(bot, "UPDATE tasks SET estimate_hours = 10, status = 'in_progress', updated_at = '2026-11-25 01:00:00+00'"
                   " WHERE seq = 4")
    await sql(bot, "INSERT INTO milestones (project_id, name, due_date, status, created_at) "
                   "VALUES (1, 'UAT', '2026-11-27', 'open', '2026-11-01 00:00:00+00')")
    await sql(bot, "UPDATE tasks SET milestone_id = 1, estimate_hours = 40 WHERE seq = 5")
    await sql(bot, "UPDATE tasks SET status = 'in_progress', updated_at = '2026-11-18 02:00:00+00' WHERE seq = 6")
    for seq, day, hours in ((4, "2026-11-24", 8), (4, "2026-11-25", 5), (6, "2026-11-20", 2)):
        await sql(bot, f"INSERT INTO work_logs (task_id, person_id, work_date, hours, note, created_at) "
                       f"SELECT {seq}, 3, '{day}', {hours}, '', '2026-11-25 01:00:00+00'")
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at) VALUES (1, 2, 'schedule', '延期登录页', '', '{}', '{}', 'pending', "
                   "'2026-11-20 02:00:00+00')")
    await sql(bot, "INSERT INTO approval_steps (change_request_id, seq, role, status, started_at, reason) "
                   "VALUES (1, 1, 'pm', 'pending', '2026-11-20 01:00:00+00', '')")  # Friday 09:00


async def test_each_rule_raises_once_and_resolves_once(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    await _seed(bot, clock)
    out = await run_job(bot, clock, risks.scan, "2026-11-25T10:00:00")
    assert [o["chat"] for o in out] == ["crm-group"]  # one message for the project
    text = str(out[0]["text"])
    assert "新增 7 项" in text
    for expected in ("CRM-1 登录页 已逾期（截止 2026-11-24） @bob", "CRM-2 导出 将于 2026-11-26 到期，进度仅 0% @alice",
                     "CRM-3 接口 已受阻 3 个工作日 @bob", "CRM-4 报表 工时超支：已记 13h / 预计 10h（130%） @alice",
                     "里程碑「UAT」（2026-11-27）可能延期：剩余 40h，可用 24h @lily",
                     "变更申请 CR-1「延期登录页」等待审批已 25 个工作小时（时限 24 小时） @lily",
                     "CRM-6 联调 进行中，但 3 个工作日没有记工时 @alice"):
        assert expected in text, expected
    assert await run_job(bot, clock, risks.scan, "2026-11-25T10:15:00") == []  # nothing new: silence

    # Everything clears.
    await sql(bot, "UPDATE tasks SET status = 'done', progress = 100 WHERE seq = 1")
    await sql(bot, "UPDATE tasks SET progress = 60, status = 'in_progress' WHERE seq = 2")
    await sql(bot, "UPDATE tasks SET status = 'todo' WHERE seq = 3")
    await sql(bot, "UPDATE change_requests SET status = 'approved'")
    await sql(bot, "UPDATE tasks SET progress = 90 WHERE seq = 5")
    await sql(bot, "INSERT INTO work_logs (task_id, person_id, work_date, hours, note, created_at) "
                   "VALUES (6, 3, '2026-11-25', 1, '', '2026-11-25 02:00:00+00')")
    assert "overrun_pct" in str(await _set(bot, "risks.overrun_pct=150"))
    out = await run_job(bot, clock, risks.scan, "2026-11-25T10:30:00")
    assert len(out) == 1 and "解除 7 项" in str(out[0]["text"]) and str(out[0]["text"]).count("✅ 已解除") == 7
    first, second = await _outbox_threads(bot)
    assert second == first  # the resolution replies in the thread of the morning's alert
    assert await run_job(bot, clock, risks.scan, "2026-11-25T10:45:00") == []

    # The same risk again on the same day is not raised twice; the next working day it is.
    await sql(bot, "UPDATE tasks SET status = 'todo', progress = 0 WHERE seq = 1")
    assert await run_job(bot, clock, risks.scan, "2026-11-25T11:00:00") == []
    out = await run_job(bot, clock, risks.scan, "2026-11-26T10:00:00")
    assert "CRM-1 登录页 已逾期" in str(out[0]["text"])


async def test_no_scan_outside_working_hours_or_on_holidays(crm: ChatHarness, clock: Clock) -> None:
    await _seed(crm, clock)
    assert await run_job(crm, clock, risks.scan, "2026-11-25T20:00:00") == []
    assert await run_job(crm, clock, risks.scan, "2026-11-28T10:00:00") == []  # Saturday
    assert await crm.scalar("SELECT count(*) FROM risks") == 0


async def _set(bot: ChatHarness, assignment: str) -> object:
    from jobs import config
    from storage import jobruns

    async with bot.app.db.unit_of_work() as session:
        stored = config.apply_assignment({}, assignment)
        await jobruns.save_project_settings(session, 1, stored, now=bot.app.clock())
    return stored


async def _outbox_threads(bot: ChatHarness) -> tuple[object, object]:
    from sqlalchemy import text

    async with bot.app.db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT sent_ref, thread FROM outbox WHERE chat = 'crm-group' AND CAST(payload AS TEXT) LIKE '%risks.scan%' "
                                        "ORDER BY id"))).all()
    return rows[0][0], rows[1][1]
