"""The building blocks: dates (deadline vs log), amounts of time, mentions, normalization."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse
from bot.nlu.dates import DEADLINE, LOG, find_dates
from bot.nlu.durations import find_hours
from bot.nlu.mentions import find_mentions
from bot.nlu.normalize import normalize

TODAY = date(2026, 11, 25)  # Wednesday
NOW = datetime(2026, 11, 25, 10, 0)  # noqa: DTZ001 - naive means local to the tz argument

# (text, deadline reading, log reading)
DATES = [
    ("周五", "2026-11-27", "2026-11-20"),
    ("本周五", "2026-11-27", "2026-11-27"),
    ("这周五", "2026-11-27", "2026-11-27"),
    ("this Friday", "2026-11-27", "2026-11-27"),
    ("by Friday", "2026-11-27", "2026-11-20"),
    ("下周五", "2026-12-04", "2026-12-04"),
    ("next Friday", "2026-12-04", "2026-12-04"),
    ("下下周一", "2026-12-07", "2026-12-07"),
    ("上周五", "2026-11-20", "2026-11-20"),
    ("last Friday", "2026-11-20", "2026-11-20"),
    ("周一", "2026-11-30", "2026-11-23"),
    ("周三", "2026-11-25", "2026-11-25"),
    ("星期天", "2026-11-29", "2026-11-22"),
    ("礼拜二", "2026-12-01", "2026-11-24"),
    ("月底", "2026-11-30", "2026-11-30"),
    ("end of month", "2026-11-30", "2026-11-30"),
    ("下个月底", "2026-12-31", "2026-12-31"),
    ("年底", "2026-12-31", "2026-12-31"),
    ("end of year", "2026-12-31", "2026-12-31"),
    ("3天后", "2026-11-28", "2026-11-28"),
    ("三天后", "2026-11-28", "2026-11-28"),
    ("in 3 days", "2026-11-28", "2026-11-28"),
    ("两周内", "2026-12-09", "2026-12-09"),
    ("within two weeks", "2026-12-09", "2026-12-09"),
    ("两天内", "2026-11-27", "2026-11-27"),
    ("3天前", "2026-11-22", "2026-11-22"),
    ("12月1日", "2026-12-01", "2025-12-01"),
    ("12月1日前", "2026-12-01", "2025-12-01"),
    ("十二月一号", "2026-12-01", "2025-12-01"),
    ("12/15", "2026-12-15", "2025-12-15"),
    ("12-20", "2026-12-20", "2025-12-20"),
    ("Dec 1", "2026-12-01", "2025-12-01"),
    ("before Dec 1", "2026-12-01", "2025-12-01"),
    ("1 December", "2026-12-01", "2025-12-01"),
    ("1月10日", "2027-01-10", "2026-01-10"),
    ("11月20日", "2027-11-20", "2026-11-20"),
    ("11月25日", "2026-11-25", "2026-11-25"),
    ("2026-12-03", "2026-12-03", "2026-12-03"),
    ("2027年1月5日", "2027-01-05", "2027-01-05"),
    ("今天", "2026-11-25", "2026-11-25"),
    ("明天", "2026-11-26", "2026-11-26"),
    ("后天", "2026-11-27", "2026-11-27"),
    ("昨天", "2026-11-24", "2026-11-24"),
    ("前天", "2026-11-23", "2026-11-23"),
    ("today", "2026-11-25", "2026-11-25"),
    ("tomorrow", "2026-11-26", "2026-11-26"),
    ("yesterday", "2026-11-24", "2026-11-24"),
    ("this morning", "2026-11-25", "2026-11-25"),
    ("明天下午3点", "2026-11-26T15:00", "2026-11-26T15:00"),
    ("明天下午三点半", "2026-11-26T15:30", "2026-11-26T15:30"),
    ("周四下午4点", "2026-11-26T16:00", "2026-11-19T16:00"),
    ("明晚8点", "2026-11-26T20:00", "2026-11-26T20:00"),
    ("上午10点半", "2026-11-25T10:30", "2026-11-25T10:30"),
    ("晚上9点", "2026-11-25T21:00", "2026-11-25T21:00"),
    ("下班前", "2026-11-25T18:00", "2026-11-25T18:00"),
    ("明天下班前", "2026-11-26T18:00", "2026-11-26T18:00"),
    ("3pm", "2026-11-25T15:00", "2026-11-25T15:00"),
    ("15:00", "2026-11-25T15:00", "2026-11-25T15:00"),
    ("Friday 3pm", "2026-11-27T15:00", "2026-11-20T15:00"),
    ("tomorrow at 10:30am", "2026-11-26T10:30", "2026-11-26T10:30"),
    ("9am", "2026-11-26T09:00", "2026-11-25T09:00"),  # already past: a deadline means tomorrow
    ("5号", "2026-12-05", "2026-11-05"),
    ("下个月5号", "2026-12-05", "2026-12-05"),
]


@pytest.mark.parametrize(("text", "deadline", "log"), DATES)
def test_dates(text: str, deadline: str, log: str) -> None:
    spans = find_dates(text, TODAY, time(10, 0), DEADLINE)
    assert [s.iso() for s in spans] == [deadline]
    assert [s.iso() for s in find_dates(text, TODAY, time(10, 0), LOG)] == [log]


def test_log_dates_are_never_in_the_future_for_weekdays_and_bare_dates() -> None:
    for text in ("周五", "周六", "12月1日", "Dec 24", "12/31", "friday", "30号"):
        for span in find_dates(text, TODAY, time(10, 0), LOG):
            assert span.day <= TODAY, text


def test_workday_end_is_configurable() -> None:
    spans = find_dates("下班前", TODAY, time(10, 0), DEADLINE, workday_end=time(17, 30))
    assert spans[0].iso() == "2026-11-25T17:30"


@pytest.mark.parametrize("text", ["CRM-12", "v1-2", "UTF-8", "1.5h", "3小时", "2 hours", "50%"])
def test_not_dates(text: str) -> None:
    assert find_dates(text, TODAY, time(10, 0)) == []


HOURS = [
    ("3h", 3.0), ("3小时", 3.0), ("三个小时", 3.0), ("2.5h", 2.5), ("两个半小时", 2.5), ("一个半小时", 1.5),
    ("1h30m", 1.5), ("1小时30分钟", 1.5), ("90分钟", 1.5), ("45m", 0.75), ("30 mins", 0.5), ("半小时", 0.5),
    ("半天", 4.0), ("一天", 8.0), ("half a day", 4.0), ("2天", 16.0), ("2 hours", 2.0), ("an hour", 1.0),
    ("1.5 hours", 1.5), ("an hour and a half", 1.5), ("3 hrs", 3.0), ("两小时", 2.0), ("十小时", 10.0),
    ("1h 30min", 1.5), ("3小时半", 3.5), ("-2h", -2.0), ("log -3小时", -3.0), ("0h", 0.0), ("99999小时", 99999.0),
]


@pytest.mark.parametrize(("text", "hours"), HOURS)
def test_hours(text: str, hours: float) -> None:
    assert [h.hours for h in find_hours(text)] == [hours]


def test_day_length_is_configurable() -> None:
    assert [h.hours for h in find_hours("半天", day_hours=7.5)] == [3.75]
    d = parse("昨天在CRM-2上花了一天", now=NOW, day_hours=7.0).to_dict()
    assert d["entries"][0]["hours"] == 7.0


@pytest.mark.parametrize("text", ["CRM-3h", "P1", "12/15", "第3天", "百分之四十", "1-2h"])
def test_not_hours(text: str) -> None:
    assert find_hours(text) == []


MENTIONS = [
    ("给@小王，周四", ["小王"]),
    ("@张三下周五前", ["张三"]),
    ("@王小明负责", ["王小明"]),
    ("<@U123> and @bob.smith, @alice", ["U123", "bob.smith", "alice"]),
    ("<@U123|bob>", ["U123"]),
    ("mail bob@example.com", []),
    ("@李四 加入 OA", ["李四"]),
    ("把@张三加入CRM", ["张三"]),
    ("@bob.", ["bob"]),
]


@pytest.mark.parametrize(("text", "users"), MENTIONS)
def test_mentions(text: str, users: list[str]) -> None:
    assert [m.user for m in find_mentions(text)] == users


def test_normalize_full_width_spaces_and_bot_mention() -> None:
    assert normalize("ＣＲＭ－３　完成了！") == "CRM-3 完成了!"
    assert normalize("<@UBOT>  CRM-3   done ", bot_id="UBOT") == "CRM-3 done"
    assert normalize("a\u200bb\x07c") == "a b c"
    assert normalize("【CRM】") == "[CRM]"


def test_bot_mention_is_removed_before_parsing() -> None:
    d = parse("<@UBOT> 新建任务 登录页 <@U2>", now=NOW, bot_id="UBOT").to_dict()
    assert d["assignees"] == ["U2"] and d["title"] == "登录页"


def test_aware_now_is_converted_to_the_chat_time_zone() -> None:
    # 2026-11-24T18:30Z is already Wednesday 02:30 in Shanghai.
    aware = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)
    assert parse("新建任务 x 明天", now=aware).to_dict()["due"] == "2026-11-26"
    assert parse("新建任务 x 明天", now=aware, tz="America/New_York").to_dict()["due"] == "2026-11-25"
    local = datetime(2026, 11, 25, 2, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert parse("新建任务 x 明天", now=local).to_dict()["due"] == "2026-11-26"


def test_naive_now_is_local_time() -> None:
    naive = datetime(2026, 11, 25, 23, 59)  # noqa: DTZ001 - naive on purpose
    assert parse("新建任务 x 明天", now=naive, tz="America/New_York").to_dict()["due"] == "2026-11-26"
