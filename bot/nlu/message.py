"""One normalized message plus the spans every grammar needs, computed once and cached."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from .dates import DEADLINE, DateSpan, HolidayLookup, Mode, find_dates
from .durations import HoursSpan, find_hours
from .fallback import fallback_date, worth_asking
from .keys import KeySpan, find_tasks
from .mentions import Mention, find_mentions


@dataclass(slots=True)
class Message:
    text: str
    today: date
    now: time
    workday_end: time
    day_hours: float
    is_workday: Callable[[date], bool] | None = None
    holidays: HolidayLookup | None = None
    # The project keys that exist (the caller's, like the calendar): "QA 进度" names project QA although "QA" is
    # also a word; empty, only key-shaped words that are not common words count.
    known_keys: frozenset[str] = frozenset()
    lower: str = ""
    tasks: list[KeySpan] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    _dates: dict[str, list[DateSpan]] = field(default_factory=dict)
    _hours: list[HoursSpan] | None = None

    def __post_init__(self) -> None:
        self.lower = self.text.lower()
        self.tasks = find_tasks(self.text)
        self.mentions = find_mentions(self.text)

    def dates(self, mode: Mode = DEADLINE) -> list[DateSpan]:
        if mode not in self._dates:
            spans = find_dates(self.text, self.today, self.now, mode, self.workday_end, self.is_workday,
                               self.holidays)
            # A mention or task key is never a date ("@5号楼", "CRM-12").
            taken = self._fixed_spans()
            spans = [d for d in spans if not any(d.start < e and s < d.end for s, e in taken)]
            if not spans and mode == DEADLINE and self.text.isascii() and worth_asking(self.text):
                # English words the rules did not read: dateparser, guarded (bot/nlu/fallback.py). It never
                # reads a duration, a key or a mention.
                taken = taken + [(h.start, h.end) for h in find_hours(self.text, self.day_hours, taken)]
                extra = fallback_date(self.text, self.today, self.now, taken)
                spans = [extra] if extra else []
            self._dates[mode] = spans
        return self._dates[mode]

    def hours(self) -> list[HoursSpan]:
        if self._hours is None:
            taken = [(d.start, d.end) for d in self.dates(DEADLINE)] + self._fixed_spans()
            self._hours = find_hours(self.text, self.day_hours, taken)
        return self._hours

    def _fixed_spans(self) -> list[tuple[int, int]]:
        return [(t.start, t.end) for t in self.tasks] + [(m.start, m.end) for m in self.mentions]

    def search(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return pattern.search(self.text)


def cut(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` with every span replaced by a NUL marker, which no grammar word contains."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for s, e in sorted(spans):
        if e <= pos or s >= end:
            continue
        s = max(s, pos)
        out.append(text[pos:s])
        out.append("\x00")
        pos = min(e, end)
    out.append(text[pos:end])
    return "".join(out)


_PIECE_SPLIT = re.compile(r"[\x00,;。、!?\n]+|(?<=\D)\.(?=\s|$)|\s+-\s+|^-\s*")


def pieces(text: str) -> list[str]:
    return [p.strip() for p in _PIECE_SPLIT.split(text) if p and p.strip()]


def split_pieces(text: str) -> list[str]:
    """Like :func:`pieces` but unstripped and with empty pieces kept, so the first and last
    items are the ones touching the ends of ``text``."""
    return _PIECE_SPLIT.split(text)


def strip_words(piece: str, words: re.Pattern[str]) -> str:
    """Strip filler words (and punctuation) from both ends of ``piece`` until none is left."""
    prev = None
    while prev != piece:
        prev = piece
        piece = words.sub("", piece).strip(" \t:：-~()[]\"'.,+")
    return piece


def fillers(zh: str, en: str, *, start: bool = True, end: bool = True) -> re.Pattern[str]:
    """Pattern for filler words at either end of a piece (Latin words need a word boundary).

    ``start`` / ``end`` choose which ends are stripped; a side that is not stripped never matches.
    """
    alts = []
    if start:
        alts += [rf"^\s*(?:{zh})+", rf"^\s*(?:{en})(?![A-Za-z0-9])"]
    if end:
        alts += [rf"(?:{zh})+\s*$", rf"(?<![A-Za-z0-9])(?:{en})\s*$"]
    return re.compile("|".join(alts) or r"(?!)", re.IGNORECASE)
