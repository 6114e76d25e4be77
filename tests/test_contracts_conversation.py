"""Transcripts: contracts, payment plans, acceptance rounds and payments, on SQLite and PostgreSQL (issue 15)."""

from __future__ import annotations

import asyncio
import json

from bot.core.events import CardAction, UserRef
from tests.conftest import ChatHarness, Clock
from tests.contracts_helpers import deal, fields

__all__ = ["deal"]  # the fixture


async def test_contracts_and_payment_plans_are_read_by_who_may(deal: ChatHarness) -> None:
    listed = await deal.text("lily", "CRM 合同")
    assert "HT-1 东软 1,200,000 CNY" in listed and "HT-2 华为" in listed
    assert "已付 0，可付 360,000，待付 840,000" in listed  # the advance is due on signing
    vic = await deal.text("vic", "contracts on CRM")
    assert "HT-1" in vic and "HT-2" not in vic and "华为" not in vic
    assert "No contract HT-1" in await deal.text("wen", "payment plan HT-1")  # another vendor's: not even a hint
    assert "HT-2" in await deal.text("wen", "CRM 合同") and "HT-1" not in await deal.text("wen", "CRM 合同")
    assert "只有" in await deal.text("bob", "CRM 合同")  # a member is not a reader
    plan = await deal.text("fay", "HT-1 付款计划")
    assert "初验款 480,000 CNY（初验后） 计划 2026-12-20 — 未到付款条件（初验尚未签署通过）" in plan
    assert "预付款 360,000 CNY（签约后） — 可付" in plan


async def test_finance_is_refused_paying_early_or_too_much(deal: ChatHarness) -> None:
    refused = await deal.text("fay", "HT-1 初验款 已付款 2026-12-20")
    assert "还不能付" in refused and "初验尚未签署通过" in refused
    # the payment's name is Chinese, so the answer is too
    assert "还不能付" in await deal.text("fay", "HT-1 mark 初验款 paid 480000 on 2026-12-20")
    assert await deal.scalar("select sum(paid_amount) from payment_milestones") == 0
    assert "只有财务" in await deal.text("sam", "HT-1 mark 预付款 paid 1000")
    assert "不能再付" in await deal.text("fay", "HT-1 mark 预付款 paid 400000 on 2026-11-25")
    assert "已登记" in await deal.text("fay", "HT-1 预付款 已付款 2026-11-25 30万")
    assert "60,000" in await deal.text("fay", "HT-1 预付款 已付款 2026-11-25")  # the rest
    assert "已全额付清" in await deal.text("fay", "HT-1 mark 预付款 paid 1")
    assert await deal.scalar("select paid_amount from payment_milestones where name = '预付款'") == 360000
    actions = [a["action"] for a in (await deal.export("CRM"))["audit"] if a["entity"] == "contract:HT-1"]
    assert actions.count("payment.recorded") == 2 and actions.count("payment.added") == 4


