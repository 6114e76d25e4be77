"""Contract risks, the digests' contracts section and the weekly report's, and audit retention (issue 15)."""

from __future__ import annotations

import datetime as dt

from jobs import digest, housekeeping, reports, risks
from jobs.context import JobContext
from tests.conftest import ChatHarness, Clock
from tests.contracts_helpers import deal
from tests.jobs_helpers import run_job, sql

__all__ = ["deal"]  # the fixture


async def _seed(bot: ChatHarness, clock: Clock) -> None:
    """On Mon 11-16 vic submits HT-1's 初验 (by Wed 11-25 10:00 it has waited 56 office hours, past the 48-hour
    SLA); on Thu 11-19 vic reports CRM-1 done; HT-2 passed 初验 (trial run to 12-01) and has a payment bigger
    than the contract; HT-1's 初验款 was planned for 11-20."""
    clock.set("2026-11-16T10:00:00")
    assert "CRM" in await bot.text("lily", "bind this chat to CRM", chat="crm-group")
    await bot.say("vic", "提交初验 HT-1，交付物：部署手册")
    clock.set("2026-11-19T10:00:00")
    await bot.say("vic", "新建任务 接口开发")
    await bot.say("vic", "CRM-1 完成")
    await sql(bot, "UPDATE payment_milestones SET planned_on = '2026-11-20' WHERE name = '初验款'")
    await sql(bot, "INSERT INTO acceptances (project_id, contract_id, stage, status, submitted_by, rounds, trial_end, "
                   "created_at) VALUES (1, 2, 'initial', 'passed', 7, 1, '2026-12-01', '2026-09-01 00:00:00+00')")
    await sql(bot, "INSERT INTO payment_milestones (contract_id, seq, name, amount, after, after_date, paid_amount, "
                   "created_at) VALUES (2, 1, '进度款', 400000, 'date', '2026-11-01', 0, '2026-11-01 00:00:00+00')")
    await bot._delivered()


async def test_each_contract_rule_raises_and_clears(deal: ChatHarness, clock: Clock) -> None:
    await _seed(deal, clock)
    out = await run_job(deal, clock, risks.scan, "2026-11-25T10:00:00")
    text = "\n".join(str(o["text"]) for o in out if o["chat"] == "crm-group")
    for expected in ("HT-1 初验款 计划 2026-11-20 付款，但初验尚未签署",
                     "YS-1 HT-1 初验 等待业务负责人签署已",
                     "HT-2 试运行 2026-12-01 结束（还有 4 个工作日）",
                     "HT-2 已付 + 可付 400,000 超过合同额 300,000 CNY",
                     "CRM-1 供应商报完成 6 天仍未确认"):
        assert expected in text, expected
    assert await run_job(deal, clock, risks.scan, "2026-11-25T10:15:00") == []  # raised once

    await deal.click("sam", "verify:ok:CRM-1")
    await deal.click("sam", "acc:pass:1")
    await deal._delivered()
    out = await run_job(deal, clock, risks.scan, "2026-11-25T10:30:00")
    text = "\n".join(str(o["text"]) for o in out)
    assert "CRM-1 供应商报完成" in text and "已解除" in text
    # a project's own threshold: a trial run counts only within 2 working days
    async with deal.app.db.unit_of_work() as session:
        from storage import jobruns

        await jobruns.save_project_settings(session, 1, {"risks": {"trial_ending_workdays": 2}}, now=clock())
    out = await run_job(deal, clock, risks.scan, "2026-11-25T10:45:00")
    assert "HT-2 试运行" in "\n".join(str(o["text"]) for o in out)  # cleared


async def test_digests_and_the_weekly_report_have_a_contracts_section(deal: ChatHarness, clock: Clock) -> None:
    await _seed(deal, clock)
    clock.set("2026-11-25T18:00:00")
    await digest.daily(JobContext(db=deal.app.db, now=clock(), settings=deal.app.config.settings))
    sent = {r["user"]: r["text"] for r in await deal._delivered() if r["text"]}
    pmo, sponsor = sent["lily"], sent["sam"]
    assert "合同（2）" in pmo and "- HT-1 东软：已付 0 / 可付 360,000 / 待付 840,000；下一笔：预付款（可付）" in pmo
    assert "合同总额 1,500,000，已付 0，可付 760,000" in pmo  # 预付款 360,000 + HT-2's 进度款 400,000
    assert "供应商评分" in pmo and "- 东软：" in pmo and "平均验收轮次 1.0" in pmo
    assert "完成率：报告 100%，已确认 0%" in pmo  # vendor-reported work counted apart from verified work
    assert "合同（2）" in sponsor and "供应商评分" not in sponsor
    assert "vic" not in sent  # vendors get no internal digest
    async with deal.app.db.unit_of_work() as session:
        md = await reports.weekly_markdown(session, JobContext(db=deal.app.db, now=clock(),
                                                               settings=deal.app.config.settings), "CRM")
    assert md is not None and "## 合同（2）" in md and "- HT-2 华为" in md


async def test_housekeeping_never_trims_the_audit_trail(deal: ChatHarness, clock: Clock) -> None:
    before = await deal.scalar("select count(*) from audit_log")
    assert before >= 10
    await housekeeping.purge(deal.app.db, clock() + dt.timedelta(days=800))
    assert await deal.scalar("select count(*) from audit_log") == before


async def test_the_end_of_a_trial_run_sends_its_payable_cards_once(deal: ChatHarness, clock: Clock) -> None:
    """HT-1 passed 初验 with a trial run to Wed 11-25: that day's risk scan releases 试运行款 and tells finance
    (fay) and the PMO, once, even when two replicas scan at the same moment."""
    import asyncio

    await sql(deal, "INSERT INTO acceptances (project_id, contract_id, stage, status, submitted_by, rounds, trial_end, "
                    "created_at) VALUES (1, 1, 'initial', 'passed', 7, 1, '2026-11-25', '2026-09-01 00:00:00+00')")
    early = await run_job(deal, clock, risks.scan, "2026-11-24T10:00:00")  # the trial run is still on
    assert early and not any(o["card"] and "可付款" in o["card"]["title"] for o in early)
    clock.set("2026-11-25T10:00:00")
    settings = deal.app.config.settings
    await asyncio.gather(*(risks.scan(JobContext(db=deal.app.db, now=clock(), settings=settings)) for _ in range(2)))
    out = await deal._delivered()
    cards = [o for o in out if o["card"] and "试运行款" in o["card"]["title"]]
    assert sorted(o["user"] for o in cards) == ["fay", "lily"]  # finance and the PMO, each once
    to_fay = next(o for o in cards if o["user"] == "fay")
    assert "240,000 CNY" in str(to_fay) and "YS-1 试运行" in str(to_fay)
    assert await deal.scalar("select count(*) from payment_milestones where payable_at is not null") == 1
    again = await run_job(deal, clock, risks.scan, "2026-11-25T10:15:00")
    assert not any(o["card"] and "可付款" in o["card"]["title"] for o in again)  # sent once
    assert "试运行款 240,000 CNY（试运行后） — 可付" in await deal.text("fay", "HT-1 付款计划")
    actions = [a["action"] for a in (await deal.export("CRM"))["audit"] if a["entity"] == "contract:HT-1"]
    assert actions.count("payment.payable") == 1
