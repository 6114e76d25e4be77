"""Transcripts: the change-request rules a PMO audits (issue 14, items 1-7), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ChatHarness
from tests.test_changes_conversation import due_of, fields


async def estimate_of(bot: ChatHarness, key: str) -> float | None:
    task = next(t for t in (await bot.export("CRM"))["tasks"] if t["key"] == key)
    return float(task["estimate_hours"]) if task.get("estimate_hours") is not None else None


@pytest.fixture
async def lean(bot: ChatHarness) -> ChatHarness:
    """CRM with no sponsor: lily is its PM and (as the first user) the PMO; bob's CRM-1 is due Fri 12-04, 12h."""
    assert "CRM" in await bot.text("lily", "create project CRM 客户关系系统")
    assert "lily" in await bot.text("lily", "add @lily to CRM as pm")  # the PMO who creates it is no member
    assert "bob" in await bot.text("lily", "add @bob to CRM as member")
    await bot.say("bob", "新建任务 登录页 12月4日前 预计12小时")
    return bot


async def test_a_slip_in_working_days_moves_dates_only(lean: ChatHarness) -> None:
    replies = await lean.say("bob", "变更申请 CRM-1 延期3个工作日 原因 接口文档晚到")
    card = fields(replies[0])
    assert "2026-12-04 → 2026-12-09" in card["影响评估"] and "3 个工作日" in card["影响评估"]
    assert "工时" not in card["影响评估"]  # no "+24h, +109%"
    await lean.click("lily", "cr:approve:1")
    assert await due_of(lean, "CRM-1") == "2026-12-09"
    assert await estimate_of(lean, "CRM-1") == 12.0  # not 36


async def test_one_person_is_never_asked_twice(lean: ChatHarness) -> None:
    replies = await lean.say("bob", "变更申请 CRM-1 延期两周 原因 供应商延误")  # a long slip: the PM, then the sponsor (none named)
    card = fields(replies[0])
    assert card["审批链"] == "项目经理 ⏳"
    assert "业务负责人步骤：未指定人选，由 PMO 决定" in card["审批说明"]
    assert len([r for r in replies if r["user"] == "lily" and r["card"]]) == 1  # one card for lily
    done = await lean.click("lily", "cr:approve:1")
    assert any("生效" in r["text"] for r in done)
    assert await lean.scalar("select count(*) from approval_steps where change_request_id = 1") == 1
    assert await lean.scalar("select status from change_requests where id = 1") == "approved"


async def test_a_second_request_on_one_task_is_refused_and_the_decision_uses_the_current_plan(
        lean: ChatHarness) -> None:
    first = await lean.say("bob", "变更申请 CRM-1 延期2个工作日 原因 联调")
    assert "2026-12-04 → 2026-12-08" in fields(first[0])["影响评估"]
    second = await lean.say("bob", "变更申请 CRM-1 延期4个工作日 原因 测试")
    assert "CR-1" in second[0]["text"] and "撤回" in second[0]["text"]  # a pointer to the first
    assert await lean.scalar("select count(*) from change_requests") == 1
    # the plan moves meanwhile (lily edits the due date): the decision re-assesses and the card says so
    await lean.say("lily", "CRM-1 截止改到12月7日")
    assert await due_of(lean, "CRM-1") == "2026-12-07"
    decided = await lean.click("lily", "cr:approve:1")
    impact = fields(next(r for r in decided if r["card"] and r["user"] == "bob"))["影响评估"]
    assert "2026-12-07 → 2026-12-08" in impact and "1 个工作日" in impact
    assert "重新评估" in impact and "2 个工作日" in impact  # when asked it was 2 working days
    assert await due_of(lean, "CRM-1") == "2026-12-08"
    third = await lean.say("bob", "变更申请 CRM-1 延期1个工作日 原因 测试")  # the first is decided: fine now
    assert "已提交" in third[0]["text"]  # (a refused request may use up an id on PostgreSQL)


async def test_a_done_task_is_refused_unless_the_request_reopens_it(lean: ChatHarness) -> None:
    await lean.say("bob", "CRM-1 完成")
    refused = await lean.say("bob", "变更申请 CRM-1 延期3个工作日 原因 客户要补充")
    assert "已完成" in refused[0]["text"]
    assert await lean.scalar("select count(*) from change_requests") == 0
    asked = await lean.say("bob", "变更申请 CRM-1 重新打开 延期3个工作日 原因 客户要补充")
    assert "已提交" in asked[0]["text"]
    change_id = await lean.scalar("select max(id) from change_requests")
    await lean.click("lily", f"cr:approve:{change_id}")
    assert await lean.scalar("select status from tasks where seq = 1") == "in_progress"
    assert await due_of(lean, "CRM-1") == "2026-12-09"


async def test_comments_and_reasons_are_kept_as_written(lean: ChatHarness) -> None:
    await lean.say("bob", "变更申请 CRM-1 延期2个工作日 原因 联调（接口方），需要协调")
    assert await lean.scalar("select reason from change_requests where id = 1") == "联调（接口方），需要协调"
    await lean.say("lily", "批准 CR-1，注意：预算不变，下周复盘！")
    assert await lean.scalar("select reason from approval_steps where change_request_id = 1") == \
        "注意：预算不变，下周复盘！"
    await lean.say("bob", "新建任务 报表 12月10日前")
    await lean.say("bob", "变更申请 CRM-2 延期2个工作日 原因 数据源晚到")
    rejected = await lean.click("lily", "cr:reject:2")
    assert rejected
    await lean.say("lily", "先并行开发，再联调（周三前）；不延期。")
    assert await lean.scalar("select reason from approval_steps where change_request_id = 2") == \
        "先并行开发，再联调（周三前）；不延期。"
    await lean.say("bob", "变更申请 CRM-2 延期3个工作日 原因 数据源晚到")
    change_id = await lean.scalar("select max(id) from change_requests")
    await lean.say("lily", f"驳回 CR-{change_id} 原因：资源不足，下月再议")
    assert await lean.scalar(f"select reason from approval_steps where change_request_id = {change_id}") == \
        "资源不足，下月再议"


async def test_one_message_per_person_per_decision(lean: ChatHarness) -> None:
    for who, role in (("sam", "sponsor"), ("pat", "pmo")):
        await lean.say("lily", f"add @{who} to CRM as {role}")
    asked = await lean.say("bob", "CRM-1 需要追加预算 5万 因为 采购压测服务")  # PM, sponsor, PMO (lily or pat)
    assert fields(asked[0])["审批链"] == "项目经理 ⏳ → 业务负责人 ⏳ → PMO ⏳"
    await lean.click("lily", "cr:approve:1")
    step = await lean.click("sam", "cr:approve:1")
    # lily may decide the PMO step too, and holds the card already: it is updated in place, not sent again
    to_lily = [r for r in step if r["user"] == "lily"]
    assert len(to_lily) == 1 and to_lily[0]["updates"] and to_lily[0]["card"]["buttons"]
    assert [r for r in step if r["user"] == "pat" and not r.get("updates")]  # pat's first copy: a new message
    done = await lean.click("pat", "cr:approve:1")
    per_person: dict[str, list[dict[str, Any]]] = {}
    for r in done:
        per_person.setdefault(r["user"] or r["chat"], []).append(r)
    assert {who: len(rs) for who, rs in per_person.items()} == {"bob": 1, "lily": 1, "sam": 1, "pat": 1}
    assert all(r["updates"] and ("生效" in r["text"] or "applied" in r["text"]) for r in done)
    assert float(await lean.scalar("select budget from projects where key = 'CRM'")) == 50000