async def test_a_failed_initial_acceptance_is_fixed_and_passes_on_resubmission(deal: ChatHarness) -> None:
    assert "交付物" in await deal.text("vic", "提交初验 CRM")  # deliverables are required
    replies = await deal.say("vic", "提交初验 CRM，交付物：部署手册 https://docs.example.cn/deploy；测试报告")
    assert "YS-1" in replies[0]["card"]["title"] and "sam" in replies[0]["text"]
    assert fields(replies[0])["签署"] == "业务负责人 ⏳ → 监理 ⏳ → PMO ⏳"
    assert "https://docs.example.cn/deploy" in fields(replies[0])["交付物"]
    to_sam = [r for r in replies if r["user"] == "sam"]
    assert to_sam and [b["id"] for b in to_sam[0]["card"]["buttons"]] == ["acc:pass:1", "acc:fail:1"]

    assert "提交人不能签署" in (await deal.click("vic", "acc:pass:1"))[0]["text"]  # never signs their own
    assert "不是你" in (await deal.click("sue", "acc:pass:1"))[0]["text"]  # not sue's step yet
    assert "找不到验收 YS-1" in (await deal.click("wen", "acc:pass:1"))[0]["text"]  # another vendor's
    asked = await deal.click("sam", "acc:fail:1")
    assert "下一条消息" in asked[0]["text"]
    assert await deal.scalar("select status from acceptance_signoffs where id = 1") == "pending"
    failed = await deal.say("sam", "登录页响应慢；报表缺少导出字段")
    assert any(r["user"] == "vic" and "1. 登录页响应慢" in r["text"] and "2. 报表缺少导出字段" in r["text"]
               for r in failed)
    updated = [r for r in failed if r["card"] and r["card"]["title"].startswith("YS-1")]
    assert {r["user"] for r in updated} >= {"vic", "sam"}
    assert all([x["id"] for x in r["card"]["buttons"]] == ["acc:resubmit:1"] for r in updated)  # decided; resubmit
    assert "供应商" in (await deal.click("sam", "acc:resubmit:1"))[0]["text"]  # the client does not submit
    assert "提交初验 HT-1，交付物：" in (await deal.click("vic", "acc:resubmit:1"))[0]["text"]  # console: what to send
    assert await deal.scalar("select status from acceptances where id = 1") == "failed"

    again = await deal.say("vic", "提交初验 CRM，交付物：部署手册 v2 https://docs.example.cn/deploy2；整改报告")
    assert "第 2 轮" in again[0]["text"]
    await deal.click("sam", "acc:pass:1")
    await deal.click("sue", "acc:pass:1")
    passed = await deal.click("lily", "acc:pass:1")
    assert any("已通过" in r["text"] or "passed" in r["text"] for r in passed)
    assert await deal.scalar("select trial_end from acceptances where id = 1") in ("2027-02-25",
                                                                               __import__("datetime").date(2027, 2, 25))
    rounds = await deal.scalar("select count(*) from acceptance_rounds where acceptance_id = 1")
    assert rounds == 2  # every round is kept
    payable = [r for r in passed if r["card"] and "初验款" in r["card"]["title"]]
    assert {r["user"] for r in payable} == {"fay", "lily"}  # finance and the PMO, one card each
    assert fields(payable[0])["Amount" if "Amount" in fields(payable[0]) else "金额"] == "480,000 CNY"
    assert "YS-1" in str(fields(payable[0]))
    assert "不能再付" in await deal.text("fay", "HT-1 mark 初验款 paid 500000 on 2026-11-26")
    assert "已登记" in await deal.text("fay", "HT-1 初验款 已付款 2026-11-26")
    assert "2027-02-25" in await deal.text("vic", "提交终验 CRM，交付物：终验报告")  # only after the trial run
    audit = [a["action"] for a in (await deal.export("CRM"))["audit"] if a["entity"] == "acceptance:YS-1"]
    assert audit == ["acceptance.submitted", "acceptance.failed", "acceptance.submitted", "acceptance.passed",
                     "acceptance.passed", "acceptance.passed", "acceptance.trial_started"]
    data = await deal.export("CRM")
    assert [v["name"] for v in data["vendors"]] == ["东软", "华为"] and data["vendors"][0]["members"] == ["vic"]
    ht1 = data["contracts"][0]
    assert ht1["id"] == "HT-1" and ht1["amount"] == 1200000
    first = next(p for p in ht1["payments"] if p["name"] == "初验款")
    assert (first["released_by"], first["paid"], first["paid_on"]) == ("YS-1", 480000, "2026-11-26")
    acc = data["acceptances"][0]
    assert (acc["id"], acc["contract"], acc["stage"], acc["status"], acc["trial_end"]) == (
        "YS-1", "HT-1", "initial", "passed", "2027-02-25")
    assert [r["status"] for r in acc["rounds"]] == ["failed", "passed"]
    assert acc["rounds"][0]["issues"] == ["登录页响应慢", "报表缺少导出字段"]
    assert acc["rounds"][0]["signoffs"][0] == {"role": "sponsor", "status": "failed", "by": "sam",
                                               "at": acc["rounds"][0]["signoffs"][0]["at"],
                                               "issues": ["登录页响应慢", "报表缺少导出字段"]}
    assert [s["by"] for s in acc["rounds"][1]["signoffs"]] == ["sam", "sue", "lily"]
    from handlers.export import to_csv

    assert "HT-1,东软" in to_csv(data, "contracts") and "YS-1,HT-1,initial,passed" in to_csv(data, "acceptances")


