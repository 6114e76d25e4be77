"""Working days: the official 2026 schedule, the assumption past the data, admin overrides, and the CLI."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from bot.core import workdays
from bot.core.workdays import DayInfo, Override, WorkCalendar, default_calendar, load_calendar
from storage.db import Database
from tests.test_cli import cli

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def test_national_day_week_2026_and_its_make_up_workdays() -> None:
    for day in range(1, 8):
        assert not CAL.is_workday(D(2026, 10, day)), day
    assert CAL.is_workday(D(2026, 9, 30)) and CAL.is_workday(D(2026, 10, 8))
    # 调休: Sunday 09-20 and Saturday 10-10 are worked
    assert CAL.is_workday(D(2026, 9, 20)) and CAL.is_makeup_workday(D(2026, 9, 20))
    assert CAL.is_workday(D(2026, 10, 10)) and CAL.is_makeup_workday(D(2026, 10, 10))
    assert not CAL.is_workday(D(2026, 10, 11))  # an ordinary Sunday
    assert CAL.describe(D(2026, 10, 4)) == DayInfo(D(2026, 10, 4), False, "holiday", "国庆节", "official")
    assert CAL.describe(D(2026, 10, 10), "en") == DayInfo(D(2026, 10, 10), True, "makeup_workday",
                                                          "National Day", "official")
    assert CAL.describe(D(2026, 10, 9)) == DayInfo(D(2026, 10, 9), True, "workday", None, "official")
    assert CAL.describe(D(2026, 10, 17)).kind == "weekend"


def test_spring_festival_2026_and_new_year() -> None:
    assert [d for d in range(14, 24) if not CAL.is_workday(D(2026, 2, d))] == list(range(15, 24))
    assert CAL.is_makeup_workday(D(2026, 2, 14)) and CAL.is_makeup_workday(D(2026, 2, 28))
    assert CAL.describe(D(2026, 2, 17)).name == "春节"
    assert CAL.next_workday(D(2026, 2, 13)) == D(2026, 2, 14)  # Friday -> the make-up Saturday
    assert CAL.next_workday(D(2026, 2, 14)) == D(2026, 2, 24)
    assert CAL.previous_workday(D(2026, 2, 24)) == D(2026, 2, 14)
    # 2026-01-04 is a Sunday worked for 元旦
    assert not CAL.is_workday(D(2026, 1, 2)) and CAL.is_workday(D(2026, 1, 4))
    assert CAL.describe(D(2026, 1, 4)).name == "元旦"


def test_add_workdays_across_a_holiday() -> None:
    assert CAL.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert CAL.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)  # 10-08, 10-09, the make-up 10-10
    assert CAL.add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert CAL.add_workdays(D(2026, 10, 4), 0) == D(2026, 10, 4)  # n == 0: unchanged, even on a holiday
    assert CAL.add_workdays(D(2026, 10, 4), 1) == D(2026, 10, 8)
    assert CAL.add_workdays(D(2026, 10, 4), -1) == D(2026, 9, 30)


def test_workdays_between_is_signed_and_counts_the_half_open_interval() -> None:
    a, b = D(2026, 9, 30), D(2026, 10, 12)  # (a, b]: 10-08, 10-09, 10-10, 10-12
    assert CAL.workdays_between(a, b) == 4
    assert CAL.workdays_between(b, a) == -4
    assert CAL.workdays_between(a, a) == 0
    assert CAL.workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0  # all holiday
    assert CAL.workdays_between(D(2026, 10, 16), D(2026, 10, 19)) == 1  # Friday -> Monday
    assert CAL.add_workdays(a, CAL.workdays_between(a, b)) == b  # both working days: a round trip
    # "due within one working day" on the last day before the holiday
    assert CAL.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) <= 1


def test_working_hours_count_office_hours_on_working_days_only() -> None:
    # The case: asked Tuesday 11:10, read Monday 10:00 — not 95 calendar hours but ~31 office hours
    # (Tue 11:10–12:00 and 13:00–18:00, three full 8 h days, Mon 09:00–10:00).
    tue = dt.datetime(2026, 11, 24, 11, 10, tzinfo=SHANGHAI)
    mon = dt.datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    assert round(CAL.working_hours_between(tue, mon), 2) == 30.83
    assert CAL.working_hours_between(mon, tue) == -CAL.working_hours_between(tue, mon)
    # A UTC instant is read in the first instant's zone (the project's).
    assert CAL.working_hours_between(tue, mon.astimezone(dt.UTC)) == CAL.working_hours_between(tue, mon)
    # The National Day holiday counts nothing: Wed 09-30 13:00–18:00, then Thursday 10-08 from 09:00.
    start = dt.datetime(2026, 9, 30, 12, 0, tzinfo=SHANGHAI)
    assert CAL.working_hours_between(start, dt.datetime(2026, 10, 8, 6, 0, tzinfo=SHANGHAI)) == 5.0
    assert CAL.working_hours_between(start, dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)) == 6.0
    # Other office hours (WORKDAY_START/END/BREAK): 10:00–18:00 without a break.
    late = workdays.WorkingHours(dt.time(10, 0), dt.time(18, 0), None)
    assert round(CAL.working_hours_between(tue, mon, late), 2) == 30.83 and late.per_day == 8.0
    assert workdays.WorkingHours().per_day == 8.0


def test_past_the_data_weekends_and_fixed_date_holidays_are_assumed_with_one_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(workdays, "_warned", set())
    assert CAL.covers(2026) and not CAL.covers(2027)
    with caplog.at_level(logging.WARNING, logger="bot.core.workdays"):
        assert not CAL.is_workday(D(2027, 1, 1))  # 元旦, a Friday
        assert not CAL.is_workday(D(2027, 10, 1)) and CAL.is_workday(D(2027, 10, 4))  # 10-1..10-3 only
        assert not CAL.is_workday(D(2027, 4, 5))  # 清明, from the solar term
        assert CAL.is_workday(D(2027, 2, 8))  # 春节 is lunar: not guessed
        assert not CAL.is_workday(D(2027, 1, 9))  # a Saturday
        assert CAL.describe(D(2027, 10, 1)) == DayInfo(D(2027, 10, 1), False, "holiday", "国庆节", "assumed")
        assert CAL.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "2027" in warnings[0].getMessage()


def test_overrides_take_precedence() -> None:
    cal = WorkCalendar({D(2027, 2, 8): Override("holiday", "春节"), D(2027, 2, 20): "workday",
                        D(2026, 10, 7): "workday", D(2026, 10, 9): "holiday"})
    assert not cal.is_workday(D(2027, 2, 8)) and cal.describe(D(2027, 2, 8)).name == "春节"
    assert cal.describe(D(2027, 2, 20)) == DayInfo(D(2027, 2, 20), True, "makeup_workday", None, "override")
    assert cal.is_workday(D(2026, 10, 7)) and not cal.is_workday(D(2026, 10, 9))  # over the official data
    assert cal.covers(2027)  # an admin has entered days for 2027
    assert cal.add_workdays(D(2026, 9, 30), 2) == D(2026, 10, 8)  # 10-07, 10-08
    assert CAL.is_workday(D(2026, 10, 9))  # the other calendar is untouched
    with pytest.raises(ValueError):
        WorkCalendar({D(2027, 1, 1): "vacation"})  # type: ignore[dict-item]
    assert default_calendar() is default_calendar()


def test_admin_calendar_cli_and_load_calendar(db_url: str) -> None:
    added = cli("admin", "calendar", "add", "2027-02-16", "holiday", "--name", "春节", db=db_url)
    assert added.returncode == 0, added.stderr
    assert "2027-02-16" in added.stdout and "holiday" in added.stdout
    assert cli("admin", "calendar", "add", "2027-02-07", "workday", db=db_url).returncode == 0
    assert cli("admin", "calendar", "add", "2026-12-31", "holiday", db=db_url).returncode == 0
    again = cli("admin", "calendar", "add", "2027-02-16", "holiday", "--name", "春节假期", db=db_url)
    assert again.returncode == 0, again.stderr  # an upsert
    listed = cli("admin", "calendar", "list", "--year", "2027", db=db_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["2027-02-07 Sun workday", "2027-02-16 Tue holiday 春节假期"]
    assert "2026-12-31" in cli("admin", "calendar", "list", db=db_url).stdout

    async def load() -> WorkCalendar:
        db = Database(db_url)
        try:
            async with db.unit_of_work() as session:
                return await load_calendar(session)
        finally:
            await db.dispose()

    import asyncio

    cal = asyncio.run(load())
    assert not cal.is_workday(D(2027, 2, 16)) and cal.describe(D(2027, 2, 16)).name == "春节假期"
    assert cal.is_makeup_workday(D(2027, 2, 7)) and not cal.is_workday(D(2026, 12, 31))

    removed = cli("admin", "calendar", "remove", "2027-02-07", db=db_url)
    assert removed.returncode == 0 and "removed" in removed.stdout
    missing = cli("admin", "calendar", "remove", "2027-02-07", db=db_url)
    assert missing.returncode == 1 and "no calendar override for 2027-02-07" in missing.stderr
    bad = cli("admin", "calendar", "add", "2027-13-01", "holiday", db=db_url)
    assert bad.returncode == 2 and "not a date" in bad.stderr
    assert asyncio.run(load()).is_workday(D(2027, 2, 7)) is False  # back to the weekend rule
