"""dateparser as a guarded fallback for English deadlines the rules did not read.

It runs only when the rules found no date at all, on the words right after a deadline marker ("by", "due",
"before", "until", "on"), in English (``languages=['en']``), and only if those words look like a date (a
digit, a month or weekday name, or a relative word). dateparser is imported on first use, so messages that
never reach it cost nothing and ``pmo-bot parse`` starts as fast as before.

It is wrong in known, silent ways; each has a guard here:

* "at 1030" -> year 1030, "Dec 21-23" -> 2123: the year must be within ``_YEARS`` of today;
* "8 tonight", "2 hrs" -> the reference time, "5" -> a month: only ``day`` and ``time`` results, a time only
  when the words hold a clock time (":", am/pm, o'clock, noon), never a result equal to the reference time;
  the contract's clock on top (1-6 without am/pm is the afternoon);
* "at 15 past 3pm" -> the 15th, "15 minutes from 1pm" -> 13:00: no clock arithmetic words at all;
* "April 14, 2015" -> this year's April 14: a year said must be the year found;
* "at 7:30 PM on Fri, Sep 20" -> this Friday: a shorter phrase only when the words it drops are not date-like;
* "next wednesday" -> this week's: a weekday name is checked against the contract's week rules;
* "est 12h" as a time: the words stop before any span the caller already read (durations, keys, mentions);
* deadlines look forward: nothing before today.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from .dates import EN_WEEKDAY, DateSpan

_YEARS = 5
_MAX_WORDS = 8
_MAX_CALLS = 12  # per message: a pasted wall of "by ... by ..." must not cost seconds
_MARKER = re.compile(r"\b(?:by|before|until|till|due(?:\s+(?:on|by))?|on|deadline[:]?)\s+", re.IGNORECASE)
_STOP = re.compile(r"[;!?\n()\[\]@<]|\s-\s|\b(?:and|but|so|because|with|p[0-3])\b", re.IGNORECASE)
_DATEISH = re.compile(r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
                      r"tomorrow|today|tonight|week|month|year|day|hence|noon|midnight|morning|afternoon|evening|"
                      r"christmas|new\s+year|first|second|third|fourth|fifth|last)", re.IGNORECASE)
_CLOCK = re.compile(r"\d\s*(?::\d|[ap]\.?\s?m\b|o'?clock)|\b(?:noon|midnight)\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*$")
_WEEKDAY = re.compile(r"\b(?:(?P<next>next)\s+|(?P<this>this)\s+)?(?P<wd>mon|tue|wed|thu|fri|sat|sun)"
                      r"(?:day|s|nes|nesday|rs|rsday|urday|sday|\.)?\b", re.IGNORECASE)
# Spoken clock arithmetic ("15 minutes from 1pm", "20 past 3") dateparser reads as a day of the month.
_RELATIVE_CLOCK = re.compile(r"\b(?:past|to|till|til|minutes?|mins?|quarter|half|after|from)\b", re.IGNORECASE)
_PM_WORDS = re.compile(r"\b(?:afternoon|evening|tonight|night)\b|(?:\d|\b)\s?p\.?\s?m\b", re.IGNORECASE)
_AM_WORDS = re.compile(r"\bmorning\b|(?:\d|\b)\s?a\.?\s?m\b|\b0\d:", re.IGNORECASE)
# Words a shorter phrase must not leave out: "Wednesday [after next]", "Fri [, Sep 20]", "20 [of next month]".
_MEANINGFUL = re.compile(_DATEISH.pattern + r"|\b(?:next|this|after|of|past|to|from)\b", re.IGNORECASE)
_NUMBERS_ONLY = re.compile(r"^(?:(?:at|around|about|on)\s+)?[\d\s.]+$", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")

calls = 0  # how often dateparser was asked (docs/nlu.md gives the measured figures)
hits = 0  # how often its answer passed the guards

_parser_cls: Any = None


def _parser(base: datetime) -> Any:
    global _parser_cls
    if _parser_cls is None:
        from dateparser.date import DateDataParser  # ~0.1 s import, ~0.2 s first call

        _parser_cls = DateDataParser
    return _parser_cls(languages=["en"], settings={
        "PREFER_DATES_FROM": "future", "RETURN_TIME_AS_PERIOD": True, "RELATIVE_BASE": base})


def _accept(phrase: str, found: datetime, period: str, today: date, base: datetime) -> tuple[date, time | None] | None:
    if period not in ("day", "time") or abs(found.year - today.year) > _YEARS or _RELATIVE_CLOCK.search(phrase):
        return None
    year = _YEAR.search(phrase)
    if year and int(year[0]) != found.year:
        return None  # "April 14, 2015" read as this year's April 14
    if _NUMBERS_ONLY.match(phrase):
        return None  # "at 3 15" is no day of March
    day = found.date()
    lower = phrase.lower()
    monday = today - timedelta(days=today.weekday())
    if "next month" in lower and (day.year * 12 + day.month) != (today.year * 12 + today.month + 1):
        return None
    if "next week" in lower and not monday + timedelta(days=7) <= day < monday + timedelta(days=14):
        return None
    at: time | None = None
    if period == "time":
        if not _CLOCK.search(phrase) or found == base:
            return None  # a time nobody said ("8 tonight" -> the reference time, "2 hrs" -> now + 2 h)
        at = found.time().replace(second=0, microsecond=0)
        # The contract's clock: 1-6 without am/pm is the afternoon; "this afternoon at 3:20" is 15:20.
        if at.hour < 12 and (_PM_WORDS.search(phrase) or (1 <= at.hour <= 6 and not _AM_WORDS.search(phrase))):
            at = at.replace(hour=at.hour + 12)
            if day == today + timedelta(days=1) and datetime.combine(today, at) > base:
                day = today  # dateparser had moved 03:30 to tomorrow; 15:30 is still ahead today
    wd = _WEEKDAY.search(phrase)
    if wd:
        want = EN_WEEKDAY[wd["wd"][:3].lower()]
        if wd["next"]:  # the contract: "next Friday" is next week's Friday
            day = monday + timedelta(days=7 + want)
        elif wd["this"]:
            day = monday + timedelta(days=want)
        elif day.weekday() != want:
            return None
    if day < today:
        return None
    return day, at


def worth_asking(text: str) -> bool:
    """Cheap check before any work: English, a deadline marker and something date-like after it."""
    if not re.search(r"[A-Za-z]", text):
        return False
    m = _MARKER.search(text)
    return m is not None and _DATEISH.search(text, m.end()) is not None


def fallback_date(text: str, today: date, now: time, taken: list[tuple[int, int]]) -> DateSpan | None:
    """A deadline the rules missed, read by dateparser after a deadline marker; None unless it passes the guards."""
    global calls, hits
    if not re.search(r"[A-Za-z]", text):
        return None
    base = datetime.combine(today, now)
    budget = _MAX_CALLS
    for m in _MARKER.finditer(text):
        start = m.end()
        end = min([s for s, _ in taken if s >= start] + [len(text)])
        stop = _STOP.search(text, start, end)
        if stop:
            end = stop.start()
        if any(s < start < e for s, e in taken):
            continue
        words = list(re.finditer(r"\S+", text[start:end]))[:_MAX_WORDS]
        # Longest first, so "Jul 18 2014 7pm" wins over "Jul 18"; a shorter phrase only when the words it
        # leaves out hold nothing date-like ("Friday please", never "Wednesday [of next week]").
        for n in range(len(words), 0, -1):
            phrase_end = start + words[n - 1].end()
            phrase = text[start:phrase_end].rstrip(".,")
            if _MEANINGFUL.search(text, phrase_end, start + words[-1].end()):
                break
            if not _DATEISH.search(phrase) or _BARE_NUMBER.match(phrase):
                continue
            if budget == 0:
                return None
            budget -= 1
            calls += 1
            try:
                data = _parser(base).get_date_data(phrase)
            except Exception:  # a library failure is no date, never a crash
                continue
            if data is None or data.date_obj is None:
                continue
            ok = _accept(phrase, data.date_obj.replace(tzinfo=None), data.period or "", today, base)
            if ok is not None:
                hits += 1
                return DateSpan(start, start + len(phrase), ok[0], ok[1])
    return None