async def test_a_fail_by_message_needs_issues_and_concurrent_clicks_decide_once(deal: ChatHarness) -> None:
    await deal.say("vic", "submit CRM for preliminary acceptance: deployment guide; test report")
    assert "needs the issues" in await deal.text("sam", "fail YS-1")

    def click(user: str, n: int) -> CardAction:
        return CardAction(platform="console", event_id=f"race-{user}-{n}", user=UserRef("console", user, user),
                          action="acc:pass:1")

    from tests.contracts_helpers import admin

    await admin(deal, "member", "add", "CRM", "sal", "--role", "sponsor")  # two people may sign the sponsor's step
    for n in range(3):
        outcomes = await asyncio.gather(deal.app.handle(click("sam", n)), deal.app.handle(click("sal", n)),
                                        deal.app.handle(click("sam", n + 10)))
        assert all(o.status in ("handled", "rejected", "duplicate") for o in outcomes)
    assert await deal.scalar("select count(*) from acceptance_signoffs where status = 'passed'") == 1
    assert await deal.scalar("select count(*) from audit_log where action = 'acceptance.passed'") == 1
    await deal.say("sam", "YS-1")  # (drains what the race sent)
    fake = await deal.click("sam", "acc:pass:999")
    assert "YS-999" in fake[0]["text"]


async def test_a_vendor_of_another_organisation_sees_nothing_of_it(deal: ChatHarness) -> None:
    await deal.say("vic", "提交初验 CRM，交付物：部署手册")
    assert "找不到验收 YS-1" in await deal.text("wen", "YS-1")
    assert "no acceptances" in await deal.text("wen", "show acceptances on CRM")
    assert "YS-1" in await deal.text("vic", "CRM 验收")
    assert "找不到合同 HT-1" in await deal.text("wen", "提交初验 HT-1，交付物：x")
    assert "找不到验收 YS-1" in await deal.text("wen", "YS-1 通过")
    assert await deal.scalar("select count(*) from acceptance_rounds") == 1


async def test_vendor_done_awaits_the_clients_verification(deal: ChatHarness) -> None:
    await deal.say("vic", "新建任务 接口开发 12月4日前")
    await deal.say("bob", "新建任务 内部培训")
    done = await deal.say("vic", "CRM-1 完成")
    assert any("等待项目经理或业务负责人确认" in r["text"] for r in done)
    asks = [r for r in done if r["card"] and any(b["id"] == "verify:ok:CRM-1" for b in r["card"]["buttons"])]
    assert {r["user"] for r in asks} == {"lily", "sam"}
    assert await deal.scalar("select count(*) from task_verifications where verified_at is null") == 1
    await deal.say("bob", "CRM-2 完成")  # not vendor work: nothing to verify
    assert await deal.scalar("select count(*) from task_verifications") == 1
    assert "只有项目经理或业务负责人" in (await deal.click("vic", "verify:ok:CRM-1"))[0]["text"]
    verified = await deal.click("sam", "verify:ok:CRM-1")
    assert any(r["user"] == "vic" and "确认了 CRM-1" in r["text"] for r in verified)
    assert any(r["card"] and not r["card"]["buttons"] for r in verified)  # the cards change in place
    assert await deal.scalar("select count(*) from task_verifications where verified_at is not null") == 1
    assert "verified already" in (await deal.click("lily", "verify:ok:CRM-1"))[0]["text"]  # lily writes English
    assert [a["action"] for a in (await deal.export("CRM"))["audit"] if a["entity"] == "task:CRM-1"][-2:] == [
        "task.done_reported", "task.verified"]


