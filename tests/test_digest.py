"""Daily digests per role, with a real chart: a PNG carrying the plotted series, Chinese labels in a CJK font."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import warnings
from typing import Any

import pytest
from sqlalchemy import select

from jobs import charts, digest
from jobs.context import JobContext
from storage.models import OutboxMessage
from tests.conftest import ChatHarness, Clock
from tests.jobs_helpers import sql


async def _rows(bot: ChatHarness) -> list[Any]:
    async with bot.app.db.unit_of_work() as session:
        return list((await session.scalars(select(OutboxMessage).where(OutboxMessage.user.is_not(None))
                                           .order_by(OutboxMessage.id))).all())


async def _seed(bot: ChatHarness, clock: Clock) -> None:
    clock.set("2026-11-20T10:00:00")
    assert "pat" in await bot.text("lily", "add @pat to CRM as pm")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    for title in ("登录页", "导出", "报表", "接口"):
        await bot.say("pat", f"新建任务 {title} @bob 下周五前 预计8小时", chat="crm-group")
    clock.set("2026-11-24T10:00:00")
    await bot.say("bob", "CRM-1 完成", chat="crm-group")
    await sql(bot, "INSERT INTO milestones (project_id, name, due_date, status, created_at) "
                   "VALUES (1, '上线', '2026-12-10', 'open', '2026-11-01 00:00:00+00')")
    await sql(bot, "UPDATE tasks SET milestone_id = 1")
    await sql(bot, "INSERT INTO change_requests (project_id, requester_id, change_type, summary, reason, details, "
                   "impact, status, created_at) VALUES (1, 2, 'schedule', '延期导出', '', '{}', '{}', 'pending', "
                   "'2026-11-25 02:00:00+00')")
    await sql(bot, "INSERT INTO approval_steps (change_request_id, seq, role, status, started_at, reason) VALUES "
                   "(1, 1, 'pm', 'pending', '2026-11-25 02:00:00+00', ''), (1, 2, 'sponsor', 'pending', NULL, '')")
    clock.set("2026-11-25T10:00:00")
    await bot.say("bob", "CRM-2 3小时 今天", chat="crm-group")
    await bot._delivered()


async def _run(bot: ChatHarness, clock: Clock, iso: str) -> list[Any]:
    clock.set(iso)
    before = len(await _rows(bot))
    await digest.daily(JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings))
    return (await _rows(bot))[before:]


async def test_digests_per_role_with_charts_once(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    await _seed(bot, clock)
    assert await _run(bot, clock, "2026-11-25T17:59:00") == []
    rows = await _run(bot, clock, "2026-11-25T18:00:00")
    by_user: dict[str, list[Any]] = {}
    for r in rows:
        by_user.setdefault(r.user, []).append(r)
    assert sorted(by_user) == ["lily", "pat", "sam"]  # the PMO, the PM and the sponsor; members get none
    pm_text = by_user["pat"][0].payload["text"]
    assert "等你审批的变更 1 项" in pm_text and "延期导出" in pm_text  # approvals first
    assert pm_text.index("延期导出") < pm_text.index("【CRM")
    assert "延期导出" not in by_user["sam"][0].payload["text"]  # the sponsor's step has not started
    assert "今日 3h / 计划" in pm_text and "新建任务 0，更新 0，工时记录 1" in pm_text
    assert [r.kind for r in by_user["pat"]] == ["message", "image"]
    png = base64.b64decode(by_user["pat"][1].payload["image"]["data"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    series = charts.series_of(png)
    assert series["kind"] == "timeline" and series["milestones"] == [["上线", "2026-12-10", 25]]
    pmo_text = by_user["lily"][0].payload["text"]
    assert "项目组合日报" in pmo_text and "CRM" in pmo_text and "完成率 25%" in pmo_text
    pmo_series = charts.series_of(base64.b64decode(by_user["lily"][1].payload["image"]["data"]))
    assert pmo_series == {"kind": "portfolio", "projects": [["CRM", 25, "green"]]}
    assert await _run(bot, clock, "2026-11-25T18:30:00") == []  # once per day
    assert await _run(bot, clock, "2026-11-28T18:00:00") == []  # Saturday: no digest


async def test_agile_projects_get_a_burndown(crm: ChatHarness, clock: Clock) -> None:
    bot = crm
    await _seed(bot, clock)
    await sql(bot, "UPDATE projects SET methodology = 'agile'")
    rows = await _run(bot, clock, "2026-11-25T18:00:00")
    image = next(r for r in rows if r.user == "pat" and r.kind == "image")
    series = charts.series_of(base64.b64decode(image.payload["image"]["data"]))
    assert series["kind"] == "burndown" and len(series["days"]) == 14
    assert series["days"][-1] == "2026-11-25"
    # created on 11-20 (4 tasks), one done on 11-24 (UTC days)
    assert series["remaining"][-6:] == [4, 4, 4, 4, 3, 3]
    assert series["ideal"][0] == series["remaining"][0]


def test_chinese_labels_render_with_a_cjk_font(caplog: pytest.LogCaptureFixture) -> None:
    """An installed CJK font, or the subset the project ships (jobs/fonts/): never boxes, on any machine."""
    assert charts.cjk_font() is not None, "no CJK font and jobs/fonts/ is missing its subset"
    days = [dt.date(2026, 11, 20) + dt.timedelta(days=i) for i in range(3)]
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        png = charts.burndown("客户关系系统 燃尽图", days, [3, 2, 1],
                              labels={"actual": "实际", "ideal": "理想", "y": "未完成任务"})
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    missing += [r.getMessage() for r in caplog.records if "missing from" in r.getMessage()]
    assert missing == [], missing
    assert charts.series_of(png)["remaining"] == [3, 2, 1]


def test_the_bundled_font_draws_every_chart_label_and_common_hanzi(caplog: pytest.LogCaptureFixture,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The subset matplotlib falls back to covers the catalogue's Chinese, GB2312 and common traditional hanzi;
    a chart drawn with it alone (no installed font) warns of no missing glyph."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    from bot.core.i18n import CATALOGUE
    from jobs import cjkfont

    covered = set(TTFont(cjkfont.FONT)["cmap"].getBestCmap())
    labels = {ord(c) for key, entry in CATALOGUE.items() if key.startswith(("digest.chart_", "digest.axis_"))
              for c in entry["zh"]}
    assert labels - covered == set()
    gb2312 = {ord(bytes([hi, lo]).decode("gb2312")) for hi in range(0xB0, 0xF8) for lo in range(0xA1, 0xFF)
              if (hi, lo) not in {(0xD7, 0xFA), (0xD7, 0xFB), (0xD7, 0xFC), (0xD7, 0xFD), (0xD7, 0xFE)}}
    assert len(gb2312) == 6763 and gb2312 <= covered  # every hanzi of GB2312
    assert {ord(c) for c in "项目里程碑燃尽图客户關係系統開發測試上線驗收"} <= covered
    font_manager.fontManager.addfont(str(cjkfont.FONT))
    monkeypatch.setattr(charts, "matplotlib_family", lambda: [cjkfont.FAMILY, "DejaVu Sans"])
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        png = charts.timeline("客户关系系统 里程碑", [("需求评审", dt.date(2026, 11, 20), 100),
                                               ("上線驗收", dt.date(2026, 12, 20), 40)],
                              dt.date(2026, 12, 1), labels={"today": "今天"})
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    missing += [r.getMessage() for r in caplog.records if "missing from" in r.getMessage()]
    assert missing == [], missing
    assert charts.series_of(png)["milestones"][1][0] == "上線驗收"
