"""Transcripts: leave recorded, shown (mine, someone's, who is away), cancelled (all or some days), asked for when no
day was said, and part of a day explained as not leave — in both languages. Clock: Wed 2026-11-25."""

from __future__ import annotations

from tests.conftest import ChatHarness

LEAVES = "select start_date, end_date from leaves order by start_date"


async def _leaves(crm: ChatHarness) -> list[tuple[str, str]]:
    async with crm.app.db.engine.connect() as conn:
        from sqlalchemy import text

        return [(str(a), str(b)) for a, b in (await conn.execute(text(LEAVES))).all()]


async def test_show_mine_and_someone_elses_write_nothing(crm: ChatHarness) -> None:
    await crm.say("bob", "我下周一到周三请假")
    assert await _leaves(crm) == [("2026-11-30", "2026-12-02")]
    mine = await crm.text("bob", "我的请假")
    assert "2026-11-30 ~ 2026-12-02" in mine
    assert "2026-11-30 ~ 2026-12-02" in await crm.text("bob", "my leave")
    asked = await crm.text("alice", "bob 请假了吗")
    assert "bob 2026-11-25 没有请假" in asked and "2026-11-30" in asked
    assert "is on leave on 2026-11-30" in await crm.text("alice", "is bob on leave on Monday?")
    assert "share no project" in await crm.text("zed", "is bob on leave?")
    assert "bob" in await crm.text("lily", "下周一谁请假")
    assert await _leaves(crm) == [("2026-11-30", "2026-12-02")]


async def test_cancel_some_days_then_all(crm: ChatHarness) -> None:
    await crm.say("bob", "我下周一到周三请假")
    split = await crm.text("bob", "取消下周二的请假")
    assert "已取消" in split and "2026-11-30" in split and "2026-12-02" in split
    assert await _leaves(crm) == [("2026-11-30", "2026-11-30"), ("2026-12-02", "2026-12-02")]
    gone = await crm.text("bob", "取消请假")
    assert "已取消请假（2 条）" in gone and "已删除" in gone
    assert await _leaves(crm) == []
    assert "nothing changed" in await crm.text("bob", "cancel my leave")
    audit = await crm.scalar("select count(*) from audit_log where action = 'leave.cancelled'")
    assert audit == 3


async def test_cancel_keeps_days_already_past(crm: ChatHarness) -> None:
    await crm.say("bob", "这周一到周五请假")
    assert "kept 2026-11-23 ~ 2026-11-24" in await crm.text("bob", "cancel my leave")
    assert await _leaves(crm) == [("2026-11-23", "2026-11-24")]


async def test_which_days_part_day_and_new_phrasings(crm: ChatHarness) -> None:
    asked = await crm.say("bob", "请个假")
    assert "哪几天" in asked[0]["text"] and await _leaves(crm) == []
    assert [b["id"] for b in asked[0]["card"]["buttons"]] == ["leave:add:2026-11-25", "leave:add:2026-11-26"]
    assert "2026-11-26" in (await crm.click("bob", "leave:add:2026-11-26"))[0]["text"]
    assert await _leaves(crm) == [("2026-11-26", "2026-11-26")]
    assert "不算请假" in await crm.text("bob", "下午请假半天")
    assert "not leave" in await crm.text("alice", "I'm out tomorrow afternoon")
    assert await _leaves(crm) == [("2026-11-26", "2026-11-26")]
    await crm.say("alice", "PTO Dec 21-23")
    await crm.say("vic", "请3天假")
    await crm.say("sam", "out sick today")
    assert ("2026-12-21", "2026-12-23") in await _leaves(crm)
    assert ("2026-11-25", "2026-11-27") in await _leaves(crm)
    assert ("2026-11-25", "2026-11-25") in await _leaves(crm)


async def test_undo_button_on_a_recorded_leave(crm: ChatHarness) -> None:
    reply = await crm.say("bob", "明天请假")
    undo = reply[0]["card"]["buttons"][0]["id"]
    assert undo == "leave:undo:2026-11-26:2026-11-26"
    assert "已取消" in (await crm.click("bob", undo))[0]["text"]
    assert await _leaves(crm) == []


async def test_a_negation_never_records_leave(crm: ChatHarness) -> None:
    assert "什么都没改" in await crm.text("bob", "别给我记请假")
    assert "nothing changed" in await crm.text("alice", "I'm not taking leave tomorrow")
    await crm.say("bob", "明天请假")
    assert "已取消" in await crm.text("bob", "明天不请假了")
    assert await _leaves(crm) == []