async def test_a_supervisor_co_signs_budget_changes_before_the_pmo(deal: ChatHarness) -> None:
    from tests.contracts_helpers import admin

    await deal.say("bob", "新建任务 登录页")
    replies = await deal.say("bob", "CRM-1 需要追加预算 5万 因为 采购压测服务")
    # lily is the PM and the only PMO. Her PMO step is not merged into her PM step: that would decide for the PMO
    # before the supervisor has reviewed, so she is asked again after the supervisor
    assert fields(replies[0])["审批链"] == "项目经理 ⏳ → 业务负责人 ⏳ → 监理 ⏳ → PMO ⏳"
    assert "监理审核后再次确认" in str(replies[0]["card"])
    assert "cr:approve:1" not in str([r for r in replies if r["user"] == "sue"])  # not her turn yet
    await deal.click("sue", "cr:approve:1")  # before her step: refused, nothing decided
    assert await deal.scalar("select count(*) from approval_steps where status = 'approved'") == 0
    await deal.click("lily", "cr:approve:1")
    to_sue = [r for r in await deal.click("sam", "cr:approve:1") if r["user"] == "sue" and r["card"]]
    assert to_sue and to_sue[0]["card"]["buttons"][0]["id"] == "cr:approve:1"
    await deal.click("sue", "cr:approve:1")
    steps = await deal.scalar("select count(*) from approval_steps where role = 'supervisor' and status = 'approved'")
    assert steps == 1
    assert await deal.scalar("select status from change_requests where id = 1") == "pending"  # the PMO's turn
    await deal.click("lily", "cr:approve:1")
    assert await deal.scalar("select status from change_requests where id = 1") == "approved"
    for seq, role in enumerate(["pm", "sponsor", "supervisor", "pmo"], start=1):
        assert await deal.scalar(f"select role from approval_steps where change_request_id = 1 and seq = {seq}") == role

    assert "supervisor_changes False" in await admin(deal, "acceptance", "policy", "CRM", "--supervisor-changes", "off")
    replies = await deal.say("bob", "CRM-1 需要追加预算 2万 因为 扩容")
    assert "监理" not in fields(replies[0])["审批链"]


async def test_a_vendor_member_sees_no_budget_on_change_requests(deal: ChatHarness) -> None:
    from tests.contracts_helpers import admin

    await admin(deal, "project", "set", "CRM", "--budget", "1000000")
    await deal.say("bob", "新建任务 登录页")
    replies = await deal.say("vic", "CRM-1 需要追加预算 5万 因为 采购压测服务")
    assert "CR-1" in replies[0]["card"]["title"]
    assert "1,000,000" not in str(replies[0]) and "5%" not in str(replies[0])  # the vendor's own copy
    to_lily = [r for r in replies if r["user"] == "lily" and r["card"]]
    assert to_lily and "budget 1,000,000" in fields(to_lily[0])["Impact"]  # the PM's copy has the figures
    assert "1,000,000" not in await deal.text("vic", "CR-1")  # nor when the vendor looks it up
    decided = await deal.click("lily", "cr:approve:1")
    to_vic = [r for r in decided if r["user"] == "vic" and r.get("updates")]  # vic's copy, updated in place
    assert to_vic and to_vic[0]["card"] and "1,000,000" not in str(to_vic[0])
    assert any("budget 1,000,000" in str(r) for r in decided if r["user"] == "lily")


async def test_a_passed_initial_acceptance_card_offers_final_acceptance(deal: ChatHarness, clock: Clock) -> None:
    await deal.say("vic", "提交初验 CRM，交付物：部署手册")
    for signer in ("sam", "sue"):
        await deal.click(signer, "acc:pass:1")
    passed = await deal.click("lily", "acc:pass:1")
    to_vic = [r for r in passed if r["user"] == "vic" and r["card"] and r["card"]["title"].startswith("YS-1")]
    assert to_vic and [b["id"] for b in to_vic[0]["card"]["buttons"]] == ["acc:final:1"]
    assert to_vic[0]["card"]["buttons"][0]["label"] == "Submit final acceptance"  # drawn in the signer's language
    assert "2027-02-25" in (await deal.click("vic", "acc:final:1"))[0]["text"]  # the trial run is still on
    clock.set("2027-02-26T10:00:00")
    assert "找不到验收 YS-1" in (await deal.click("wen", "acc:final:1"))[0]["text"]  # another vendor's
    assert "供应商" in (await deal.click("sam", "acc:final:1"))[0]["text"]  # the client does not submit
    how = (await deal.click("vic", "acc:final:1"))[0]["text"]
    assert "提交终验 HT-1，交付物：" in how
    assert await deal.scalar("select count(*) from acceptances") == 1  # the click wrote nothing
    replies = await deal.say("vic", "提交终验 HT-1，交付物：终验报告；运维手册")
    assert "YS-2" in replies[0]["card"]["title"] and "终验" in replies[0]["card"]["title"]


