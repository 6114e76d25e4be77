"""Find and resolve date and time expressions in Chinese and English.

Everything is resolved against a fixed "today" in the chat's time zone, so the grammar is
pure and testable. Two modes follow what people mean (weeks start on Monday):

* ``DEADLINE`` looks forward: a bare "周四" or "Dec 1" is the next such day.
* ``LOG`` looks back: the same words are the last such day, never one in the future.

:func:`find_dates` returns non-overlapping spans so callers can cut them out of titles and
notes. A date followed by a clock time ("明天下午3点", "Friday 3pm") becomes one span.
"""

from __future__ import annotations

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

    def iso(self) -> str:
        if self.at is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{self.at.hour:02d}:{self.at.minute:02d}"


def _weekday_rule(d: date) -> bool:
    return d.weekday() < 5


@dataclass(slots=True)
class _Ctx:
    today: date
    now: time
    mode: Mode
    workday_end: time
    is_workday: Callable[[date], bool] = _weekday_rule  # the caller's calendar (public holidays, 调休)

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
    period: str | None = None  # "am" / "pm" / "noon": shifts a following bare hour


_Handler = Callable[[re.Match[str], _Ctx], "_Raw | None"]
_RULES: list[tuple[re.Pattern[str], _Handler]] = []


def _rule(pattern: str) -> Callable[[_Handler], _Handler]:
    def deco(fn: _Handler) -> _Handler:
        _RULES.append((re.compile(pattern, re.IGNORECASE), fn))
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
             "今晚": "pm", "明早": "am", "明晚": "pm", "昨晚": "pm"}


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

_ZH_N = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"


@_rule(r"(?P<pre>下下个?|下个?|上上个?|上个?|本|这个?)?\s*(?:周|星期|礼拜)(?P<wd>[一二三四五六日天1-7])")
def _zh_weekday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    day = _weekday(ctx, ZH_WEEKDAY[m["wd"]], _week_offset_zh(m["pre"]))
    return _Raw(m.start(), m.end(), day)


@_rule(r"(?P<pre>下下个?|下个?|上个?|本|这个?)(?:周|星期|礼拜)(?P<end>末|内|之内)?(?![一二三四五六日天1-7])")
def _zh_week(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # "下周" / "本周内" as a deadline: the Friday (last workday) of that week; "周末": Sunday.
    off = _week_offset_zh(m["pre"]) or 0
    wd = 6 if m["end"] == "末" else 4
    if ctx.mode == LOG and m["end"] != "末":
        wd = 0  # a log "上周" points at the start of that week
    return _Raw(m.start(), m.end(), ctx.monday + timedelta(days=7 * off + wd))


@_rule(r"(?<![上下本这个])周末")
def _zh_weekend(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), _weekday(ctx, 6, None if ctx.mode == LOG else 0))


@_rule(r"大后天|后天|明天|明日|明儿|今天|今日|今儿|当天|昨天|昨日|昨儿|大前天|前天|"
       r"今早|今晚|明早|明晚|昨晚")
