"""Transcripts: change requests from asking to applying, on SQLite and PostgreSQL (issue #6)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.core.events import CardAction, UserRef
from tests.conftest import ChatHarness


def fields(reply: dict[str, Any]) -> dict[str, str]:
    return {f["label"]: f["value"] for f in reply["card"]["fields"]}


async def due_of(bot: ChatHarness, key: str) -> str | None:
    return next(t["due"] for t in (await bot.export("CRM"))["tasks"] if t["key"] == key)


@pytest.fixture
async def plan(crm: ChatHarness) -> ChatHarness:
    """CRM-1 (bob, due Fri 12-04, 8h) with CRM-2 waiting on it (due Tue 12-08), under milestone UAT (12-10)."""
    await crm.say("bob", "新建任务 登录页 12月4日前 预计8小时")
    await crm.say("bob", "新建任务 联调 12月8日前 预计16小时")
    async with crm.app.db.unit_of_work() as session:
        from bot.admin import cli_context
        from handlers import projects as admin
        from storage import projects

        ctx = cli_context(session, now=crm.app.clock(), settings=crm.app.config.settings)
        project = await projects.by_key(session, "CRM")
        assert project is not None
        import datetime as dt

        await admin.add_milestone(ctx, project, "UAT", dt.date(2026, 12, 10))
        await admin.plan_task(ctx, "CRM-2", depends_on="CRM-1")
        await admin.plan_task(ctx, "CRM-1", milestone="UAT")
        await admin.plan_task(ctx, "CRM-2", milestone="UAT")
    return crm


async def test_a_short_slip_goes_to_the_pm_and_moves_the_task_and_its_dependent(plan: ChatHarness) -> None:
    replies = await plan.say("bob", "变更申请：CRM-1 延期到12月8日，原因 接口文档晚到")
    assert "CR-1" in replies[0]["text"] and "lily" in replies[0]["text"]
    impact = fields(replies[0])["影响评估"]
    assert "2026-12-04 → 2026-12-08" in impact and "2 个工作日" in impact
    assert "CRM-2 2026-12-08→2026-12-10" in impact  # the dependent moves by the same two working days
    assert fields(replies[0])["审批链"] == "项目经理 ⏳"  # 2 working days, no breach: the PM alone
    to_lily = [r for r in replies if r["user"] == "lily"]
    assert to_lily and to_lily[0]["card"]["buttons"][0]["id"] == "cr:approve:1"

    decided = await plan.click("lily", "cr:approve:1")
    updated = [r for r in decided if r["card"] and r["card"]["title"].startswith("CR-1")]
    assert {r["user"] for r in updated} == {"bob", "lily"}  # every copy of the card changes in place
    # each copy keeps its reader's language: bob's Chinese, lily's (she wrote English last) English (issue 16.10)
    by_user = {r["user"]: fields(r) for r in updated}
    assert by_user["bob"]["状态"] == "批准" and by_user["lily"]["Status"] == "approved"
    assert all("lily" in (f.get("Approvals") or f["审批链"]) for f in by_user.values())
    assert all(not r["card"]["buttons"] and r["updates"] for r in updated)  # updates of earlier messages
    assert await due_of(plan, "CRM-1") == "2026-12-08"
    assert await due_of(plan, "CRM-2") == "2026-12-10"
    assert await plan.scalar("select count(*) from baselines") == 2  # the plan before, and after
    assert await plan.scalar("select snapshot from baselines where version = 1") is not None
    actions = [a["action"] for a in (await plan.export("CRM"))["audit"] if a["entity"] == "change:1"]
    assert actions == ["change.requested", "change.assessed", "change.approved", "change.applied"]

    again = await plan.click("lily", "cr:approve:1")
    assert "nothing more to do" in again[0]["text"] and len(again) == 1
    assert await plan.scalar("select count(*) from baselines") == 2


async def test_reject_needs_a_reason_and_changes_nothing(plan: ChatHarness) -> None:
    await plan.say("bob", "变更申请：CRM-1 延期到12月7日，原因 需求澄清")
    asked = await plan.click("lily", "cr:reject:1")
    assert "reason" in asked[0]["text"]  # the next message of the clicker is the reason (issue 13)
    assert await plan.scalar("select status from change_requests where id = 1") == "pending"
    replies = await plan.say("lily", "驳回 CR-1 原因：先并行开发")
    assert any(r["user"] == "bob" and "先并行开发" in r["text"] for r in replies)
    assert await plan.scalar("select status from change_requests where id = 1") == "rejected"
    assert await due_of(plan, "CRM-1") == "2026-12-04"
    assert await plan.scalar("select count(*) from baselines") == 0


async def test_a_long_slip_breaching_a_milestone_needs_pm_sponsor_and_pmo(plan: ChatHarness) -> None:
    await plan.say("lily", "add @pat to CRM as pmo")
    replies = await plan.say("bob", "变更申请 CRM-1 延期两周 原因 供应商延误")
    card = fields(replies[0])
    assert "10 个工作日" in card["影响评估"] and "UAT" in card["影响评估"]
    assert card["审批链"] == "项目经理 ⏳ → 业务负责人 ⏳ → PMO ⏳"
    step1 = await plan.click("lily", "cr:approve:1")
    assert any(r["user"] == "sam" and r["card"] for r in step1)  # the sponsor's turn, by direct message
    refused = await plan.click("lily", "cr:approve:1")  # not the sponsor
    assert "sponsor" in refused[0]["text"]
    await plan.click("sam", "cr:approve:1")
    assert await plan.scalar("select status from change_requests where id = 1") == "pending"
    done = await plan.click("pat", "cr:approve:1")
    assert any("生效" in r["text"] for r in done)
    assert await due_of(plan, "CRM-1") == "2026-12-18"
    steps = await plan.scalar("select count(*) from approval_steps where change_request_id = 1 and status = 'approved'")
    assert steps == 3


async def test_who_may_not_decide(plan: ChatHarness) -> None:
    await plan.say("bob", "变更申请：CRM-1 延期到12月7日，原因 需求澄清")
    assert "自己" in (await plan.click("bob", "cr:approve:1"))[0]["text"]
    assert "供应商" in (await plan.click("vic", "cr:approve:1"))[0]["text"]
    assert "审批人" in (await plan.click("alice", "cr:approve:1"))[0]["text"]
    assert "CR-999" in (await plan.click("lily", "cr:approve:999"))[0]["text"]  # forged ids find nothing
    forged = await plan.click("lily", "cr:approve:1;drop")
    assert forged and await plan.scalar("select status from change_requests where id = 1") == "pending"
    outsider = await plan.click("zed", "cr:approve:1")
    assert "CRM" in outsider[0]["text"]  # not a member: told so, nothing changes
    assert await plan.scalar("select count(*) from approval_steps where status <> 'pending'") == 0


async def test_withdraw_while_pending(plan: ChatHarness) -> None:
    await plan.say("bob", "change request CRM-1 delay to Dec 9 because the API is late")
    assert "Only the requester" in (await plan.say("alice", "withdraw CR-1"))[0]["text"]
    replies = await plan.say("bob", "withdraw CR-1")
    assert any("withdrawn" in r["text"] for r in replies)
    assert await plan.scalar("select status from change_requests where id = 1") == "withdrawn"
    late = await plan.click("lily", "cr:approve:1")
    assert "withdrawn" in late[0]["text"] or "撤回" in late[0]["text"]


async def test_missing_pieces_are_asked_for(plan: ChatHarness) -> None:
    asked = await plan.say("bob", "变更申请 CRM-1 延期")
    assert "哪一天" in asked[0]["text"]
    assert [b["id"] for b in asked[0]["card"]["buttons"]] == ["cr:slip:1:1", "cr:slip:1:3", "cr:slip:1:5"]
    reason = await plan.click("bob", "cr:slip:1:3")
    assert "原因" in reason[0]["text"]
    submitted = await plan.say("bob", "测试环境还没好")
    assert "已提交" in submitted[0]["text"]
    card = fields(submitted[0])
    assert card["原因"] == "测试环境还没好" and "2026-12-09" in card["影响评估"]


async def test_task_card_button_offers_a_change(plan: ChatHarness) -> None:
    offer = await plan.click("bob", "cr:new:CRM-1")
    assert "CRM-1" in offer[0]["text"]
    ids = [b["id"] for b in offer[0]["card"]["buttons"]]
    await plan.click("bob", ids[0])
    submitted = await plan.say("bob", "联调排期冲突")
    assert "已提交" in submitted[0]["text"] and "2026-12-07" in fields(submitted[0])["影响评估"]


async def test_policy_by_chat_is_the_pmos_and_changes_the_chain(plan: ChatHarness) -> None:
    assert "PMO" in (await plan.say("bob", "CRM 审批策略 PM 10"))[0]["text"]
    shown = await plan.say("lily", "CRM 审批策略 PM 10")
    assert "10 个工作日" in shown[0]["text"]
    replies = await plan.say("bob", "变更申请 CRM-2 延期到12月9日 原因 依赖方延期")
    assert fields(replies[0])["审批链"] == "项目经理 ⏳"
    bad = await plan.say("lily", "CRM 审批策略 国王 3")
    assert "看不懂" in bad[0]["text"]


async def test_budget_change_against_the_project_budget(plan: ChatHarness) -> None:
    async with plan.app.db.engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("update projects set budget = 1000000 where key = 'CRM'"))
    replies = await plan.say("bob", "CRM-1 需要追加预算 5万 因为 采购压测服务")
    card = fields(replies[0])
    assert "+50,000" in card["影响评估"] and "5%" in card["影响评估"]
    # lily is the PM and the PMO: the PMO step is merged into hers, with a note (issue 14.2)
    assert card["审批链"] == "项目经理 ⏳ → 业务负责人 ⏳" and "PMO步骤" in card["审批说明"]
    for who in ("lily", "sam"):
        await plan.click(who, "cr:approve:1")
    assert float(await plan.scalar("select budget from projects where key = 'CRM'")) == 1050000


async def test_changes_are_listed_and_exported_with_their_trail(plan: ChatHarness) -> None:
    await plan.say("bob", "变更申请：CRM-1 延期到12月7日，原因 需求澄清")
    await plan.click("lily", "cr:approve:1")
    listed = await plan.say("bob", "CRM 的变更记录")
    assert "CR-1" in listed[0]["text"] and "批准" in listed[0]["text"]
    english = await plan.say("alice", "changes on CRM")
    assert "CR-1" in english[0]["text"]
    shown = await plan.say("bob", "CR-1")
    assert "lily 同意" in shown[0]["text"] and "变更生效" in shown[0]["text"]
    data = await plan.export("CRM")
    change = data["change_requests"][0]
    assert change["status"] == "approved" and change["approvals"][0]["by"] == "lily"
    assert [b["version"] for b in data["baselines"]] == [1, 2]


async def test_two_approvers_clicking_at_once_decide_once(plan: ChatHarness, db_url: str) -> None:
    await plan.say("lily", "add @pm2 to CRM as pm")
    await plan.say("bob", "变更申请：CRM-1 延期到12月7日，原因 需求澄清")

    def click(user: str, n: int) -> CardAction:
        return CardAction(platform="console", event_id=f"race-{user}-{n}", user=UserRef("console", user, user),
                          action="cr:approve:1")

    for n in range(3):
        outcomes = await asyncio.gather(plan.app.handle(click("lily", n)), plan.app.handle(click("pm2", n)))
        assert all(o.status in ("handled", "rejected") for o in outcomes)
    decided = await plan.scalar("select count(*) from approval_steps where change_request_id = 1 "
                                "and status = 'approved'")
    assert decided == 1
    assert await plan.scalar("select count(*) from baselines") == 2
    assert await plan.scalar("select count(*) from audit_log where action = 'change.applied'") == 1


async def test_each_approver_reads_the_card_in_their_own_language(plan: ChatHarness) -> None:
    await plan.say("sam", "我的语言 中文")
    await plan.say("lily", "set my language to English")
    replies = await plan.say("bob", "变更申请 CRM-1 延期两周 原因 供应商延误")
    to_lily = next(r for r in replies if r["user"] == "lily")
    assert to_lily["text"].startswith("Please decide change request CR-1") and "Approvals" in fields(to_lily)
    step = await plan.click("lily", "cr:approve:1")
    to_sam = next(r for r in step if r["user"] == "sam" and r["card"])
    assert to_sam["text"].startswith("请审批") and "审批链" in fields(to_sam)
    to_bob = [r for r in step if r["user"] == "bob" and not r["card"]]
    assert not to_bob  # the requester hears at the end (their card changes meanwhile)
    done = await plan.click("sam", "cr:approve:1")  # the PMO step was merged into lily's PM step (issue 14.2)
    told = [r for r in done if r["user"] == "bob"]
    assert len(told) == 1 and told[0]["updates"]  # bob's card is updated in place: no second message
    assert "生效" in told[0]["text"] and "审批链" in fields(told[0])  # bob writes Chinese


async def test_the_change_request_form_targets_a_milestone_and_checks_its_values(plan: ChatHarness) -> None:
    from bot.core.events import FormSubmission

    def form(event_id: str, **values: str) -> FormSubmission:
        return FormSubmission(platform="console", event_id=event_id, user=UserRef("console", "bob", "bob"),
                              form="change_request", values=values)

    await plan.app.handle(form("f1", project="CRM", change_type="schedule", new_due="2026-13-01", reason="x"))
    await plan.app.handle(form("f2", project="CRM", change_type="budget", budget="-5", reason="x"))
    assert await plan.scalar("select count(*) from change_requests") == 0  # refused, nothing kept
    await plan.app.handle(form("f3", project="CRM", change_type="schedule", milestone="UAT", new_due="2026-12-17",
                               reason="上线窗口调整"))
    replies = await plan._delivered()
    submitted = next(r for r in replies if r["user"] == "bob" and r["card"])
    assert "UAT" in fields(submitted)["影响评估"]  # the milestone moves: a breach, so the PMO decides too
    await plan.click("lily", "cr:approve:1")
    await plan.click("sam", "cr:approve:1")  # lily decided for the PM and the PMO at once (issue 14.2)
    assert str(await plan.scalar("select due_date from milestones")) == "2026-12-17"