async def test_questions_and_negations_of_contract_writes_change_nothing(deal: ChatHarness) -> None:
    """"HT-1 预付款 已付款了吗" asks; "别提交初验 …" says not to: no payment, no submission, no sign-off."""
    before = [await deal.scalar(q) for q in ("select sum(paid_amount) from payment_milestones",
                                             "select count(*) from acceptances", "select count(*) from audit_log")]
    for who, text in (("fay", "HT-1 预付款 已付款了吗"), ("fay", "HT-1 mark 预付款 paid 360000?"),
                      ("fay", "别把 HT-1 预付款 记成已付款"), ("vic", "提交初验 HT-1 了吗"),
                      ("vic", "别提交初验 HT-1，交付物：部署手册"), ("vic", "did you submit CRM for preliminary acceptance?")):
        assert await deal.say(who, text), text
    after = [await deal.scalar(q) for q in ("select sum(paid_amount) from payment_milestones",
                                            "select count(*) from acceptances", "select count(*) from audit_log")]
    assert after == before



async def test_a_question_about_an_acceptance_or_a_contract_shows_it(deal: ChatHarness) -> None:
    """"YS-1 通过了吗" is not a task lookup (there is no task YS-1) and never a sign-off: it shows YS-1."""
    await deal.say("vic", "提交初验 CRM，交付物：部署手册")
    for text in ("YS-1 通过了吗", "is YS-1 passed?", "YS-1 怎么样了"):
        shown = await deal.say("sam", text)
        assert shown[0]["card"] and "YS-1" in shown[0]["card"]["title"], text
    assert await deal.scalar("select count(*) from acceptance_signoffs where status != 'pending'") == 0
    plan = await deal.text("fay", "HT-1 付清了吗")
    assert "付款计划" in plan and "预付款" in plan
    assert await deal.scalar("select sum(paid_amount) from payment_milestones") == 0

async def test_files_are_deliverables_when_they_come_with_the_submission_or_are_added_on_a_click(
        deal: ChatHarness) -> None:
    report = {"name": "测试报告.pdf", "url": "https://files.example.cn/report.pdf"}
    replies = await deal.say("vic", "提交初验 CRM", files=[report])  # the file is the deliverable list
    assert "📎 测试报告.pdf https://files.example.cn/report.pdf" in fields(replies[0])["交付物"]
    assert await deal.scalar("select count(*) from acceptance_rounds") == 1

    # a file on its own is not read as anything: a card offers the open round, nothing is written yet
    offered = await deal.say("vic", "", files=[{"name": "部署手册.docx"}])
    assert "部署手册.docx" in offered[0]["text"] and "不点就不记录" in offered[0]["text"]
    button = offered[0]["card"]["buttons"][0]
    assert button["id"].startswith("files:add:1:") and "YS-1" in button["label"]
    assert "部署手册" not in str(await _deliverables(deal, 1))
    assert "找不到这条消息里的文件" in (await deal.click("wen", button["id"]))[0]["text"]  # not wen's files
    added = await deal.click("vic", button["id"])
    assert "已把 部署手册.docx 加入 YS-1 第 1 轮" in added[0]["text"]
    updated = [r for r in added if r["card"] and "部署手册.docx" in fields(r)["交付物"]]
    assert updated  # the sign-off cards show the new list
    assert "已在" in (await deal.click("vic", button["id"]))[0]["text"]  # a second click adds nothing
    assert [d["text"] for d in await _deliverables(deal, 1)] == ["测试报告.pdf", "部署手册.docx"]
    trail = [a["action"] for a in (await deal.export("CRM"))["audit"] if a["entity"] == "acceptance:YS-1"]
    assert trail.count("acceptance.deliverables_added") == 1

    # once the round is decided, files are no longer added to it
    await deal.click("sam", "acc:pass:1")
    await deal.click("sue", "acc:pass:1")
    await deal.click("lily", "acc:pass:1")
    late = await deal.say("vic", "", files=[{"name": "补充.pdf"}])
    assert "现在什么都没有记录" in late[0]["text"] and not late[0]["card"]
    assert [d["text"] for d in await _deliverables(deal, 1)] == ["测试报告.pdf", "部署手册.docx"]
    other = (await deal.say("bob", "", files=[{"name": "notes.txt"}]))[0]  # no round of his: nothing offered
    assert not other["card"] and ("什么都没有记录" in other["text"] or "nothing was recorded" in other["text"])


async def _deliverables(bot: ChatHarness, round_id: int) -> list[dict[str, str]]:
    stored = await bot.scalar(f"select deliverables from acceptance_rounds where id = {round_id}")
    return list((json.loads(stored) if isinstance(stored, str) else stored)["items"])
