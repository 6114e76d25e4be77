"""Deadlines as people write them, class by class (issue 12), on several reference days.

Each row: the moment the user writes, what they write, and what the task card then shows: the due date
(``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``) and the title. Reference days: a Friday (2026-11-27), a Sunday
(2026-11-29), a month end (Monday 2026-11-30) and the year end (Thursday 2026-12-31).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse

SH = ZoneInfo("Asia/Shanghai")
FRI = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
SUN = datetime(2026, 11, 29, 10, 0, tzinfo=SH)
MONTH_END = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
DEC31 = datetime(2026, 12, 31, 16, 0, tzinfo=SH)
FRI_AFTERNOON = datetime(2026, 11, 27, 15, 0, tzinfo=SH)


def _card(text: str, now: datetime) -> tuple[str | None, str | None]:
    out = parse(text, now=now).to_dict()
    assert out["intent"] == "create_task", out
    return out["due"], out["title"]


# (now, message, due, title)
TIMES_OF_DAY = [
    (FRI, "new task prepare slides this afternoon", "2026-11-27", "prepare slides"),
    (FRI, "new task prepare slides by 3:30", "2026-11-27T15:30", "prepare slides"),
    (FRI, "new task prepare slides by 3:15p", "2026-11-27T15:15", "prepare slides"),
    (FRI, "new task prepare slides by 03:30", "2026-11-28T03:30", "prepare slides"),  # as written; past: tomorrow
    (FRI, "new task prepare slides by 8 tonight", "2026-11-27T20:00", "prepare slides"),
    (FRI, "new task prepare slides tomorrow at 5", "2026-11-28T17:00", "prepare slides"),
    (FRI, "new task prepare slides by 9 tomorrow morning", "2026-11-28T09:00", "prepare slides"),
    (FRI, "new task prepare slides Saturday morning at 9", "2026-11-28T09:00", "prepare slides"),
    (FRI, "new task prepare slides tonight at 11", "2026-11-27T23:00", "prepare slides"),
    (FRI, "new task prepare slides by a quarter past 3pm", "2026-11-27T15:15", "prepare slides"),
    (FRI, "new task prepare slides by half past 4", "2026-11-27T16:30", "prepare slides"),
    (FRI, "new task prepare slides by 15 to noon", "2026-11-27T11:45", "prepare slides"),
    (FRI, "new task prepare slides by 20 minutes to 2pm tomorrow", "2026-11-28T13:40", "prepare slides"),
    (FRI, "new task prepare slides by 3 o'clock", "2026-11-27T15:00", "prepare slides"),
    (FRI, "new task prepare slides at 1030", "2026-11-27T10:30", "prepare slides"),
    (FRI, "new task prepare slides by 330 p.m.", "2026-11-27T15:30", "prepare slides"),
    (FRI, "new task prepare slides by seven thirty p.m.", "2026-11-27T19:30", "prepare slides"),
    (FRI, "new task prepare slides by 3 in the morning", "2026-11-28T03:00", "prepare slides"),
    (FRI, "new task prepare slides by 9am", "2026-11-28T09:00", "prepare slides"),  # 9am has passed
    (FRI, "new task prepare slides by EOD", "2026-11-27T18:00", "prepare slides"),
    (FRI, "new task prepare slides by COB tomorrow", "2026-11-28T18:00", "prepare slides"),
    (FRI, "new task prepare slides by noon", "2026-11-27T12:00", "prepare slides"),
    (FRI, "新建任务 准备材料 三点十五", "2026-11-27T15:15", "准备材料"),
    (FRI, "新建任务 准备材料 三点半", "2026-11-27T15:30", "准备材料"),
    (FRI, "新建任务 准备材料 下午三点一刻", "2026-11-27T15:15", "准备材料"),
    (FRI, "新建任务 准备材料 下午三点零五分", "2026-11-27T15:05", "准备材料"),
    (FRI, "新建任务 准备材料 今晚8点", "2026-11-27T20:00", "准备材料"),
    (FRI, "新建任务 准备材料 明天早上9点", "2026-11-28T09:00", "准备材料"),
    (FRI, "新建任务 准备材料 中午", "2026-11-27T12:00", "准备材料"),
    (FRI, "新建任务 准备材料 晚上", "2026-11-27", "准备材料"),  # a part of day alone: the date only
    (FRI, "新建任务 准备材料 明天 上午", "2026-11-28", "准备材料"),
    (FRI_AFTERNOON, "新建任务 准备材料 上午", "2026-11-28", "准备材料"),  # the morning has gone
    (FRI, "新建任务 准备材料 下班前", "2026-11-27T18:00", "准备材料"),
    (DEC31, "新建任务 年终总结 明天上午10点", "2027-01-01T10:00", "年终总结"),
    (DEC31, "new task close the books by 3pm", "2027-01-01T15:00", "close the books"),  # 3pm has passed
]

WHICH_DATE = [
    (FRI, "新建任务 周五例会纪要 下周一", "2026-11-30", "周五例会纪要"),
    (FRI, "new task prepare Q4 report for Friday meeting by Thursday", "2026-12-03",
     "prepare Q4 report for Friday meeting"),
    (SUN, "新建任务 明天的周会材料 周五前", "2026-12-04", "明天的周会材料"),
    (FRI, "new task review the Dec 5 release notes by Dec 3", "2026-12-03", "review the Dec 5 release notes"),
    (FRI, "新建任务 准备材料 下個月20號", "2026-12-20", "准备材料"),
    (SUN, "new task prepare slides by Friday evening", "2026-12-04", "prepare slides"),
    (FRI, "新建任务 三点建议整理 明天", "2026-11-28", "三点建议整理"),
    (FRI, "new task buy 2 licenses by Friday", "2026-11-27", "buy 2 licenses"),
    (FRI, "new task prepare the first draft by Monday", "2026-11-30", "prepare the first draft"),
    (FRI, "new task call vendor at 2 about the contract", None, "call vendor at 2 about the contract"),
    # a range is one phrase; its end is the deadline
    (FRI, "new task A by Dec 21-23", "2026-12-23", "A"),
    (FRI, "新建任务 A 12月21-23日", "2026-12-23", "A"),
    (FRI, "new task A from Monday to Wednesday", "2026-12-02", "A"),
    (FRI, "new task A Dec 21 - 3pm", "2026-12-21T15:00", "A"),
]

DATES = [
    (FRI, "new task A by Tuesday the 1st", "2026-12-01"),
    (FRI, "new task A on Fri, Dec 4 at 7:30 PM", "2026-12-04T19:30"),
    (FRI, "new task A by first of March", "2027-03-01"),
    (FRI, "new task A by March third", "2027-03-03"),
    (FRI, "new task A by the 3rd", "2026-12-03"),
    (FRI, "new task A by the 20th of next month", "2026-12-20"),
    (FRI, "new task A by end of April", "2027-04-30"),
    (MONTH_END, "new task A by end of next month", "2026-12-31"),
    (FRI, "new task A by 12/15/2026", "2026-12-15"),
    (FRI, "new task A by sat", "2026-11-28"),
    (FRI, "new task A by sun.", "2026-11-29"),
    (FRI, "new task A 7 days hence", "2026-12-04"),
    (FRI, "new task A in a fortnight", "2026-12-11"),
    (FRI, "new task A by 3 days from tomorrow", "2026-12-01"),
    (FRI, "new task A by Friday week", "2026-12-04"),
    (FRI, "new task A by 2026-12-05T17:00", "2026-12-05T17:00"),
    (FRI, "新建任务 A 3周后", "2026-12-18"),
    (MONTH_END, "新建任务 A 三个月后", "2027-02-28"),
    (FRI, "新建任务 A 三星期后", "2026-12-18"),
    (FRI, "新建任务 A 二零二七年三月三号", "2027-03-03"),
    (FRI, "新建任务 A 12月4日(周五)", "2026-12-04"),
    (SUN, "new task A by Friday", "2026-12-04"),
    (MONTH_END, "新建任务 A 月底前", "2026-11-30"),
    (DEC31, "new task A by Friday", "2027-01-01"),
    (DEC31, "新建任务 A 下周一", "2027-01-04"),
    (DEC31, "新建任务 A 月底", "2026-12-31"),
    (DEC31, "新建任务 A 下个月5号", "2027-01-05"),
    (DEC31, "new task A by Jan 3", "2027-01-03"),
]

TRADITIONAL = [
    (FRI, "新建任务 準備週會材料 週五前", "2026-11-27", "準備週會材料"),
    (FRI, "新建任务 發佈會 下個月20號", "2026-12-20", "發佈會"),
    (FRI, "新建任务 測試報告 三日後", "2026-11-30", "測試報告"),
    (FRI, "新建任务 A 下午三點", "2026-11-27T15:00", "A"),
    (FRI, "新建任务 A 禮拜三", "2026-12-02", "A"),
    (FRI, "新建任务 A 下個月廿號", "2026-12-20", "A"),
    (FRI, "新建任务 A 聽日", "2026-11-28", "A"),  # Cantonese: tomorrow
    (FRI, "新建任务 A 後日", "2026-11-29", "A"),
    (FRI, "新建任务 A 今個禮拜五", "2026-11-27", "A"),
    (FRI, "新建任务 A 晏晝三點三", "2026-11-27T15:15", "A"),  # Cantonese: 3 marks of 5 minutes
]


@pytest.mark.parametrize(("now", "text", "due", "title"), TIMES_OF_DAY + WHICH_DATE + TRADITIONAL)
def test_the_card_shows_the_deadline_said_and_a_clean_title(now: datetime, text: str, due: str | None,
                                                            title: str) -> None:
    assert _card(text, now) == (due, title)


@pytest.mark.parametrize(("now", "text", "due"), DATES)
def test_dates_are_understood(now: datetime, text: str, due: str) -> None:
    got, title = _card(text, now)
    assert (got, title) == (due, "A")


def test_a_range_gives_a_leave_both_ends() -> None:
    assert parse("PTO Dec 21-23", now=FRI).to_dict() == {"intent": "leave", "start": "2026-12-21",
                                                          "end": "2026-12-23"}


def test_a_weekday_that_contradicts_the_date_is_reported_and_the_date_wins() -> None:
    out = parse("new task A by Thursday, Dec 4", now=FRI).to_dict()
    assert out["due"] == "2026-12-04"
    assert out["warnings"] == [{"code": "weekday_mismatch", "date": "2026-12-04", "said": "Thu", "actual": "Fri"}]
    zh = parse("新建任务 A 12月4日(周四)", now=FRI).to_dict()
    assert zh["due"] == "2026-12-04" and zh["warnings"][0]["said"] == "周四"
    assert parse("new task A on Fri, Dec 4", now=FRI).to_dict()["warnings"] == []


def test_asap_words_are_a_priority_hint_not_title_words() -> None:
    out = parse("新建任务 尽快 修复登录", now=FRI).to_dict()
    assert (out["title"], out["priority"], out["due"]) == ("修复登录", "P1", None)
    assert parse("new task fix login ASAP", now=FRI).to_dict()["priority"] == "P0"  # keys.py: ASAP is P0
    assert parse("新建任务 修复登录 尽快 P2", now=FRI).to_dict()["priority"] == "P2"  # a level said wins


# ---------------------------------------------------------------- holidays through the caller's calendar

def _national_day_2026(name: str | None, on_or_after: date) -> tuple[date, date] | None:
    """A calendar that knows one holiday, 国庆 2026 (10-01..10-07), and nothing after it."""
    block = (date(2026, 10, 1), date(2026, 10, 7))
    return block if name in (None, "国庆") and on_or_after <= block[1] else None


@pytest.mark.parametrize(("text", "due"), [
    ("新建任务 材料 国庆前", "2026-09-30"),
    ("新建任务 材料 十一前", "2026-09-30"),
    ("新建任务 材料 国庆后", "2026-10-08"),
    ("新建任务 材料 节后第一天", "2026-10-08"),
    ("new task report before National Day", "2026-09-30"),
])
def test_holiday_names_use_the_calendar(text: str, due: str) -> None:
    out = parse(text, now=datetime(2026, 9, 1, 10, 0, tzinfo=SH), holidays=_national_day_2026).to_dict()
    assert out["due"] == due and out["title"] in ("材料", "report")


@pytest.mark.parametrize("text", ["新建任务 材料 春节前", "新建任务 材料 元旦前"])
def test_a_holiday_the_calendar_cannot_place_is_no_date(text: str) -> None:
    # The calendar has no data for the next 春节 / 元旦: no date is invented, the words stay in the title.
    out = parse(text, now=datetime(2026, 11, 1, 10, 0, tzinfo=SH), holidays=_national_day_2026).to_dict()
    assert out["due"] is None and out["title"] == text.split(" ", 1)[1]
    assert parse(text, now=datetime(2026, 11, 1, 10, 0, tzinfo=SH)).to_dict()["due"] is None  # no calendar at all


def test_the_project_calendar_knows_the_official_blocks_and_nothing_past_its_data() -> None:
    from bot.core.workdays import default_calendar

    cal = default_calendar()
    assert cal.holiday_period("国庆", date(2026, 9, 1)) == (date(2026, 10, 1), date(2026, 10, 7))
    assert cal.holiday_period("春节", date(2026, 1, 5)) == (date(2026, 2, 15), date(2026, 2, 23))
    assert cal.holiday_period("国庆", date(2026, 11, 1)) is None  # 2027 has no official data


# ---------------------------------------------------------------- hours next to other tokens

@pytest.mark.parametrize(("text", "task", "hours"), [
    ("CRM-22一个半小时", "CRM-22", 1.5),
    ("CRM-22两个小时", "CRM-22", 2.0),
    ("CRM-22半小时", "CRM-22", 0.5),
    ("log 2h on CRM-1 \x1b[31mred\x1b[0m", "CRM-1", 2.0),  # the colour code "31m" is no estimate
])
def test_hours_right_after_a_task_key(text: str, task: str, hours: float) -> None:
    out = parse(text, now=FRI).to_dict()
    assert out["intent"] == "log_hours"
    assert [(e["task"], e["hours"]) for e in out["entries"]] == [(task, hours)]


def test_each_amount_belongs_to_the_key_before_it() -> None:
    out = parse("CRM-22一个半小时 CRM-23两个小时 昨天", now=FRI).to_dict()
    assert [(e["task"], e["hours"], e["date"]) for e in out["entries"]] == [
        ("CRM-22", 1.5, "2026-11-26"), ("CRM-23", 2.0, "2026-11-26")]


@pytest.mark.parametrize(("text", "due"), [
    ("新建任务 整理文档 3天后", "2026-11-30"),
    ("新建任务 整理文档 三日後", "2026-11-30"),
    ("new task tidy docs 7 days hence", "2026-12-04"),
    ("new task tidy docs in 2 weeks", "2026-12-11"),
])
def test_a_date_phrase_is_never_an_estimate(text: str, due: str) -> None:
    out = parse(text, now=FRI).to_dict()
    assert (out["due"], out["estimate_hours"]) == (due, None)
