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
