"""Find and resolve date and time expressions in Chinese and English.

Everything is resolved against a fixed "today" in the chat's time zone, so the grammar is
pure and testable. Two modes follow what people mean (weeks start on Monday):

* ``DEADLINE`` looks forward: a bare "周四" or "Dec 1" is the next such day.
* ``LOG`` looks back: the same words are the last such day, never one in the future.

:func:`find_dates` returns non-overlapping spans so callers can cut them out of titles and
notes. A date followed by a clock time ("明天下午3点", "Friday 3pm") becomes one span.

Clock times: an hour from 1 to 6 without am/pm or a part of day is the afternoon ("3点", "3:30", "at 5");
"03:30" (a leading zero) and 24-hour times are read as written. A bare number is a time only when a
day word stands next to it ("8 tonight", "9 tomorrow") or a preposition says so ("at 5", "around 1030").
Parts of day without a clock time are dates only, except 中午 / noon (12:00) and 下班前 / EOD / COB
(the working day's end). Holiday names ("国庆前", "节后第一天") are resolved through the caller's
calendar and are no date when it cannot be sure.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from .numbers import NUM_RE, ZH_NUM_CHARS, to_int, to_number

Mode = Literal["deadline", "log"]
DEADLINE: Mode = "deadline"
LOG: Mode = "log"


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A resolved expression: ``text[start:end]`` means ``day`` (at ``at`` when a time was said)."""

    start: int
    end: int
    day: date
    at: time | None = None
    warning: dict[str, str] | None = None  # e.g. a weekday that does not match the date said with it

    def iso(self) -> str:
        if self.at is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{self.at.hour:02d}:{self.at.minute:02d}"


# (holiday name or None for "any holiday", a day) -> first and last day of that holiday's block ending on or
# after the day, or None when the calendar has no data for it. Names: 元旦 春节 清明 劳动节 端午 中秋 国庆.
HolidayLookup = Callable[[str | None, date], "tuple[date, date] | None"]


def _weekday_rule(d: date) -> bool:
    return d.weekday() < 5


@dataclass(slots=True)
class _Ctx:
    today: date
    now: time
    mode: Mode
    workday_end: time
    is_workday: Callable[[date], bool] = _weekday_rule  # the caller's calendar (public holidays, 调休)
    holidays: HolidayLookup | None = None

    @property
    def monday(self) -> date:
        return self.today - timedelta(days=self.today.weekday())


@dataclass(slots=True)
class _Raw:
    """A match before merging: a day (maybe with a part-of-day hint) or a clock time."""

    start: int
    end: int
    day: date | None = None
    at: time | None = None
    period: str | None = None  # "am" / "pm" / "noon": a part of day, or the am/pm a clock time carried
    weak: bool = False  # a bare number: a time only next to a day word ("8 tonight", "9 tomorrow")
    rel: bool = False  # a day word a bare hour may lean on (today, tonight, tomorrow morning, in the evening)
    warning: dict[str, str] | None = None


_Handler = Callable[[re.Match[str], _Ctx], "_Raw | None"]
# (pattern, handler, need): a rule is tried only on a text where ``need`` (a cheap regex: the characters or
# words the rule cannot match without) is found; most messages hold no date words at all.
# A need written with "(?i)" is English words (skipped at once on a text without Latin letters); one of
# Chinese characters only is skipped on a text without any.
_RULES: list[tuple[re.Pattern[str], _Handler, re.Pattern[str] | None, str]] = []
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u3400-\u9fff]")


def _rule(pattern: str, need: str | None = None) -> Callable[[_Handler], _Handler]:
    script = ("" if not need else "latin" if need.startswith("(?i)")
              else "han" if _HAN.search(need) and "(?i:" not in need else "")
    def deco(fn: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern, re.IGNORECASE), fn, re.compile(need) if need else None, script))
        return fn
    return deco


# ---------------------------------------------------------------- helpers

ZH_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
              "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
EN_WEEKDAY = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
EN_MONTH = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
            "sep": 9, "oct": 10, "nov": 11, "dec": 12}
PERIOD_ZH = {"凌晨": "am", "早上": "am", "早晨": "am", "上午": "am", "早": "am", "中午": "noon",
             "下午": "pm", "傍晚": "pm", "晚上": "pm", "晚": "pm", "夜里": "pm", "今早": "am",
             "今晚": "pm", "明早": "am", "明晚": "pm", "昨晚": "pm", "晏昼": "pm", "夜晚": "pm"}
