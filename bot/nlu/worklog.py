"""Work-time logs: "log 3h on CRM-12 yesterday", "CRM-1 3小时 CRM-2 2小时", "昨天在CRM-2上花了半天".

Dates here look back (a log is never in the future). One message may log several tasks; each
task key is paired with the amount written next to it.
"""

from __future__ import annotations

import re

from .dates import LOG, DateSpan
from .durations import HoursSpan
from .intents import LogEntry, LogHours
from .keys import KeySpan
from .message import Message, cut, fillers, pieces, strip_words

# Saying one of these makes a message a log even without a task key ("log 2h").
_LOG_VERB = re.compile(
    r"^\s*(?:/?log|logged|记录?工时|登记工时|报工时|填工时|记工时|工时|记一下|记录一下|记|登记|填报|timesheet)(?![A-Za-z])|"
    r"\b(?:log(?:ged|ging)?|spent|spend|worked|put|record(?:ed)?|track(?:ed)?|book(?:ed)?)\b|"
    r"记录?工时|登记|报工|工时|花了|用了|做了|干了|搞了|弄了|忙了|投入了?|耗时|花费了?",
    re.IGNORECASE,
)
_STRONG_VERB = re.compile(
    r"^\s*(?:/?log|记录?工时|登记工时|报工时|填工时|记工时|工时|记|登记)(?![A-Za-z])|\blog(?:ged)?\b|记录?工时|登记|报工|"
    r"\bspent\b.*\bon\b|\bput\b.*\bon\b|\bworked\b",
    re.IGNORECASE,
)
# Estimates and "还要3小时" are plans, not logs.
_PLAN = re.compile(r"预计|预估|估计|估算|还要|还需|还需要|需要|计划|\best(?:imate[sd]?)?\b|\bneeds?\b|"
                   r"\bwill\s+take\b|\bremaining\b|\bleft\b", re.IGNORECASE)
_NOTE_FILLERS = fillers(
    r"在|上|上面|里|花了|花费了?|花|用了|用在|做了|干了|搞了|弄了|忙了|投入了?|耗时|了|的|记录?|登记|填报?|报|工时|"
    r"一下|帮我|帮忙|请|和|跟|及|我|各|分别|今天|主要|用于|为了|是|共|一共|总共|左右|大概|约",
    r"log(?:ged|ging)?|put|spent|spend|worked|working|work|record(?:ed)?|track(?:ed)?|book(?:ed)?|on|for|in|to|"
    r"at|the|of|hours?|hrs?|i|and|a|an|with|doing|about|around|just|today|note|re|each|both|another|more|plus|also",
)


def _pair(tasks: list[KeySpan], hours: list[HoursSpan]) -> list[tuple[KeySpan | None, HoursSpan | None]]:
    """Pair each task with the amount next to it: "K D K D" or "D K D K" (or one of each)."""
    if not tasks:
        return [(None, h) for h in hours[:1]] if hours else []
    if not hours:
        return [(t, None) for t in tasks]
    if len(tasks) == 1:
        return [(tasks[0], hours[0])] if len(hours) == 1 else [(tasks[0], _sum(hours))]
    pairs: list[tuple[KeySpan | None, HoursSpan | None]] = []
    key_first = tasks[0].start < hours[0].start
    used: set[int] = set()
    for i, t in enumerate(tasks):
        if key_first:
            nxt = tasks[i + 1].start if i + 1 < len(tasks) else 10**9
            cand = [j for j, h in enumerate(hours) if t.end <= h.start < nxt and j not in used]
        else:
            prv = tasks[i - 1].end if i > 0 else -1
            cand = [j for j, h in enumerate(hours) if prv <= h.start < t.start and j not in used]
        if cand:
            used.add(cand[0])
            pairs.append((t, hours[cand[0]]))
        else:
            pairs.append((t, None))
    # "CRM-1 和 CRM-2 各2小时": one shared amount.
    if len(hours) == 1 and sum(1 for _t, h in pairs if h) <= 1:
        return [(t, hours[0]) for t in tasks]
    return pairs


def _sum(hours: list[HoursSpan]) -> HoursSpan:
    # "3h 30m" written apart; "上午2小时下午3小时" for one task.
    return HoursSpan(hours[0].start, hours[-1].end, round(sum(h.hours for h in hours), 2))


def _segment(msg: Message, idx: int, tasks: list[KeySpan], key_first: bool) -> tuple[int, int]:
    if len(tasks) <= 1:
        return 0, len(msg.text)
    if key_first:
        start = 0 if idx == 0 else tasks[idx].start
        end = tasks[idx + 1].start if idx + 1 < len(tasks) else len(msg.text)
    else:
        start = 0 if idx == 0 else tasks[idx - 1].end
        end = tasks[idx].end if idx + 1 < len(tasks) else len(msg.text)
    return start, end


def _note(msg: Message, start: int, end: int, taken: list[tuple[int, int]]) -> str | None:
    text = cut(msg.text, taken, start, end)
    parts = [strip_words(p, _NOTE_FILLERS) for p in pieces(text)]
    note = " ".join(p for p in parts if p)
    return note or None


def parse_log(msg: Message, *, forced: bool = False) -> LogHours | None:
    hours = msg.hours()
    verb = _LOG_VERB.search(msg.text)
    strong = _STRONG_VERB.search(msg.text)
    if not forced:
        if not hours and not (strong and msg.tasks and msg.text.lower().lstrip().startswith(("log", "记", "登记", "工时"))):
            return None
        if hours and not msg.tasks and not strong:
            return None
        if not verb and not msg.tasks:
            return None
        if _PLAN.search(msg.text) and not strong:
            return None
    dates = msg.dates(LOG)
    pairs = _pair(msg.tasks, hours)
    key_first = bool(msg.tasks and hours and msg.tasks[0].start < hours[0].start)
    taken = [(t.start, t.end) for t in msg.tasks] + [(h.start, h.end) for h in hours] + \
        [(d.start, d.end) for d in dates] + [(m.start, m.end) for m in msg.mentions]
    entries = []
    for i, (task, h) in enumerate(pairs):
        start, end = _segment(msg, i, msg.tasks, key_first) if task else (0, len(msg.text))
        day: DateSpan | None = next((d for d in dates if start <= d.start < end), None)
        if day is None and dates:
            day = dates[0]
        entries.append(LogEntry(
            task=task.key if task else None,
            hours=h.hours if h else None,
            date=day.day.isoformat() if day else None,
            note=_note(msg, start, end, taken),
        ))
    # More than a working day, said without a log verb ("CRM-2 24小时"), may be an estimate or a total.
    long = not strong and any(e.hours is not None and e.hours > msg.day_hours for e in entries)
    return LogHours(entries=entries, weak=["long"] if long else []) if entries else None
