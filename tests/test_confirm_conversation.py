"""Transcripts: a write resting on weak cues is shown as a card and made only on the click; sanity bounds on
logs and dates (issue 13, items 4 and 6), and the change-request steps of item 7. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.conftest import ChatHarness, Clock


def _ids(reply: dict[str, Any]) -> list[str]:
    return [b["id"] for b in (reply.get("card") or {}).get("buttons", [])]


async def _status(bot: ChatHarness, n: int = 1) -> tuple[str, list[str], str | None]:
    task = (await bot.export("CRM"))["tasks"][n - 1]
    return task["status"], task["assignees"], task["due"]


async def test_a_done_read_from_a_long_message_asks_first(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 登录页 @bob")
    asked = await crm.say("bob", "CRM-1 那个登录页的问题昨天跟产品沟通了下他们说好了")
    assert "确认" in asked[0]["text"] or "点" in asked[0]["text"]
    assert _ids(asked[0]) == ["ok:done:CRM-1", "ok:start:CRM-1", "ok:no"]
    assert (await _status(crm))[0] == "todo"
    await crm.click("bob", "ok:no")
    assert (await _status(crm))[0] == "todo"
    await crm.click("bob", "ok:start:CRM-1")  # the other reading
    assert (await _status(crm))[0] == "in_progress"
    await crm.click("bob", "ok:done:CRM-1")
    assert (await _status(crm))[0] == "done"


async def test_strong_messages_stay_one_step(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob")
    replies = await crm.say("bob", "CRM-1 完成")
    assert "ok:done:CRM-1" not in _ids(replies[0])
    assert (await _status(crm))[0] == "done"
    replies = await crm.say("bob", "log 10h on CRM-1")
    assert await crm.scalar("select sum(hours) from work_logs") == 10


async def test_a_click_rechecks_permission(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob")
    asked = await crm.say("lily", "CRM-1 after the call today I think we assign it to @alice, she knows the API")
    assert _ids(asked[0])[0].startswith("ok:as:CRM-1:")
    assert (await _status(crm))[1] == ["bob"]
    # a member clicking the PM's card (a forwarded card, a stale one) is refused
    refused = await crm.click("alice", _ids(asked[0])[0])
    assert "PM" in refused[0]["text"]
    assert (await _status(crm))[1] == ["bob"]
    await crm.click("lily", _ids(asked[0])[0])
    assert (await _status(crm))[1] == ["alice"]


async def test_a_dated_done_asks_and_a_long_day_asks(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 登录页 @bob")
    asked = await crm.say("bob", "CRM-1 周五完成")
    assert "ok:done:CRM-1" in _ids(asked[0])
    assert (await _status(crm))[0] == "todo"
    asked = await crm.say("bob", "CRM-1 10小时")
    assert _ids(asked[0])[0] == "ok:log:CRM-1:10:20261125"
    assert await crm.scalar("select count(*) from work_logs") == 0
    await crm.click("bob", "ok:log:CRM-1:10:20261125")
    assert await crm.scalar("select sum(hours) from work_logs") == 10


async def test_hedged_leave_asks_first(crm: ChatHarness) -> None:
    asked = await crm.say("bob", "我明天可能要请假")
    assert _ids(asked[0]) == ["ok:leave:20261126:20261126", "ok:no"]
    assert await crm.scalar("select count(*) from leaves") == 0
    await crm.click("bob", "ok:leave:20261126:20261126")
    assert await crm.scalar("select count(*) from leaves") == 1


async def test_old_logs_ask_and_weekend_logs_say_so(crm: ChatHarness, clock: Clock) -> None:
    await crm.say("lily", "new task login @bob")
    asked = await crm.say("bob", "log 2h on CRM-1 on 1999-01-01")
    assert _ids(asked[0]) == ["ok:log:CRM-1:2:19990101", "ok:no"]
    assert await crm.scalar("select count(*) from work_logs") == 0
    clock.set("2026-12-30T10:00:00")  # 35 days after the project began
    asked = await crm.say("bob", "log 2h on CRM-1 on 2026-11-25")
    assert "ok:log:CRM-1:2:20261125" in _ids(asked[0])
    assert await crm.scalar("select count(*) from work_logs") == 0
    clock.set("2026-11-30T10:00:00")
    saturday = await crm.text("bob", "log 2h on CRM-1 last Saturday")
    assert "not a working day" in saturday
    assert await crm.scalar("select count(*) from work_logs") == 1


async def test_push_two_days_counts_working_days(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 3")  # a Thursday
    await crm.say("bob", "变更申请 CRM-1 延期两天 原因 接口晚到")
    change = (await crm.export("CRM"))["changes"][0] if "changes" in await crm.export("CRM") else None
    new_due = await crm.scalar("select details from change_requests")
    assert "2026-12-07" in str(new_due), change  # Thursday + 2 working days is Monday, not Saturday


async def test_a_weekend_due_is_flagged_on_the_card(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob")
    replies = await crm.say("lily", "CRM-1 due Saturday")
    fields = {f["label"]: f["value"] for f in replies[0]["card"]["fields"]}
    assert "not a working day" in fields["Note"]


async def test_reject_button_then_the_reason(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    await crm.say("bob", "变更申请 CRM-1 延期到12月8日，原因 接口文档晚到")
    asked = await crm.click("lily", "cr:reject:1")
    assert "原因" in asked[0]["text"] or "reason" in asked[0]["text"]
    assert await crm.scalar("select status from change_requests") == "pending"
    # a question in between is answered as a question, not taken as the reason
    await crm.say("lily", "我的任务")
    assert await crm.scalar("select status from change_requests") == "pending"
    await crm.say("lily", "先并行开发，不延期")
    assert await crm.scalar("select status from change_requests") == "rejected"
    assert await crm.scalar("select reason from approval_steps") == "先并行开发，不延期"


async def test_approve_with_a_comment_keeps_it(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    await crm.say("bob", "变更申请 CRM-1 延期到12月8日，原因 接口文档晚到")
    replies = await crm.say("lily", "批准 CR-1，注意同步测试计划")
    assert await crm.scalar("select status from change_requests") == "approved"
    assert await crm.scalar("select reason from approval_steps") == "注意同步测试计划"
    card = next(r["card"] for r in replies if r.get("card"))
    assert any("注意同步测试计划" in f["value"] for f in card["fields"])


async def test_a_draft_never_swallows_a_question(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    await crm.say("bob", "变更申请 CRM-1 延期到12月8日")
    await crm.say("bob", "我的工时呢")
    assert await crm.scalar("select reason from change_requests") == ""
    await crm.say("bob", "接口文档晚到")
    assert await crm.scalar("select status from change_requests") == "pending"


async def test_the_date_step_accepts_its_own_examples(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    for n, answer, due in ((1, "Dec 20", "2026-12-20"), (2, "12月20日", "2026-12-20"), (3, "2026-12-21", "2026-12-21")):
        await crm.click("bob", "cr:new:CRM-1")
        asked = await crm.text("bob", answer)
        assert "原因" in asked or "why" in asked.lower() or "reason" in asked.lower(), asked
        assert await crm.scalar(f"select details from change_requests where id = {n}") is not None
        assert due in str(await crm.scalar(f"select details from change_requests where id = {n}"))
        await crm.say("bob", "cancel")


async def test_a_change_to_a_weekend_is_flagged_on_its_card(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    replies = await crm.say("bob", "change request CRM-1 delay to Dec 5 because the API is late")  # a Saturday
    card = next(r["card"] for r in replies if r.get("card"))
    impact = {f["label"]: f["value"] for f in card["fields"]}["Impact"]
    assert "not a working day" in impact


async def test_a_date_question_is_not_swallowed_either(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob by Dec 4")
    await crm.click("bob", "cr:new:CRM-1")
    replies = await crm.say("bob", "我的任务")
    assert "CRM-1" in replies[0]["text"]  # answered as a question, not "which date?" again
    await crm.say("bob", "12月20日")
    assert "2026-12-20" in str(await crm.scalar("select details from change_requests"))


async def test_done_beside_hours_asks_which_reading(crm: ChatHarness) -> None:
    await crm.say("lily", "新建任务 登录页 @bob")
    asked = await crm.say("bob", "CRM-1 完成 2h")
    assert _ids(asked[0]) == ["ok:fin:CRM-1:2", "ok:log:CRM-1:2:20261125", "ok:no"]
    assert await crm.scalar("select count(*) from work_logs") == 0 and (await _status(crm))[0] == "todo"
    await crm.click("bob", "ok:log:CRM-1:2:20261125")  # the other reading: only the hours
    assert await crm.scalar("select sum(hours) from work_logs") == 2 and (await _status(crm))[0] == "todo"


async def test_polite_requests_are_commands(crm: ChatHarness) -> None:
    await crm.say("lily", "new task login @bob")
    await crm.say("bob", "could you mark CRM-1 done?")
    assert (await _status(crm))[0] == "done"
    await crm.say("bob", "can you log 2h on CRM-1?")
    assert await crm.scalar("select sum(hours) from work_logs") == 2
