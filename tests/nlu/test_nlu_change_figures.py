"""The figures a change request asks for, read from its words (bot/nlu/approval.py)."""

from __future__ import annotations

import pytest

from bot.nlu.approval import delay_in, money_in, people_in


@pytest.mark.parametrize(("text", "amount"), [
    ("追加预算 5万", 50000.0), ("budget +20k", 20000.0), ("¥20,000 预算", 20000.0), ("预算增加 3千元", 3000.0),
    ("加2个测试人员", None), ("需要 5 个人", None),
])
def test_money(text: str, amount: float | None) -> None:
    assert money_in(text) == amount


@pytest.mark.parametrize(("text", "count"), [
    ("加2个测试人员", 2), ("两名开发", 2), ("another developer", 1), ("two more engineers", 2), ("追加预算 5万", None),
])
def test_people(text: str, count: int | None) -> None:
    assert people_in(text) == count


@pytest.mark.parametrize(("text", "delay"), [
    ("延期两周", (14, "days")), ("延期3天", (3, "days")), ("delay by 2 working days", (2, "workdays")),
    ("delay a day", (1, "days")), ("推迟三个工作日", (3, "workdays")), ("需要追加预算", None),
])
def test_delay(text: str, delay: tuple[int, str] | None) -> None:
    assert delay_in(text) == delay


def _change(text: str) -> object:
    import datetime as dt

    from bot.nlu.change import parse_change
    from bot.nlu.message import Message
    from bot.nlu.normalize import normalize

    return parse_change(Message(normalize(text, None), dt.date(2026, 12, 1), dt.time(10), dt.time(18), 8.0))


@pytest.mark.parametrize(("text", "summary", "hours"), [
    # Issue 14.6: the whole figure clause goes, the sentence left reads as written.
    ("CRM-1 增加导出Excel功能，预计增加8小时工作量", "增加导出Excel功能", 8.0),
    ("change request CRM-1 also support Azure AD login, about 16h more", "also support Azure AD login", 16.0),
    # Issue 14.1: working days are a slip, never hours of effort.
    ("变更申请 CRM-1 延期3个工作日 原因 接口晚到", "延期3个工作日", None),
    ("change request CRM-1 delay by 2 business days because the API is late", "delay by 2 business days", None),
])
def test_a_figure_leaves_a_readable_summary(text: str, summary: str, hours: float | None) -> None:
    change = _change(text)
    assert change is not None
    assert (change.summary, change.extra_hours) == (summary, hours)  # type: ignore[attr-defined]