def _zh_relative(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    w = m[0]
    offsets = {"大后": 3, "后天": 2, "明": 1, "今": 0, "当": 0, "昨": -1, "前天": -2, "大前": -3}
    off = next(v for k, v in offsets.items() if w.startswith(k))
    return _Raw(m.start(), m.end(), ctx.today + timedelta(days=off), period=PERIOD_ZH.get(w))


@_rule(rf"(?<![\d.{ZH_NUM_CHARS}])(?P<n>{NUM_RE}|半)\s*(?P<g>个)?\s*(?P<u>天|日|周|星期|礼拜|月|工作日)\s*"
       r"(?P<dir>之后|以后|后|之内|以内|内|之前|以前|前)")
def _zh_offset(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    n = to_number(m["n"])
    if n is None or n > 400:
        return None
    if m["u"] == "月" and not m["g"] and m["n"] != "半":
        return None  # "12月前" is a month name, not "12 months"
    back = m["dir"].endswith("前")
    day = _offset(ctx, n, m["u"], back)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"过\s*(?P<n>{NUM_RE})\s*(?:个)?\s*(?P<u>天|周|星期|礼拜|工作日)")
def _zh_after(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    n = to_number(m["n"])
    day = _offset(ctx, n, m["u"], False) if n is not None and n <= 400 else None
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(r"(?P<pre>本|这个?|下个?|上个?)?月(?P<w>底|末|初|中)")
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


@_rule(r"(?P<pre>今|明|去)?年(?P<w>底|末|初|中)")
def _zh_year_part(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    y = ctx.today.year + {"明": 1, "去": -1}.get(m["pre"] or "", 0)
    w = m["w"]
    day = date(y, 12, 31) if w in "底末" else date(y, 6, 30) if w == "中" else date(y, 1, 1)
    if w == "初" and not m["pre"] and ctx.mode == DEADLINE:
        day = date(y + 1, 1, 15)
    return _Raw(m.start(), m.end(), day)


@_rule(rf"(?:(?P<y>\d{{4}})\s*年\s*)?(?P<m>{_ZH_N})\s*月\s*(?:份\s*)?(?P<d>{_ZH_N})\s*(?:日|号)?(?![\d点时:])")
def _zh_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mo, d = to_int(m["m"]), to_int(m["d"])
    if mo is None or d is None or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    day = _bare_month_day(ctx, mo, d, int(m["y"]) if m["y"] else None)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"(?P<pre>下个?月|本月|这个?月|上个?月)?\s*(?P<d>{_ZH_N})\s*(?:号|日)(?![\d点时])")
def _zh_month_day(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    d = to_int(m["d"])
    if d is None or not 1 <= d <= 31:
        return None
    off = _month_offset_zh(m["pre"]) if m["pre"] else None
    day = _day_of_month(ctx, d, off)
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- numeric dates

@_rule(r"(?<![\d/.\-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d])")
def _iso_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    day = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(r"(?<![A-Za-z0-9/.:\-])(?P<m>\d{1,2})[/\-](?P<d>\d{1,2})"
       r"(?![A-Za-z0-9/\-%]|\.\d|\s*(?:天|小时|个|周|h\b|hours?\b|days?\b))")
def _md_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mo, d = int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    day = _bare_month_day(ctx, mo, d, None)
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- English rules

_EN_NUM = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple\s+of|couple\s+of)"
_EN_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_EN_WD = (r"(?P<wd>monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thur|thu|friday|fri|"
          r"saturday|sunday)")


@_rule(r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\b(?:the\s+)?day\s+before\s+yesterday\b|"
       r"\btoday\b|\btonight\b|\btomorrow\b|\btmrw?\b|\btmw\b|\byesterday\b|\bytd\b|\blast\s+night\b|"
       r"\bthis\s+(?:morning|afternoon|evening)\b|\btomorrow\s+(?:morning|afternoon|evening)\b")
def _en_relative(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    w = m[0].lower()
    if "after" in w:
        off = 2
    elif "before" in w:
        off = -2
    elif w.startswith(("tom", "tm")):
        off = 1
    elif w.startswith(("yest", "ytd", "last")):
        off = -1
    else:
        off = 0
    period = "pm" if w.endswith(("afternoon", "evening", "night")) else "am" if "morning" in w else None
    return _Raw(m.start(), m.end(), ctx.today + timedelta(days=off), period=period)


@_rule(rf"\b(?:(?P<pre>this\s+coming|this|next|last|coming|the\s+following|following)\s+)?{_EN_WD}\b"
       r"(?P<post>\s+(?:next|last|this)\s+week)?")
def _en_weekday(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    wd = EN_WEEKDAY[m["wd"][:3].lower()]
    pre = (m["pre"] or "").lower()
    post = (m["post"] or "").lower()
    off: int | None
    if "next" in post or pre in ("next", "the following", "following"):
        off = 1
    elif "last" in post or pre == "last":
        off = -1
    elif pre == "this" or "this" in post:
        off = 0
    else:
        off = None  # bare or "coming": next occurrence
    return _Raw(m.start(), m.end(), _weekday(ctx, wd, off))


@_rule(r"\b(?:(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<pre>this\s+|next\s+)?week|eow|"
       r"(?P<bare>this|next)\s+week)\b")
def _en_week(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    pre = (m["pre"] or m["bare"] or "").strip().lower()
    off = 1 if pre == "next" else 0
    return _Raw(m.start(), m.end(), ctx.monday + timedelta(days=7 * off + 4))


@_rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?P<pre>this\s+|next\s+)?month|eom|month[-\s]end)\b")
def _en_month_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    off = 1 if (m["pre"] or "").strip().lower() == "next" else 0
    base = _add_months(ctx.today.replace(day=1), off)
    return _Raw(m.start(), m.end(), _month_end(base.year, base.month))


@_rule(r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(?:this\s+)?year|eoy|year[-\s]end)\b")
def _en_year_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), date(ctx.today.year, 12, 31))


@_rule(rf"\b(?:in|within)\s+(?:the\s+next\s+)?(?P<n>{_EN_NUM})\s+"
       r"(?P<u>days?|weeks?|months?|business\s+days?|working\s+days?)\b|"
       rf"\b(?P<n2>{_EN_NUM})\s+(?P<u2>days?|weeks?|months?)\s+(?P<dir>from\s+(?:now|today)|later|ago)\b")
def _en_offset(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    raw_n = (m["n"] or m["n2"]).lower().replace("a couple of", "couple").replace("couple of", "couple")
    n = to_number(raw_n)
    if n is None or n > 400:
        return None
    day = _offset(ctx, n, m["u"] or m["u2"], (m["dir"] or "").lower() == "ago")
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"\b{_EN_MON}\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?")
def _en_date(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    mon = m["mon"][:3].lower()
    d = int(m["d"])
    y = m["y"]
    if not 1 <= d <= 31:
        return None
    day = _bare_month_day(ctx, EN_MONTH[mon], d, int(y) if y else None)
    return _Raw(m.start(), m.end(), day) if day else None


@_rule(rf"(?<![\w\-.])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MON}\b\.?(?:,?\s+(?P<y>\d{{4}})\b)?")
def _en_date_dm(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _en_date(m, ctx)


@_rule(r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(?P<pre>this|next)\s+month)?")
def _en_day_of_month(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    d = int(m["d"])
    off = None if not m["pre"] else (1 if m["pre"].lower() == "next" else 0)
    day = _day_of_month(ctx, d, off) if 1 <= d <= 31 else None
    return _Raw(m.start(), m.end(), day) if day else None


# ---------------------------------------------------------------- times of day

@_rule(r"(?P<pre>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|(?<![明今昨])早|(?<![明今昨])晚)?\s*(?P<h>\d{1,2}|[一二三四五六七八九十两]{1,3})\s*"
       r"(?:点|時|时(?!间))(?:\s*(?P<half>半)|\s*(?P<q>一刻|三刻)|\s*(?P<min>\d{1,2}|[一二三四五六七八九十]{1,3})\s*分)?(?:钟)?")
def _zh_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    h = to_int(m["h"])
    if h is None or h > 24:
        return None
    minute = 30 if m["half"] else 15 if m["q"] == "一刻" else 45 if m["q"] else to_int(m["min"] or "0")
    if minute is None or minute > 59:
        return None
    period = PERIOD_ZH.get(m["pre"] or "")
    h = _hour_with_period(h, period) % 24
    return _Raw(m.start(), m.end(), at=time(h, minute), period=period or "explicit")


@_rule(r"(?P<pre>凌晨|早上|早晨|上午|中午|下午|傍晚|晚上)?\s*(?<![\d:])(?P<h>[01]?\d|2[0-3]):(?P<min>[0-5]\d)"
       r"(?![\d:])(?:\s*(?P<ap>[ap]\.?m\.?)(?![a-z]))?")
def _colon_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    h, minute = int(m["h"]), int(m["min"])
    ap = (m["ap"] or "").lower().replace(".", "")
    period = PERIOD_ZH.get(m["pre"] or "") or (ap or None)
    if period:
        h = _hour_with_period(h, period) % 24
    return _Raw(m.start(), m.end(), at=time(h, minute), period="explicit")


@_rule(r"\b(?P<h>\d{1,2})(?:\.(?P<min>[0-5]\d))?\s*(?P<ap>[ap]\.?m\.?)(?![a-z])")
def _en_clock(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    h = int(m["h"])
    if not 1 <= h <= 12:
        return None
    h = _hour_with_period(h, "pm" if m["ap"].lower().startswith("p") else "am")
    return _Raw(m.start(), m.end(), at=time(h, int(m["min"] or 0)), period="explicit")


@_rule(r"\b(?:noon|midday)\b")
def _en_noon(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), at=time(12, 0), period="explicit")


@_rule(r"下班(?:之前|以前|前)?|收工前|\b(?:end\s+of\s+(?:the\s+)?(?:work\s*)?day|eod|cob|close\s+of\s+business)\b")
def _workday_end(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    return _Raw(m.start(), m.end(), at=ctx.workday_end, period="explicit")


@_rule(r"凌晨|早上|早晨|上午|中午|下午|傍晚|晚上")
def _zh_period(m: re.Match[str], ctx: _Ctx) -> _Raw | None:
    # "下午" on its own still says which day: today.
    return _Raw(m.start(), m.end(), day=None, period=PERIOD_ZH[m[0]])


# ---------------------------------------------------------------- scanning

_JOIN_GAP = re.compile(r"^\s*(?:的|,|at|on|@|around|about)?\s*$", re.IGNORECASE)


def _collect(text: str, ctx: _Ctx) -> list[_Raw]:
    found: list[_Raw] = []
    for pattern, handler in _RULES:
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue
            raw = handler(m, ctx)
            if raw is not None:
                found.append(raw)
    # Longest match wins; then keep the earliest among non-overlapping ones.
    found.sort(key=lambda r: (-(r.end - r.start), r.start))
    chosen: list[_Raw] = []
    for r in found:
        if all(r.end <= c.start or r.start >= c.end for c in chosen):
            chosen.append(r)
    chosen.sort(key=lambda r: r.start)
    return chosen


def _merge(text: str, raws: list[_Raw]) -> list[_Raw]:
    """Join "date + time" and "time + date" neighbours into one expression."""
    out: list[_Raw] = []
    for r in raws:
        if out:
            prev = out[-1]
            gap = text[prev.end:r.start]
            complementary = (prev.at is None) != (r.at is None) or (
                prev.day is None and prev.at is None and r.day is None)
            if complementary and _JOIN_GAP.match(gap):
                day = prev.day or r.day
                at = prev.at or r.at
                period = prev.period if prev.at is None else r.period
                if at is not None and period in ("am", "pm", "noon"):
                    # "明晚8点" / "tomorrow afternoon 3" : the part of day decides am/pm.
                    own = (prev if prev.at else r).period
                    if own not in ("am", "pm", "noon") and at.hour < 12:
                        h = _hour_with_period(at.hour - 12 if at.hour > 12 else at.hour, period)
                        at = time(h % 24, at.minute)
                out[-1] = _Raw(prev.start, r.end, day, at, period)
                continue
        out.append(r)
    return out


def find_dates(text: str, today: date, now: time, mode: Mode = DEADLINE,
               workday_end: time = time(18, 0), is_workday: Callable[[date], bool] | None = None) -> list[DateSpan]:
    """All date/time expressions in ``text``, resolved, in order of appearance. ``is_workday`` is the
    working-day rule for "3个工作日" (weekdays when not given)."""
    ctx = _Ctx(today, now, mode, workday_end, is_workday or _weekday_rule)
    spans: list[DateSpan] = []
    for r in _merge(text, _collect(text, ctx)):
        day = r.day
        if day is None:
            day = today
            if r.at is not None and mode == DEADLINE and r.at < now:
                day = today + timedelta(days=1)  # "3pm" said at 4pm means tomorrow
        spans.append(DateSpan(r.start, r.end, day, r.at))
    return spans
