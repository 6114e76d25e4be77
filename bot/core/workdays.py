"""The one home of the working-day rules: Chinese statutory holidays, make-up workdays (调休) and admin overrides.

Which day is a working day, in this order:

1. an admin's override (`calendar_days` table, `pmo-bot admin calendar add`) wins;
2. in a year the official data covers (chinesecalendar: the State Council's schedules, 2004–2026 in 1.11.0),
   the official schedule: holidays (including the weekend days inside a holiday block) are off, make-up
   workdays (a Saturday or Sunday worked) are on;
3. past the data (the next year's schedule is published around November), an *assumption*: Saturdays and
   Sundays are off, and so are the statutory days whose date is known in advance (《全国年节及纪念日放假办法》
   as amended from 2025): 元旦 1-1, 劳动节 5-1 and 5-2, 国庆节 10-1..10-3, and 清明节 on the 清明 solar term
   (4-4 or 4-5, computed, not guessed). The lunar holidays (春节, 端午节, 中秋节), the bridging days around
   every holiday and the make-up workdays cannot be known, so they are not assumed: an admin adds them. The
   first use of such a year logs a warning once per process.

Dates are calendar dates in the project's timezone; the caller converts. Everything here is pure apart from
that warning, and from `load_calendar`, which reads the overrides through the session it is given.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, cast

import chinese_calendar
from sqlalchemy.ext.asyncio import AsyncSession

from storage import calendar as calendar_store

logger = logging.getLogger(__name__)

Kind = Literal["holiday", "workday"]
KINDS: tuple[Kind, ...] = ("holiday", "workday")
DayKind = Literal["workday", "weekend", "holiday", "makeup_workday"]
Source = Literal["override", "official", "assumed"]

_ONE = dt.timedelta(days=1)
# Years the library has the official schedule for (2004–2026 in chinesecalendar 1.11.0).
OFFICIAL_YEARS: frozenset[int] = frozenset(d.year for d in itertools.chain(chinese_calendar.holidays,
                                                                            chinese_calendar.workdays))
# chinesecalendar's English names -> (zh, en).
_NAMES: dict[str, tuple[str, str]] = {
    "New Year's Day": ("元旦", "New Year's Day"),
    "Spring Festival": ("春节", "Spring Festival"),
    "Tomb-sweeping Day": ("清明节", "Qingming Festival"),
    "Labour Day": ("劳动节", "Labour Day"),
    "Dragon Boat Festival": ("端午节", "Dragon Boat Festival"),
    "Mid-autumn Festival": ("中秋节", "Mid-Autumn Festival"),
    "National Day": ("国庆节", "National Day"),
    "Anti-Fascist 70th Day": ("抗战胜利70周年纪念日", "Victory Day (70th anniversary)"),
}
# Past the data: the statutory days with a fixed Gregorian date (清明 is added from the solar term).
ASSUMED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "New Year's Day", (5, 1): "Labour Day", (5, 2): "Labour Day",
    (10, 1): "National Day", (10, 2): "National Day", (10, 3): "National Day",
}
_warned: set[int] = set()


@dataclass(frozen=True, slots=True)
class Override:
    """An admin's ruling on one day."""

    kind: Kind
    name: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the calendar says about one day. `name` is the holiday ("国庆节"), also on its make-up workdays."""

    date: dt.date
    workday: bool
    kind: DayKind  # makeup_workday: a Saturday or Sunday that is worked (调休上班)
    name: str | None
    source: Source  # override, official (library data) or assumed (past the data: weekend + fixed dates)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """Office hours on a working day (WORKDAY_START, WORKDAY_END, WORKDAY_BREAK): [start, end) less the break."""

    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(18, 0)
    break_: tuple[dt.time, dt.time] | None = (dt.time(12, 0), dt.time(13, 0))

    def spans(self) -> list[tuple[dt.time, dt.time]]:
        """The working spans of a day, in order (the break cut out when it lies inside the day)."""
        if self.break_ is None or not self.start < self.break_[0] < self.break_[1] < self.end:
            return [(self.start, self.end)] if self.start < self.end else []
        return [(self.start, self.break_[0]), (self.break_[1], self.end)]

    @property
    def per_day(self) -> float:
        return sum((dt.datetime.combine(dt.date.min, hi) - dt.datetime.combine(dt.date.min, lo)).total_seconds()
                   for lo, hi in self.spans()) / 3600


class WorkCalendar:
    """An immutable working-day calendar: the library's official data plus admin overrides."""

    __slots__ = ("_override_years", "_overrides")

    def __init__(self, overrides: Mapping[dt.date, Kind | Override] | None = None) -> None:
        rules: dict[dt.date, Override] = {}
        for day, rule in (overrides or {}).items():
            rule = rule if isinstance(rule, Override) else Override(rule)
            if rule.kind not in KINDS:
                raise ValueError(f"{day}: kind must be 'holiday' or 'workday', not {rule.kind!r}")
            rules[day] = rule
        self._overrides: Mapping[dt.date, Override] = MappingProxyType(rules)
        self._override_years = frozenset(d.year for d in rules)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, str, str]]) -> WorkCalendar:
        """From (day, kind, name) rows, as `storage.calendar.list_days` returns them."""
        return cls({day: Override(cast(Kind, kind), name) for day, kind, name in rows})

    @property
    def overrides(self) -> Mapping[dt.date, Override]:
        return self._overrides

    def covers(self, year: int) -> bool:
        """Real data exists for `year`: the official schedule, or days an admin entered for that year."""
        return year in OFFICIAL_YEARS or year in self._override_years

    def is_workday(self, d: dt.date) -> bool:
        rule = self._overrides.get(d)
        if rule is not None:
            return rule.kind == "workday"
        if d.year in OFFICIAL_YEARS:
            if d in chinese_calendar.workdays:
                return True
            return d not in chinese_calendar.holidays and d.weekday() < 5
        self._warn(d.year)
        return d.weekday() < 5 and _assumed_holiday(d) is None

    def is_makeup_workday(self, d: dt.date) -> bool:
        """A Saturday or Sunday that is a working day (调休上班): the standup still runs, with a note."""
        return d.weekday() >= 5 and self.is_workday(d)

    def describe(self, d: dt.date, locale: str = "zh") -> DayInfo:
        """The day's kind, holiday name (in `locale`: zh or en) and where the answer comes from."""
        workday = self.is_workday(d)
        kind: DayKind = ("makeup_workday" if d.weekday() >= 5 else "workday") if workday else (
            "weekend" if d.weekday() >= 5 else "holiday")
        rule = self._overrides.get(d)
        if rule is not None:
            return DayInfo(d, workday, kind, rule.name or None, "override")
        if d.year in OFFICIAL_YEARS:
            raw = chinese_calendar.holidays.get(d) or chinese_calendar.workdays.get(d)
            if raw is not None and kind == "weekend":
                kind = "holiday"  # a weekend day inside a holiday block
            return DayInfo(d, workday, kind, _name(raw, locale), "official")
        return DayInfo(d, workday, kind, _name(_assumed_holiday(d), locale), "assumed")

    def holiday_period(self, name: str | None, on_or_after: dt.date) -> tuple[dt.date, dt.date] | None:
        """First and last day of the holiday block named `name` (元旦 春节 清明 劳动节 端午 中秋 国庆, as the
        parser names them; None: any holiday) that ends on or after `on_or_after`, for "国庆前", "节后第一天".
        None when the calendar cannot be sure: a day on the way has only the assumed rules, not real data."""
        d = on_or_after
        for _ in range(400):
            if not self.covers(d.year):
                return None  # no data (and no warning: nothing is assumed here)
            info = self.describe(d, "zh")
            if info.source == "assumed":
                return None
            if info.kind == "holiday" and (name is None or (info.name or "").startswith(name)):
                first, last = d, d
                while self._same_block(first - _ONE, info.name):
                    first -= _ONE
                while self._same_block(last + _ONE, info.name):
                    last += _ONE
                return first, last
            d += _ONE
        return None

    def _same_block(self, d: dt.date, name: str | None) -> bool:
        if not self.covers(d.year):
            return False
        info = self.describe(d, "zh")
        return info.source != "assumed" and info.kind in ("holiday", "weekend") and not info.workday and (
            info.kind == "weekend" or info.name == name)

    def next_workday(self, d: dt.date) -> dt.date:
        """The first working day strictly after `d`."""
        return self.add_workdays(d, 1)

    def previous_workday(self, d: dt.date) -> dt.date:
        """The last working day strictly before `d`."""
        return self.add_workdays(d, -1)

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after `d` (n > 0) or before it (n < 0); `d` itself, unchanged, for n == 0.

        `d` need not be a working day: add_workdays(Saturday, 1) is the first working day after it.
        """
        step = _ONE if n > 0 else -_ONE
        left = abs(n)
        while left:
            d += step
            if self.is_workday(d):
                left -= 1
        return d

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Signed count of working days from `a` to `b`: those in (a, b] when b > a, minus those in (b, a]
        when b < a, 0 when a == b. Antisymmetric; for working days a and b, add_workdays(a, result) == b.

        "Due within one working day": workdays_between(today, due) <= 1.
        "Blocked more than 2 working days": workdays_between(blocked_on, today) > 2.
        """
        if a == b:
            return 0
        if b < a:
            return -self.workdays_between(b, a)
        count, d = 0, a
        while d < b:
            d += _ONE
            count += self.is_workday(d)
        return count

    def working_hours_between(self, a: dt.datetime, b: dt.datetime, hours: WorkingHours | None = None) -> float:
        """Working hours in [a, b): on working days, the office hours `hours` (default 09:00–18:00 less a
        12:00–13:00 break, the WORKDAY_* settings) — the one definition of "working hours waited" (approval
        SLA, approval lead time). Negative when b < a. Both aware (any zone) or both naive; the office hours
        are read in a's timezone, which the caller makes the project's."""
        if b < a:
            return -self.working_hours_between(b, a, hours)
        hours = hours or WorkingHours()
        tz = a.tzinfo
        if tz is not None:
            b = b.astimezone(tz)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_workday(day):
                for lo, hi in hours.spans():
                    start = max(a, dt.datetime.combine(day, lo, tzinfo=tz))
                    end = min(b, dt.datetime.combine(day, hi, tzinfo=tz))
                    if end > start:
                        total += (end - start).total_seconds()
            day += _ONE
        return total / 3600

    @staticmethod
    def _warn(year: int) -> None:
        if year not in _warned:
            _warned.add(year)
            logger.warning("no official holiday data for %d: assuming weekends and 1-1, 5-1, 5-2, 10-1..10-3 "
                           "and 清明 are days off; lunar holidays and make-up workdays are unknown. Add the "
                           "year's schedule with `pmo-bot admin calendar add` (see docs/operations.md)", year)


