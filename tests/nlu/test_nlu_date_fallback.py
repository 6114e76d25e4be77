"""dateparser as the fallback for English deadlines the rules do not read, and its guards.

Each known silent failure of dateparser (docs/nlu.md) has a row: the fallback gives no date, or the
contract's date, never dateparser's wrong one.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse
from bot.nlu.fallback import fallback_date

FRI = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TODAY, NOW = date(2026, 11, 27), time(10, 0)


@pytest.mark.parametrize(("text", "due"), [
    ("new task A due 5-Dec-2026", "2026-12-05"),
    ("new task A due December 2026 5", "2026-12-05"),
])
def test_the_fallback_reads_what_the_rules_miss(text: str, due: str) -> None:
    out = parse(text, now=FRI).to_dict()
    assert (out["due"], out["title"]) == (due, "A")


@pytest.mark.parametrize(("text", "taken", "iso"), [
    ("by 1030", [], None),  # dateparser: the year 1030
    ("by Dec 21-23", [], None),  # dateparser: the year 2123
    ("by 8 tonight", [], None),  # dateparser: the reference time
    ("by next wednesday", [], "2026-12-02"),  # dateparser: this week's; the contract: next week's
    ("by 12.5.2026", [], None),  # numbers only: 12 May or December 5? Ask, do not guess
    ("due est 12h", [(7, 10)], None),  # a duration the caller read is never a time
    ("by 2 hrs", [], None),  # no clock time said
    ("by at 15 past 3pm", [], None),  # clock arithmetic: dateparser reads the 15th
    ("by April 14, 2015", [], None),  # a year said must be the year found (and within a few of today)
    ("by 3:30", [], "2026-11-27T15:30"),  # the contract's clock: 1-6 without am/pm is the afternoon
    ("by the day after the meeting", [], None),
])
def test_guards(text: str, taken: list[tuple[int, int]], iso: str | None) -> None:
    span = fallback_date(text, TODAY, NOW, taken)
    assert (span.iso() if span else None) == iso


def test_chatter_and_chinese_never_reach_dateparser() -> None:
    import bot.nlu.fallback as fb

    before = fb.calls
    for text in ("ok thanks", "see you", "新建任务 准备材料 某天", "work on the API", "by bob"):
        parse(text, now=FRI)
    assert fb.calls == before