_PERIOD_ZH_RE = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜晚|晏昼"


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _add_months(d: date, n: int) -> date:
    idx = d.year * 12 + d.month - 1 + n
    y, m = divmod(idx, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _add_workdays(d: date, n: int, is_workday: Callable[[date], bool] = _weekday_rule) -> date:
    while n > 0:
        d += timedelta(days=1)
        if is_workday(d):
            n -= 1
    return d


def _weekday(ctx: _Ctx, wd: int, week_offset: int | None) -> date:
    """Weekday ``wd`` of a given week; with no week said, the next (deadline) or last (log)."""
    if week_offset is not None:
        return ctx.monday + timedelta(days=7 * week_offset + wd)
    d = ctx.monday + timedelta(days=wd)
    if ctx.mode == DEADLINE and d < ctx.today:
        d += timedelta(days=7)
    elif ctx.mode == LOG and d > ctx.today:
        d -= timedelta(days=7)
    return d


def _bare_month_day(ctx: _Ctx, m: int, d: int, y: int | None) -> date | None:
    """A month and day without a year: next such day for deadlines, last one for logs."""
    if y is not None:
        return _safe_date(y, m, d)
    cand = _safe_date(ctx.today.year, m, d)
    if ctx.mode == DEADLINE:
        if cand is None or cand < ctx.today:
            cand = _safe_date(ctx.today.year + 1, m, d) or cand
    elif cand is None or cand > ctx.today:
        cand = _safe_date(ctx.today.year - 1, m, d) or cand
    return cand


def _day_of_month(ctx: _Ctx, d: int, month_offset: int | None) -> date | None:
    if month_offset is not None:
        base = _add_months(ctx.today.replace(day=1), month_offset)
        return _safe_date(base.year, base.month, d)
    this = _safe_date(ctx.today.year, ctx.today.month, d)
    if ctx.mode == DEADLINE:
        if this is None or this < ctx.today:
            nxt = _add_months(ctx.today.replace(day=1), 1)
            return _safe_date(nxt.year, nxt.month, d)
        return this
    if this is None or this > ctx.today:
        prev = _add_months(ctx.today.replace(day=1), -1)
        return _safe_date(prev.year, prev.month, d)
    return this


def _week_offset_zh(pre: str | None) -> int | None:
    if not pre:
        return None
    pre = pre.replace("个", "")
    if pre.startswith("下下"):
        return 2
    if pre.startswith("下"):
        return 1
    if pre.startswith("上上"):
        return -2
    if pre.startswith("上"):
        return -1
    return 0  # 本 / 这 / 今


def _month_offset_zh(pre: str | None) -> int:
    if not pre:
        return 0
    if pre.startswith("下"):
        return 1
    if pre.startswith("上"):
        return -1
    return 0


def _offset(ctx: _Ctx, n: float, unit: str, back: bool) -> date | None:
    unit = unit.lower()
    sign = -1 if back else 1
    if unit in ("天", "日") or unit.startswith("day"):
        return ctx.today + timedelta(days=sign * round(n))
    if "工作日" in unit or "business" in unit or "working" in unit:
        if back:
            return None
        return _add_workdays(ctx.today, round(n), ctx.is_workday)
    if unit in ("周", "星期", "礼拜") or unit.startswith("week"):
        return ctx.today + timedelta(days=sign * round(7 * n))
    if unit == "月" or unit.startswith("month"):
        if n != int(n):
            return ctx.today + timedelta(days=sign * round(30 * n))
        return _add_months(ctx.today, sign * int(n))
    return None


def _hour_with_period(h: int, period: str | None) -> int:
    if period == "pm" and h < 12:
        return h + 12
    if period == "noon" and h <= 3:
        return h + 12
    if period == "am" and h == 12:
        return 0
    if period is None and 1 <= h <= 6:
        # "3点" / "周四4点" in a work chat is the afternoon, not the small hours.
        return h + 12
    return h


# ---------------------------------------------------------------- Chinese rules

_ZH_N = r"(?:\d{1,2}|[一二三四五六七八九十廿卅]{1,3})"


@_rule(r"(?P<pre>下下个?|下个?|上上个?|上个?|本|这个?|今个?)?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])", need="周|星期|礼拜")
def _zh_weekday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    day = _weekday(ctx, ZH_WEEKDAY[m["wd"]], _week_offset_zh(m["pre"]))
    return _Raw(m.start(), m.end(), day)


@_rule(r"(?P<pre>下下个?|下个?|上个?|本|这个?)(?:周|星期|礼拜)(?P<end>末|内|之内)?(?![一二三四五六日天1-7])", need="周|星期|礼拜")
def _zh_week(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # "下周" / "本周内" as a deadline: the Friday (last workday) of that week; "周末": Sunday.
    off = _week_offset_zh(m["pre"]) or 0
    wd = 6 if m["end"] == "末" else 4
    if ctx.mode == LOG and m["end"] != "末":
        wd = 0  # a log "上周" points at the start of that week
    return _Raw(m.start(), m.end(), ctx.monday + timedelta(days=7 * off + wd))


@_rule(r"(?<![上下本这个])周末", need="周末")
def _zh_weekend(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), _weekday(ctx, 6, None if ctx.mode == LOG else 0))


# 听日 / 琴日 / 寻日 / 后日 / 大后日: the Cantonese day words (聽日, 琴日, 後日 once folded).
@_rule(r"大后天|大后日|后天|(?<![\d{ZH_NUM_CHARS}])后日|明天|明日|明儿|今天|今日|今儿|当天|昨天|昨日|昨儿|大前天|前天|"
       r"听日|琴日|寻日|今早|今晚|明早|明晚|昨晚".replace("{ZH_NUM_CHARS}", ZH_NUM_CHARS), need="[天日儿早晚]")
def _zh_relative(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    w = m[0]
    offsets = {"大后": 3, "后": 2, "明": 1, "听": 1, "今": 0, "当": 0, "昨": -1, "琴": -1, "寻": -1,
               "前天": -2, "大前": -3}
    off = next(v for k, v in offsets.items() if w.startswith(k))
    return _Raw(m.start(), m.end(), ctx.today + timedelta(days=off), period=PERIOD_ZH.get(w), rel=True)


@_rule(rf"(?<![\d.{ZH_NUM_CHARS}])(?P<n>{NUM_RE}|半)\s*(?P<g>个)?\s*(?P<u>天|日|周|星期|礼拜|月|工作日)\s*"
       r"(?P<dir>之后|以后|后|之内|以内|内|之前|以前|前)", need="[天日周期拜月]")
def _zh_offset(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    n = to_number(m["n"])
    if n is None or n > 400:
        return None
    if m["u"] == "月" and not m["g"] and m["n"] != "半":
        return None  # "12月前" is a month name, not "12 months"
    back = m["dir"].endswith("前")
    day = _offset(ctx, n, m["u"], back)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"过\s*(?P<n>{NUM_RE})\s*(?:个)?\s*(?P<u>天|周|星期|礼拜|工作日)", need="过")
def _zh_after(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    n = to_number(m["n"])
    day = _offset(ctx, n, m["u"], False) if n is not None and n <= 400 else None
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(r"(?P<pre>本|这个?|今个?|下个?|上个?)?月(?P<w>底|末|初|中)", need="月")
def _zh_month_part(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    base = _add_months(ctx.today.replace(day=1), _month_offset_zh(m["pre"]))
    w = m["w"]
    if w in "底末":
        day = _month_end(base.year, base.month)
    elif w == "中":
        day = base.replace(day=15)
    else:
        day = base if m["pre"] else _add_months(base, 1) if ctx.mode == DEADLINE else base
    return _Raw(m.start(), m.end(), day)


@_rule(r"(?P<pre>今|明|去)?年(?P<w>底|末|初|中)", need="年")
def _zh_year_part(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    y = ctx.today.year + {"明": 1, "去": -1}.get(m["pre"] or "", 0)
    w = m["w"]
    day = date(y, 12, 31) if w in "底末" else date(y, 6, 30) if w == "中" else date(y, 1, 1)
    if w == "初" and not m["pre"] and ctx.mode == DEADLINE:
        day = date(y + 1, 1, 15)
    return _Raw(m.start(), m.end(), day)


@_rule(rf"(?:(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*)?(?P<m>{_ZH_N})\s*月\s*(?:份\s*)?(?P<d>{_ZH_N})\s*(?:日|号)?"
       r"(?![\d点时:])", need="月")
def _zh_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mo, d = to_int(m["m"]), to_int(m["d"])
    if mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    day = _bare_month_day(ctx, mo, d, to_int(m["y"]) if m["y"] else None)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"(?P<pre>下个?月|本月|这个?月|今个?月|上个?月)?\s*(?P<d>{_ZH_N})\s*(?:号|日)(?![\d点时])", need="[号日]")
def _zh_month_day(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    d = to_int(m["d"])
    if d is None or not 1 <= d <= 31:
        return None
    off = _month_offset_zh(m["pre"]) if m["pre"] else None
    day = _day_of_month(ctx, d, off)
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- weekday + date, holidays

def _checked(raw: _Raw | None, wd: int, said: str) -> _Raw | None:
    """A date said with a weekday: the date wins; a weekday that does not match it is reported."""
    if raw is None or raw.day is None:
        return raw
    if raw.day.weekday() != wd:
        raw.warning = {"code": "weekday_mismatch", "date": raw.day.isoformat(), "said": said,
                       "actual": calendar.day_abbr[raw.day.weekday()]}
    return raw


@_rule(rf"(?P<md>(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_ZH_N})\s*月\s*(?P<d>{_ZH_N})\s*(?:日|号)?)\s*[(,]?\s*"
       r"(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])\)?|"
       r"(?:周|星期|礼拜)(?P<wd2>[一二三四五六日天1-7])\s*[,(]?\s*"
       rf"(?P<md2>(?:(?P<y2>\d{{4}})\s*年\s*)?(?P<m2>{_ZH_N})\s*月\s*(?P<d2>{_ZH_N})\s*(?:日|号)?)\)?", need="月")
def _zh_weekday_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    y, mo, d = (m["y"], m["m"], m["d"]) if m["md"] else (m["y2"], m["m2"], m["d2"])
    mo_i, d_i = to_int(mo), to_int(d)
    if mo_i is None or d_i is None or not (1 <= mo_i <= 12 and 1 <= d_i <= 31):
        return None
    day = _bare_month_day(ctx, mo_i, d_i, int(y) if y else None)
    wd = m["wd"] or m["wd2"]
    return _checked(_Raw(m.start(), m.end(), day), ZH_WEEKDAY[wd], "周" + wd) if day else None


_HOLIDAY_ZH = {"元旦": "元旦", "春节": "春节", "过年": "春节", "清明": "清明", "劳动": "劳动节", "五一": "劳动节",
               "端午": "端午", "中秋": "中秋", "国庆": "国庆", "十一": "国庆"}
_HOLIDAY_EN = {"new": "元旦", "spring": "春节", "chinese": "春节", "lunar": "春节", "qingming": "清明",
               "tomb": "清明", "labor": "劳动节", "labour": "劳动节", "may": "劳动节", "dragon": "端午",
               "mid": "中秋", "national": "国庆", "golden": "国庆"}


def _holiday(ctx: _Ctx, name: str | None, after: bool) -> date | None:
    """The last working day before the holiday, or the first one after it; None when the calendar
    cannot say (no lookup given, or a year it has no data for)."""
    if ctx.holidays is None or ctx.mode != DEADLINE:
        return None
    try:
        block = ctx.holidays(name, ctx.today)
    except Exception:  # the caller's calendar must not break parsing
        return None
    if block is None:
        return None
    first, last = block
    if after:
        return _add_workdays(last, 1, ctx.is_workday)
    d = first - timedelta(days=1)
    for _ in range(15):
        if ctx.is_workday(d):
            break
        d -= timedelta(days=1)
    return d if d >= ctx.today else None


@_rule(r"(?P<name>元旦|春节|过年|清明|劳动|五一|端午|中秋|国庆|十一(?=假期|长假|节|前|后|之))(?:节)?(?:假期|长假|小长假)?"
       r"\s*(?P<dir>之前|以前|前|之后|以后|后)(?:\s*(?:的)?第一(?:个工作日|天))?|"
       r"(?<![\u3400-\u9fff])(?P<any>节|假期|长假|节假日)(?P<dir2>前|后)(?:\s*(?:的)?第一(?:个工作日|天))?", need="节|假|元旦|过年|清明|劳动|五一|端午|中秋|国庆|十一")
def _zh_holiday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    name = _HOLIDAY_ZH[m["name"]] if m["name"] else None
    after = (m["dir"] or m["dir2"]).endswith("后")
    day = _holiday(ctx, name, after)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(r"\b(?P<dir>before|after)\s+(?:the\s+)?(?P<name>new\s+year(?:'s)?(?:\s+day)?|(?:spring|chinese\s+new\s+year|"
       r"lunar\s+new\s+year)(?:\s+festival)?|spring\s+festival|qingming(?:\s+festival)?|tomb[-\s]sweeping\s+day|"
       r"labou?r\s+day|may\s+day|dragon\s+boat(?:\s+festival)?|mid-?autumn(?:\s+festival)?|national\s+day|"
       r"golden\s+week|holidays?)(?:\s+holidays?|\s+break)?\b", need="(?i)\\b(?:before|after)\\b")
def _en_holiday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    word = re.split(r"[\s-]", m["name"].lower())[0]
    name = None if word.startswith("holiday") else _HOLIDAY_EN.get(word)
    if name is None and not word.startswith("holiday"):
        return None
    day = _holiday(ctx, name, m["dir"].lower() == "after")
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- numeric dates

@_rule(r"(?<![\d/.\-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])(?:T(?P<hh>[01]\d|2[0-3]):(?P<mi>[0-5]\d)"
       r"(?::\d{2})?)?", need="\\d{4}")
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    at = time(int(m["hh"]), int(m["mi"])) if m["hh"] else None  # 2026-12-05T17:00 as machines write it
    return _Raw(m.start(), m.end(), day, at, period="fixed" if at else None) if day else None


@_rule(r"(?<![A-Za-z0-9/.:\-])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d{2})(?![A-Za-z0-9/\-])", need="\\d/\\d")
def _mdy_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # US order, as "3/3/2015" and "12/20" are read everywhere in this parser.
    y = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    day = _safe_date(y, int(m["m"]), int(m["d"]))
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(r"(?<![A-Za-z0-9/.:\-])(?P<m>\d{1,2})[/\-](?P<d>\d{1,2})"
       r"(?![A-Za-z0-9/\-%]|\.\d|\s*(?:天|小时|个|周|h\b|hours?\b|days?\b))", need="\\d[/\\-]\\d")
def _md_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mo, d = int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    day = _bare_month_day(ctx, mo, d, None)
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- English rules

_EN_NUM = (r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|"
           r"couple\s+of)")
_MON_WORDS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_EN_MON = rf"(?P<mon>{_MON_WORDS})"
# "sat" and "sun" are words too: a weekday only after a word that introduces a day.
_EN_WD = (r"(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|"
          r"saturday|sunday|(?:(?<=by )|(?<=on )|(?<=until )|(?<=till )|(?<=before )|(?<=due )|(?<=this )|"
          r"(?<=next )|(?<=last )|(?<=coming )|(?<=, ))(?:sat|sun)(?=\.|,|\s*$|\s+(?:at|by|morning|afternoon|"
          r"evening|night|\d)\b))")
_ORDINALS = {w: i + 1 for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"])}
_ORDINALS.update({f"twenty{sep}{w}": 20 + i for w, i in list(_ORDINALS.items())[:9] for sep in (" ", "-", "")})
_ORDINALS.update({"thirtieth": 30, "thirty first": 31, "thirty-first": 31, "thirtyfirst": 31})
_ORD_RE = "|".join(sorted((w.replace(" ", r"\s+") for w in _ORDINALS), key=len, reverse=True))
_EN_DAY = rf"(?:(?P<d>\d{{1,2}})(?P<suf>st|nd|rd|th)?|(?P<dw>{_ORD_RE}))"
# What may follow a bare "the 3rd" / "at 5" for it to be a date or time ("the first draft" is not).
_TAIL_OK = re.compile(r"\s*(?:$|[^\sA-Za-z]|(?:of|at|on|by|in|for|and|or|to|from|with|before|until|due|am|pm|a\.m|"
                      r"p\.m|morning|afternoon|evening|night|tonight|tomorrow|today|this|next|eod|cob|sharp|"
                      r"o'?clock|oclock|p[0-3]|est|please|pls|assign|cc)\b)", re.IGNORECASE)


def _day_num(m: re.Match[str]) -> int | None:
    if m["d"]:
        return int(m["d"])
    return _ORDINALS.get(re.sub(r"\s+", " ", m["dw"].lower())) if m["dw"] else None


@_rule(r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\b(?:the\s+)?day\s+before\s+yesterday\b|"
       r"\b(?:tomorrow|tmrw?|today)\s+(?:morning|afternoon|evening|night)\b|\bthis\s+(?:morning|afternoon|evening)\b|"
       r"\btoday\b|\btonight\b|\btomorrow\b|\btmrw?\b|\btmw\b|\byesterday\b|\bytd\b|\blast\s+night\b", need="(?i)tod|ton|tom|tm|yest|ytd|night|this\\s")
def _en_relative(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    w = m[0].lower()
    if w.endswith("day after tomorrow"):
        off = 2
    elif w.endswith("day before yesterday"):
        off = -2
    elif w.startswith(("tom", "tm")):
        off = 1
    elif w.startswith(("yest", "ytd", "last")):
        off = -1
    else:
        off = 0
    period = "pm" if w.endswith(("afternoon", "evening", "night")) else "am" if w.endswith("morning") else None
    return _Raw(m.start(), m.end(), ctx.today + timedelta(days=off), period=period, rel=True)


@_rule(r"\bin\s+(?:the\s+)?(?P<p>morning|afternoon|evening|am|pm)\b", need="(?i)\\bin\\b")
def _en_period(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    p = m["p"].lower()
    period = "am" if p in ("morning", "am") else "pm"
    return _Raw(m.start(), m.end(), period=period, rel=True)


@_rule(rf"\b(?:(?P<pre>this\s+coming|this|next|last|coming|the\s+following|following)\s+)?{_EN_WD}\b\.?"
       r"(?P<post>\s+(?:of\s+)?(?:next|last|this)\s+week|\s+after\s+next|\s+week\b|\s+next\b(?!\s+(?:week|month|year)))?"
       r"(?P<part>\s+(?:morning|afternoon|evening|night))?", need="(?i)mon|tue|wed|thu|fri|sat|sun")
def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    wd = EN_WEEKDAY[m["wd"][:3].lower()]
    pre = (m["pre"] or "").lower()
    post = (m["post"] or "").lower()
    off: int | None
    if "after next" in post or post.strip() == "week":
        day = _weekday(ctx, wd, None) + timedelta(days=7)  # "Friday after next", British "Friday week"
    else:
        if "next" in post or pre in ("next", "the following", "following"):  # also "Wednesday next"
            off = 1
        elif "last" in post or pre == "last":
            off = -1
        elif pre == "this" or "this" in post:
            off = 0
        else:
            off = None  # bare or "coming": next occurrence
        day = _weekday(ctx, wd, off)
    part = (m["part"] or "").strip().lower()
    period = None if not part else "am" if part == "morning" else "pm"
    return _Raw(m.start(), m.end(), day, period=period)


@_rule(rf"\b{_EN_WD}\.?,?\s+(?:the\s+)?(?P<date>(?P<mon2>{_MON_WORDS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}}\b)?|"
       r"\d{1,2}(?:st|nd|rd|th)\b(?:\s+(?:of\s+)?(?:" + _MON_WORDS + r")\b\.?)?(?:,?\s+\d{4}\b)?|"
       r"\d{1,2}/\d{1,2}(?:/\d{2,4})?\b)", need="(?i)mon|tue|wed|thu|fri|sat|sun")
def _en_weekday_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    text = m["date"]
    wd = EN_WEEKDAY[m["wd"][:3].lower()]
    if re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)", text):
        day = _day_of_month(ctx, int(text[:-2]), None)
        raw = _Raw(m.start(), m.end(), day) if day else None
    else:
        inner = [r for r in _collect(text, ctx) if r.day is not None and r.start == 0 and r.end == len(text)]
        raw = _Raw(m.start(), m.end(), inner[0].day) if inner else None
    return _checked(raw, wd, m["wd"][:3].title())


@_rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<pre>this\s+|next\s+)?week|eow|"
       r"(?P<bare>this|next)\s+week)\b", need="(?i)week|eow")
def _en_week(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    pre = (m["pre"] or m["bare"] or "").strip().lower()
    off = 1 if pre == "next" else 0
    return _Raw(m.start(), m.end(), ctx.monday + timedelta(days=7 * off + 4))


@_rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<pre>this\s+|next\s+|current\s+)?month|eom|month[-\s]end)\b", need="(?i)month|eom")
def _en_month_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    off = 1 if (m["pre"] or "").strip().lower() == "next" else 0
    base = _add_months(ctx.today.replace(day=1), off)
    return _Raw(m.start(), m.end(), _month_end(base.year, base.month))


@_rule(rf"\b(?:the\s+)?end\s+of\s+{_EN_MON}\b\.?(?:,?\s+(?P<y>\d{{4}})\b)?", need="(?i)\\bend\\b")
def _en_end_of_named_month(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mon = EN_MONTH[m["mon"][:3].lower()]
    if m["y"]:
        return _Raw(m.start(), m.end(), _month_end(int(m["y"]), mon))
    day = _month_end(ctx.today.year, mon)
    if ctx.mode == DEADLINE and day < ctx.today:
        day = _month_end(ctx.today.year + 1, mon)
    elif ctx.mode == LOG and day > ctx.today:
        day = _month_end(ctx.today.year - 1, mon)
    return _Raw(m.start(), m.end(), day)


@_rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:this\s+)?year|eoy|year[-\s]end)\b", need="(?i)year|eoy")
def _en_year_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), date(ctx.today.year, 12, 31))


@_rule(rf"\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>{_EN_NUM})\s+"
       r"(?P<u>days?|weeks?|fortnights?|months?|business\s+days?|working\s+days?)\b|"
       rf"\b(?P<n2>{_EN_NUM})\s+(?P<u2>days?|weeks?|fortnights?|months?)\s+(?P<dir>from\s+(?:now|today)|later|ago|hence)\b", need="(?i)day|week|fortnight|month")
def _en_offset(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    raw_n = (m["n"] or m["n2"]).lower().replace("a couple of", "couple").replace("couple of", "couple")
    n = to_number(raw_n)
    if n is None or n > 400:
        return None
    unit = (m["u"] or m["u2"]).lower()
    if unit.startswith("fortnight"):
        n, unit = 2 * n, "weeks"
    day = _offset(ctx, n, unit, (m["dir"] or "").lower() == "ago")
    return _Raw(m.start(), m.end(), day) if day else None


_EN_WD_BASE = (r"monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sunday")


@_rule(rf"\b(?P<n>{_EN_NUM})\s+(?P<u>days?|weeks?|fortnights?|months?)\s+(?:from|after)\s+"
       rf"(?P<base>today|now|tomorrow|tmrw?|{_EN_WD_BASE})\b", need="(?i)\\b(?:from|after)\\b")
def _en_offset_from(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # "3 days from tomorrow", "2 weeks from Monday": one date, never also an amount of work.
    n = to_number(m["n"].lower())
    base = m["base"].lower()
    if n is None or n > 400:
        return None
    if base in ("today", "now"):
        start = ctx.today
    elif base.startswith(("tom", "tm")):
        start = ctx.today + timedelta(days=1)
    else:
        start = _weekday(_Ctx(ctx.today, ctx.now, DEADLINE, ctx.workday_end), EN_WEEKDAY[base[:3]], None)
    unit = m["u"].lower()
    if unit.startswith("fortnight"):
        n, unit = 2 * n, "weeks"
    day = _offset(_Ctx(start, ctx.now, DEADLINE, ctx.workday_end, ctx.is_workday), n, unit, False)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"\b{_EN_MON}\.?\s+(?:the\s+)?{_EN_DAY}\b(?:,?\s+(?P<y>\d{{4}})\b)?", need="(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
def _en_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mon = m["mon"][:3].lower()
    d = _day_num(m)
    y = m["y"]
    if d is None or not 1 <= d <= 31:
        return None
    if mon == "may" and not m["suf"] and not y and m["d"] and not m.string[:m.start()].rstrip().lower().endswith(
            ("by", "on", "until", "before", "due", "till")):
        return None  # "you may 5 ..." is not a date; "by May 5" is
    day = _bare_month_day(ctx, EN_MONTH[mon], d, int(y) if y else None)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"(?<![\w\-.])(?:the\s+)?{_EN_DAY}\s*(?:of\s+)?{_EN_MON}\b\.?"
       r"(?:,?\s+(?P<y>\d{4})\b|\s+'?(?P<yy>\d{2})(?=\s*(?:$|[,.;!?)])))?", need="(?i)jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
def _en_date_dm(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    if m["yy"]:  # "14th April 15": a two-digit year only at the end of the phrase
        d = _day_num(m)
        day = _safe_date(2000 + int(m["yy"]), EN_MONTH[m["mon"][:3].lower()], d) if d else None
        return _Raw(m.start(), m.end(), day) if day else None
    if m["d"] and not m["suf"] and m.string[m.start("d"):m.start("mon")].strip() == "" and \
            m.start("mon") == m.end("d") and len(m["mon"]) < 3:
        return None
    return _en_date(m, ctx)


@_rule(rf"\b(?:the\s+)?{_EN_DAY}(?:\s+day)?\s+of\s+(?:the\s+)?(?P<pre>this|next|current|coming|following|last)\s+month\b"
       r"|\bthe\s+(?:(?P<d2>\d{1,2})(?:st|nd|rd|th)|(?P<dw2>" + _ORD_RE + r"))\b", need="(?i)\\bthe\\b|month")
def _en_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    if m["pre"]:
        d = _day_num(m)
        pre = m["pre"].lower()
        off: int | None = 1 if pre in ("next", "coming", "following") else -1 if pre == "last" else 0
    else:
        if not _TAIL_OK.match(m.string, m.end()):
            return None  # "the first draft", "the 3rd floor"
        d = int(m["d2"]) if m["d2"] else _ORDINALS.get(re.sub(r"\s+", " ", m["dw2"].lower()))
        off = None
    day = _day_of_month(ctx, d, off) if d and 1 <= d <= 31 else None
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- times of day

_ZH_MIN = r"[一二三四五六七八九十]{1,3}|\d{1,2}"


@_rule(rf"(?P<pre>{_PERIOD_ZH_RE}|(?<![明今昨])早|(?<![明今昨])晚)?\s*(?P<h>\d{{1,2}}|[一二三四五六七八九十两]{{1,3}})\s*"
       r"(?:点|時|时(?!间))(?:\s*(?P<half>半)|\s*(?P<q>一刻|三刻)|\s*[踏搭]\s*(?P<cz>半|[一二三四五六七八九十]{1,2}|\d{1,2})"
       rf"|\s*(?P<zero>零|〇)?\s*(?P<min>{_ZH_MIN})\s*(?P<unit>分|个字)?)?(?:钟)?", need="[点時时]")
def _zh_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    h = to_int(m["h"])
    if h is None or h > 24:
        return None
    end = m.end()
    if m["half"]:
        minute: int | None = 30
    elif m["q"]:
        minute = 15 if m["q"] == "一刻" else 45
    elif m["cz"]:  # Cantonese 三點踏三 / 搭半: in 5-minute marks
        n = to_int(m["cz"]) if m["cz"] != "半" else 6
        minute = None if n is None else 5 * n
    elif m["min"]:
        n = to_int(m["min"])
        raw = m["min"]
        if n is None:
            minute = None
        elif m["unit"] == "个字":
            minute = 5 * n  # 三點三個字: three marks on the dial
        elif m["unit"] or m["zero"] or len(raw) > 1 or raw == "十":
            minute = n  # 三点十五, 三点零五, 3点15, 三点五分
        elif not raw.isdigit():
            minute = 5 * n  # Cantonese 三點三 = 3:15; Mandarin says 三点十五 or 三点零五
        else:
            minute, end = 0, m.start("min")  # "3点5" is not a time: keep the 5 out of the span
    else:
        minute = 0
    if minute is None or minute > 59:
        return None
    period = PERIOD_ZH.get(m["pre"] or "")
    h = _hour_with_period(h, period) % 24
    return _Raw(m.start(), end, at=time(h, minute), period=period)


@_rule(rf"(?P<pre>{_PERIOD_ZH_RE})?\s*(?<![\d:])(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)(?![\d:])", need=":")
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    h, minute = int(m["h"]), int(m["min"])
    period = PERIOD_ZH.get(m["pre"] or "")
    if period or not m["h"].startswith("0"):
        h = _hour_with_period(h, period) % 24  # "3:30" is the afternoon; "03:30" is as written
    return _Raw(m.start() if m["pre"] else m.start("h"), m.end(), at=time(h, minute), period=period)


_EN_HOUR_W = "twelve|eleven|ten|nine|eight|seven|six|five|four|three|two|one"
_EN_UNIT_W = "one|two|three|four|five|six|seven|eight|nine"
_EN_TEEN_W = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_EN_TENS_W = "twenty|thirty|forty|fifty"
_EN_MIN_W = rf"(?:(?:{_EN_TENS_W})(?:[\s-]+(?:{_EN_UNIT_W}))?|{_EN_TEEN_W}|oh?\s+(?:{_EN_UNIT_W}))"
_EN_WORD_N = {w: i for i, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])} | {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_AP = r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?|(?P<ap1>[ap])\b\.?)"
_PREP = r"(?P<prep>\b(?:at|around|approximately|approx\.?|about|by|until|till|before|for)\s+|@\s*)?"
_STRONG_PREPS = ("at", "@", "around", "approximately", "approx", "approx.", "about")


def _en_int(text: str) -> int | None:
    """Digits or English number words up to 59 ("fifty nine", "twenty-five", "oh five")."""
    t = text.strip().lower()
    if t.isdigit():
        return int(t)
    total = 0
    for w in re.split(r"[\s-]+", t):
        if w in ("o", "oh"):
            continue
        if w not in _EN_WORD_N:
            return None
        total += _EN_WORD_N[w]
    return total


def _prep(m: re.Match[str]) -> str:
    return (m["prep"] or "").strip().lower()


@_rule(_PREP + r"(?P<core>(?<![\w:./\-])(?:(?P<h>\d{1,2})(?::(?P<mm>[0-5]\d))?(?![\d:])|(?P<hhmm>\d{3,4})(?![\d:])|"
       rf"(?P<hw>{_EN_HOUR_W})\b(?:[\s-]+(?P<mw>{_EN_MIN_W})\b)?)"
       r"(?:\s+(?P<m2>[0-5]\d)\b(?!\s*%))?(?:\s*(?P<oc>o'?clock|oclock)\b)?(?P<ish>ish\b)?" + _AP + "?)", need="\\d|(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)")
def _en_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    ap = (m["ap"] or m["ap1"] or "").lower()
    prep = _prep(m)
    strong_prep = prep in _STRONG_PREPS
    marked = bool(ap or m["mm"] or m["oc"] or m["ish"])
    minute: int | None
    if m["hhmm"]:
        if not (ap or strong_prep):
            return None  # "1030" alone is a number
        hhmm = m["hhmm"]
        h, minute = int(hhmm[:-2]), int(hhmm[-2:])
    elif m["hw"]:
        h = _EN_WORD_N[m["hw"].lower()]
        minute = _en_int(m["mw"]) if m["mw"] else 0
        if m["mw"]:
            marked = True
    else:
        h, minute = int(m["h"]), int(m["mm"] or 0)
    if m["m2"]:
        if not strong_prep or m["mm"] or not _TAIL_OK.match(m.string, m.end()):
            return None  # "at 3 15" is 3:15; "at 3 15 people" is not
        minute, marked = int(m["m2"]), True
    if minute is None or minute > 59 or h > 23 or (ap and not 1 <= h <= 12):
        return None
    weak = not marked and not m["hhmm"]
    if weak and strong_prep and _TAIL_OK.match(m.string, m.end()):
        weak = False  # "at 5", "around 3 tomorrow" ("at 5 sites" stays a number)
    if ap:
        h = _hour_with_period(h, "pm" if ap == "p" else "am")
    elif not (m["h"] or "").startswith("0") and not (m["hhmm"] or "").startswith("0"):
        h = _hour_with_period(h, None)
    own = ("pm" if ap == "p" else "am") if ap else None
    return _Raw(m.start("core"), m.end(), at=time(h % 24, minute), period=own, weak=weak)


@_rule(_PREP + rf"(?P<core>\b(?P<rm>(?:a\s+)?quarter|half|\d{{1,2}}|{_EN_MIN_W})(?P<minw>\s+minutes?)?\s+"
       rf"(?P<rel>past|after|to|till|til|before|from|of)\s+(?P<rh>noon\b|midnight\b|\d{{1,2}}(?!\d)|(?:{_EN_HOUR_W})\b)"
       + _AP + "?)", need="(?i)\\b(?:past|after|to|till|til|before|from|of)\\b")
def _en_clock_relative(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    rm = m["rm"].lower()
    rel = m["rel"].lower()
    ap = (m["ap"] or m["ap1"] or "").lower()
    rh = m["rh"].lower()
    n = 15 if rm.endswith("quarter") else 30 if rm == "half" else _en_int(rm)
    if n is None or not 1 <= n <= 59 or (rm == "half" and rel not in ("past", "after")):
        return None
    if rel in ("from", "before", "of") and not m["minw"]:
        return None  # "2 days before 3pm" has no minutes in it
    fixed = rh in ("noon", "midnight")
    if rel in ("to", "till", "til") and rm.isdigit() and not m["minw"] and not fixed and n <= 12:
        return None  # "2 to 3pm" is a range
    if fixed:
        h = 12 if rh == "noon" else 0
    else:
        h = int(rh) if rh.isdigit() else _EN_WORD_N[rh]
        if not 1 <= h <= 12 and not (h <= 23 and not ap):
            return None
        h = _hour_with_period(h, ("pm" if ap == "p" else "am") if ap else None)
    base = h * 60 + (n if rel in ("past", "after", "from") else -n)
    base %= 24 * 60
    own = ("pm" if ap == "p" else "am") if ap else "noon" if fixed else None
    return _Raw(m.start("core"), m.end(), at=time(base // 60, base % 60), period=own or "fixed")


@_rule(r"(?P<prep>\b(?:at|around|about|by|until|till|before)\s+)(?P<core>half\s+(?P<hh>" + _EN_HOUR_W +
       r"|\d{1,2})\b(?!\s*(?:hours?|hrs?|days?|weeks?|h\b|an?\b|of\b|past\b|to\b|the\b))" + _AP + "?)", need="(?i)half")
def _en_half_hour(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # British "half three" is 3:30.
    hh = m["hh"].lower()
    h = int(hh) if hh.isdigit() else _EN_WORD_N[hh]
    ap = (m["ap"] or m["ap1"] or "").lower()
    if not 1 <= h <= 12:
        return None
    h = _hour_with_period(h, ("pm" if ap == "p" else "am") if ap else None)
    return _Raw(m.start("core"), m.end(), at=time(h % 24, 30), period=("pm" if ap == "p" else "am") if ap else None)


@_rule(r"\b(?:noon|midday)\b", need="(?i)noon|midday")
def _en_noon(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), at=time(12, 0), period="fixed")


@_rule(r"下班(?:之前|以前|前)?|收工前|\b(?:end\s+of\s+(?:the\s+)?(?:work\s*|business\s+)?day|eod|cob|close\s+of\s+business)\b", need="下班|收工|(?i:eod|cob|end|close)")
def _workday_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), at=ctx.workday_end, period="fixed")


@_rule(_PERIOD_ZH_RE)
def _zh_period(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # "下午" on its own still says which day: today.
    return _Raw(m.start(), m.end(), day=None, period=PERIOD_ZH[m[0]], rel=True)


# ---------------------------------------------------------------- scanning

_JOIN_GAP = re.compile(r"^\s*(?:的|,|at|on|@|around|about|for|by|,?\s*at)?\s*$|^\s+-\s+$", re.IGNORECASE)
_WEAK_GAP = re.compile(r"^\s*$")


def _collect(text: str, ctx: _Ctx) -> list[_Raw]:
    found: list[_Raw] = []
    scripts = {"": True, "latin": _LATIN.search(text) is not None, "han": _HAN.search(text) is not None}
    for pattern, handler, need, script in _RULES:
        if not scripts[script] or (need is not None and need.search(text) is None):
            continue
        pos = 0
        while (m := pattern.search(text, pos)) is not None:
            raw = handler(m, ctx) if m.end() > m.start() else None
            if raw is None:
                pos = m.start() + 1  # a refused match must not hide a shorter one starting inside it
                continue
            pos = m.end()
            # Spans never start or end with a space ("下午 3点" keeps its own words only).
            while raw.start < raw.end and text[raw.start].isspace():
                raw.start += 1
            while raw.end > raw.start and text[raw.end - 1].isspace():
                raw.end -= 1
            if raw.end > raw.start:
                found.append(raw)
    # Longest match wins; then keep the earliest among non-overlapping ones. ``chosen`` stays sorted by start,
    # so each candidate is checked against its two neighbours only (a pasted wall of numbers stays linear).
    found.sort(key=lambda r: (-(r.end - r.start), r.start))
    chosen: list[_Raw] = []
    starts: list[int] = []
    for r in found:
        i = bisect.bisect_left(starts, r.start)
        if (i > 0 and chosen[i - 1].end > r.start) or (i < len(chosen) and chosen[i].start < r.end):
            continue
        chosen.insert(i, r)
        starts.insert(i, r.start)
    return chosen


def _joinable(text: str, prev: _Raw, r: _Raw) -> bool:
    if (prev.day is not None and r.day is not None) or (prev.at is not None and r.at is not None):
        return False
    if prev.at is None and r.at is None and prev.day is not None and r.day is not None:
        return False
    gap = text[prev.end:r.start]
    if prev.weak:  # "8 tonight", "9 tomorrow morning", "3 in the morning"
        return r.rel and bool(_WEAK_GAP.match(gap))
    if r.weak:
        return False  # "tomorrow 5 people" is no time; "tomorrow at 5" is not weak
    return bool(_JOIN_GAP.match(gap))


def _merge(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Join "date + time", "time + date" and "part of day + time" neighbours into one expression."""
    out: list[_Raw] = []
    for r in raws:
        if out and _joinable(text, out[-1], r):
            prev = out[-1]
            day = prev.day or r.day
            at = prev.at or r.at
            clock, other = (prev, r) if prev.at is not None else (r, prev)
            period = other.period if at is not None else (prev.period or r.period)
            if at is not None and period in ("am", "pm", "noon") and clock.period not in ("am", "pm", "noon", "fixed"):
                # "明晚8点" / "tomorrow afternoon 3" / "3 in the morning": the part of day decides am/pm.
                h = _hour_with_period(at.hour - 12 if at.hour > 12 else at.hour, period)
                at = time(h % 24, at.minute)
            out[-1] = _Raw(prev.start, r.end, day, at, period, rel=prev.rel or r.rel,
                           warning=prev.warning or r.warning)
            continue
        out.append(r)
    return [r for r in out if not r.weak]


def find_dates(text: str, today: date, now: time, mode: Mode = DEADLINE,
               workday_end: time = time(18, 0), is_workday: Callable[[date], bool] | None = None,
               holidays: HolidayLookup | None = None) -> list[DateSpan]:
    """All date/time expressions in ``text``, resolved, in order of appearance. ``is_workday`` is the
    working-day rule for "3个工作日" (weekdays when not given); ``holidays`` the caller's holiday lookup."""
    ctx = _Ctx(today, now, mode, workday_end, is_workday or _weekday_rule, holidays)
    spans: list[DateSpan] = []
    raws = _merge(text, _collect(text, ctx))
    for k, r in enumerate(raws):
        day, at = r.day, r.at
        if at is None and r.period == "noon":
            at = time(12, 0)  # 中午 is noon; the other parts of day say only the day
        if day is None:
            day = today
            if at is not None and mode == DEADLINE and at < now:
                day = today + timedelta(days=1)  # "3pm" said at 4pm means tomorrow
            elif at is None and mode == DEADLINE and r.period == "am" and now >= time(12, 0):
                day = today + timedelta(days=1)  # "上午" said in the afternoon: tomorrow morning
        spans.append(DateSpan(r.start, r.end, day, at, r.warning))
        end = _range_end(text, r, day) if at is None else None
        if end is not None and (k + 1 == len(raws) or raws[k + 1].start >= end.end):
            spans.append(end)  # unless the rules read the end already ("12月21日-23日")
    return spans


_RANGE_END = re.compile(r"\s*[-~]\s*(?P<d>\d{1,2})(?:st|nd|rd|th|日|号)?(?![\d:/.]|\s*(?:[ap]\.?m\b|点|时|h\b|小时))",
                        re.IGNORECASE)


def _range_end(text: str, r: _Raw, day: date) -> DateSpan | None:
    """"Dec 21-23", "12月21-23日": the day after the dash is a date of its own (the range's end), so a
    leave reads both ends and a title keeps no "23"."""
    if not (text[r.end - 1].isdigit() or text[r.end - 1] in "日号"):
        return None
    m = _RANGE_END.match(text, r.end)
    if m is None:
        return None
    d = int(m["d"])
    if not day.day < d <= calendar.monthrange(day.year, day.month)[1]:
        return None
    return DateSpan(m.start("d"), m.end(), day.replace(day=d))