def _assumed_holiday(d: dt.date) -> str | None:
    fixed = ASSUMED_HOLIDAYS.get((d.month, d.day))
    if fixed is not None:
        return fixed
    if d.month == 4 and 3 <= d.day <= 6 and _qingming(d.year) == d:
        return "Tomb-sweeping Day"
    return None


@functools.cache
def _qingming(year: int) -> dt.date | None:
    """The 清明 solar term (astronomical, so known for any year); a statutory holiday since 2008."""
    try:
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    except Exception:  # outside the library's solar-term range
        return None
    return next((day for day, name in terms if name == "清明"), None)


def _name(raw: str | None, locale: str) -> str | None:
    if raw is None:
        return None
    zh, en = _NAMES.get(raw, (raw, raw))
    return en if locale == "en" else zh


@functools.cache
def default_calendar() -> WorkCalendar:
    """The calendar without admin overrides, built once (for code that has no session at hand)."""
    return WorkCalendar()


async def load_calendar(session: AsyncSession) -> WorkCalendar:
    """The calendar with the admin overrides stored in `calendar_days` (one small SELECT)."""
    rows = await calendar_store.list_days(session)
    if not rows:
        return default_calendar()
    return WorkCalendar.from_rows((r.day, r.kind, r.name) for r in rows)
