"""One fixture project with hand-computed metrics, read through the status card, the digest, the weekly report
and the export (JSON, CSV, .xlsx): all agree (docs/metrics.md)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from sqlalchemy import select

from bot.domain import metrics as formulas
from handlers import export
from jobs import digest, reports
from jobs.context import JobContext
from storage.models import OutboxMessage
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import sql

# Wednesday 2026-11-25 18:00 in Shanghai: the status card, the digest, the report and the export all read now.
NOW = "2026-11-25T18:00:00"


async def _seed(bot: ChatHarness, clock: Clock) -> None:
    """Seven tasks (ids 1..7; people: lily 1, bob 2, alice 3, vic 4, val 5, sam 6)."""
    clock.set("2026-11-20T10:00:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    for title in ("登录", "导出", "接口", "报表", "迁移", "文档", "上线"):
        await bot.say("lily", f"新建任务 {title} @bob", chat="crm-group")
    await bot._delivered()
    created = "'2026-11-20 02:00:00+00'"
    await sql(bot, f"UPDATE tasks SET created_at = {created}, due_date = NULL, due_time = NULL")
    # Two done: 4.0 and 5.0 days from creation (cycle 4.5 d); estimates 8 + 4 = 12 h, logged 10 + 4 = 14 h.
    await sql(bot, "UPDATE tasks SET status = 'done', progress = 100, estimate_hours = 8, "
                   "done_at = '2026-11-24 02:00:00+00' WHERE seq = 1")
    await sql(bot, "UPDATE tasks SET status = 'done', progress = 100, estimate_hours = 4, "
                   "done_at = '2026-11-25 02:00:00+00' WHERE seq = 2")
    await sql(bot, "UPDATE tasks SET due_date = '2026-11-25', due_time = '09:00:00' WHERE seq = 3")  # overdue: 09:00
    await sql(bot, "UPDATE tasks SET due_date = '2026-11-25', due_time = '18:30:00' WHERE seq = 4")  # not yet
    await sql(bot, "UPDATE tasks SET due_date = '2026-11-24' WHERE seq = 5")  # overdue: yesterday
    await sql(bot, "UPDATE tasks SET due_date = '2026-12-10' WHERE seq = 7")  # seq 6: no due date
    for task, day, hours in ((1, "2026-11-23", 6), (1, "2026-11-24", 4), (2, "2026-11-24", 4), (7, "2026-11-25", 3)):
        await sql(bot, "INSERT INTO work_logs (task_id, person_id, work_date, hours, note, created_at) "
                       f"VALUES ({task}, 2, '{day}', {hours}, '', '2026-11-25 03:00:00+00')")
    # Standups of the last 7 days: 4 prompts, 3 answered (75%).
    for person, answered in ((2, "'2026-11-25 01:40:00+00'"), (3, "'2026-11-25 01:45:00+00'"),
                             (4, "NULL"), (1, "'2026-11-24 01:50:00+00'")):
        day = "2026-11-24" if person == 1 else "2026-11-25"
        await sql(bot, "INSERT INTO standup_entries (project_id, person_id, day, asked_at, answered_at, blockers) "
                       f"VALUES (1, {person}, '{day}', '{day} 01:30:00+00', {answered}, '{{}}')")
    # One open risk alert, one resolved.
    for rule, resolved in (("overdue", "NULL"), ("blocked", "'2026-11-25 02:00:00+00'")):
        await sql(bot, "INSERT INTO risks (project_id, rule, entity, raised_on, raised_at, resolved_at, detail) "
                       f"VALUES (1, '{rule}', 'task:5', '2026-11-25', '2026-11-25 01:00:00+00', {resolved}, "
                       "'{\"params\": {\"task\": \"CRM-5\", \"title\": \"迁移\", \"due\": \"2026-11-24\"}, "
                       "\"owners\": [2]}')")
    # One request decided: submitted Tue 11:10, approved Wed 09:30 — 0:50 + 5:00 + 0:30 = 6.3 working hours.
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at, decided_at) VALUES (1, 2, 'schedule', '延期报表', '', '{}', '{}', "
                   "'approved', '2026-11-24 03:00:00+00', '2026-11-25 01:30:00+00')")
    await sql(bot, "INSERT INTO approval_steps (change_request_id, seq, role, status, started_at, decided_at, "
                   "reason) VALUES (1, 1, 'pm', 'approved', '2026-11-24 03:10:00+00', '2026-11-25 01:30:00+00', '')")


# Hand-computed: done 2 of 7 = 28.57 → 29% (flooring said 28%); open dated tasks 3, 4, 5, 7, of which 3 and 5
# overdue → 50%; effort (14 − 12) / 12 = +16.7 → +17%; cycle (4 + 5) / 2 = 4.5 d; standup 3 / 4 = 75%;
# at risk 1; approval lead 6.3 h.
EXPECTED = {"completion_pct": 29, "delay_pct": 50, "effort_deviation_pct": 17, "cycle_time_days": 4.5,
            "standup_participation_pct": 75, "overdue": 2, "at_risk": 1, "approval_lead_time_hours": 6.3}
SHOWN = {"completion": "29%", "delay": "50%", "effort": "+17%", "cycle": "4.5d", "standup": "75%", "overdue": "2",
         "at_risk": "1", "lead": "6.3h"}
LABELS = {"completion": "完成率", "delay": "延期率", "effort": "工时偏差", "cycle": "平均周期", "standup": "站会参与率",
          "overdue": "逾期任务", "at_risk": "未解除风险", "lead": "审批时长"}


async def _digests(bot: ChatHarness, clock: Clock) -> dict[str, str]:
    clock.set(NOW)
    await digest.daily(JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings))
    async with bot.app.db.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.user.is_not(None),
                                                                  OutboxMessage.kind == "message"))).all()
    return {str(r.user): str(r.payload["text"]) for r in rows if "digest" in str(r.payload.get("job"))}


async def test_status_card_digest_weekly_report_and_export_agree(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    await _seed(bot, clock)

    clock.set(NOW)
    replies = await bot.say("bob", "CRM 项目状态", chat="crm-group")
    card = {f["label"]: f["value"] for f in replies[0]["card"]["fields"]}
    assert card["逾期"] == "2" and card["完成率"] == "29%"
    for name in ("delay", "effort", "cycle", "standup", "at_risk", "lead"):
        assert card[LABELS[name]] == SHOWN[name], name

    texts = await _digests(bot, clock)
    sponsor = texts["sam"]  # the sponsor's project digest
    assert ("完成率 29%，延期率 50%，工时偏差 +17%，平均周期 4.5d，站会参与 75%，审批时长 6.3h") in sponsor
    assert "🔴 红：50% 的任务逾期" in sponsor and "逾期 2" in sponsor and "未解除 1" in sponsor
    assert "完成率 29%，延期率 50%，工时偏差 +17%，站会参与 75%" in texts["lily"]  # the PMO's portfolio line

    report = await _report(bot, clock)
    for name, value in SHOWN.items():
        assert f"- {LABELS[name]}: {value}" in report, name

    data = await _export(bot, clock)
    assert {k: data["summary"][k] for k in EXPECTED} == EXPECTED


async def _report(bot: ChatHarness, clock: Clock) -> str:
    clock.set(NOW)
    ctx = JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings)
    async with bot.app.db.unit_of_work() as session:
        text = await reports.weekly_markdown(session, ctx, "CRM")
    assert text is not None
    return text


async def _export(bot: ChatHarness, clock: Clock) -> dict[str, Any]:
    clock.set(NOW)
    async with bot.app.db.unit_of_work() as session:
        return await export.export_project(session, "CRM", now=clock(),
                                           hours=bot.app.config.settings.working_hours)


async def test_xlsx_sheets_match_the_json_export_and_csv_opens_in_excel(crm: ChatHarness, clock: Clock) -> None:
    from openpyxl import load_workbook

    bot = crm
    await _seed(bot, clock)
    await sql(bot, "INSERT INTO task_assignees (task_id, person_id) SELECT 7, 3 WHERE NOT EXISTS "
                   "(SELECT 1 FROM task_assignees WHERE task_id = 7 AND person_id = 3)")
    await sql(bot, "INSERT INTO leaves (person_id, start_date, end_date, note, created_at) "
                   "VALUES (3, '2026-11-26', '2026-11-27', '年假', '2026-11-25 02:00:00+00')")
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at) VALUES (1, 3, 'scope', '草稿：加导出', '', '{}', '{}', 'draft', "
                   "'2026-11-25 04:00:00+00')")
    await sql(bot, "UPDATE tasks SET title = '=HYPERLINK(\"http://x\")' WHERE seq = 6")  # text, not a formula
    data = await _export(bot, clock)
    await sql(bot, "UPDATE people SET display_name = '张三' WHERE id = 3")  # alice's name; her id stays "alice"
    data = await _export(bot, clock)
    assert [t["assignees"] for t in data["tasks"]][6] == ["bob", "alice"]
    assert [t["assignee_names"] for t in data["tasks"]][6] == ["bob", "张三"]
    assert data["leave"] == [{"user": "alice", "start_date": "2026-11-26", "end_date": "2026-11-27", "note": "年假",
                              "created_at": "2026-11-25T02:00:00+00:00"}]
    assert [c["status"] for c in data["change_requests"]] == ["approved", "draft"]  # drafts are exported
    assert len(data["standups"]) == 4 and data["baselines"] == []
    assert {t["due_date"] for t in data["tasks"]} == {None, "2026-11-24", "2026-11-25", "2026-12-10"}
    assert [t["due_time"] for t in data["tasks"]][2:4] == ["09:00", "18:30"]
    assert all(t["created_at"] == "2026-11-20T02:00:00+00:00" for t in data["tasks"])  # one format per column

    csv_text = export.to_csv(data, "tasks")
    assert csv_text.startswith("\ufeffkey,title,status,priority,due_date,due_time,assignees,")
    assert "bob、张三" in csv_text and '["bob"' not in csv_text  # a readable list, not a JSON array
    assert export.to_csv(data, "summary").splitlines()[2] == "completion_pct,完成率,29"
    # a title that a spreadsheet would run is marked as text in the CSV too (CSV injection)
    assert '"\'=HYPERLINK(""http://x"")"' in csv_text and ',=HYPERLINK' not in csv_text
    assert [export.csv_text(v) for v in ("+1", "-x", "@SUM(A1)", "ok", -3, 2.5)] == ["'+1", "'-x", "'@SUM(A1)", "ok",
                                                                                      -3, 2.5]

    book = load_workbook(io.BytesIO(export.to_xlsx(data)))
    assert book.sheetnames == ["summary", *export.TABLES]
    for table in export.TABLES:
        got = [list(r) for r in book[table].iter_rows(values_only=True)]
        want = [[None if v == "" else v for v in row] for row in export.rows(data, table)]
        assert got == want, table
    assert book["tasks"]["B7"].data_type == "s" and book["tasks"]["B7"].value == '=HYPERLINK("http://x")'
    summary = {r[0]: r[2] for r in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert {k: summary[k] for k in EXPECTED} == EXPECTED


def test_overdue_respects_the_due_time_in_the_project_timezone() -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2026, 11, 25, 18, 0, tzinfo=shanghai)
    day = dt.date(2026, 11, 25)
    assert formulas.is_overdue("todo", day, dt.time(17, 59), at)
    assert not formulas.is_overdue("todo", day, dt.time(18, 0), at)
    assert not formulas.is_overdue("todo", day, None, at)  # due "today": overdue from tomorrow
    assert formulas.is_overdue("in_progress", day - dt.timedelta(days=1), None, at)
    assert not formulas.is_overdue("done", day - dt.timedelta(days=1), None, at)
    assert formulas.pct(1, 8) == 13 and formulas.pct(2, 7) == 29 and formulas.pct(1, 3) == 33
    assert formulas.pct(0, 0) is None
