"""Find amounts of work time ("3h", "两个半小时", "1h30m", "半天", "half a day") as hours.

Day-based amounts use the configurable working-day length, so 半天 is half a day's hours.
Callers pass the spans already taken by dates so "3天后" is never read as 24 hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import NUM_RE, ZH_NUM_CHARS, to_number


@dataclass(frozen=True, slots=True)
class HoursSpan:
    start: int
    end: int
    hours: float


_N = rf"(?P<n>{NUM_RE})"
_EN_N = (r"(?P<w>an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
         r"a\s+couple\s+of|couple\s+of|a\s+few)")
_H_UNIT = r"(?:个\s*)?(?:小时|钟头|钟)|\s*(?:hours?|hrs?|h)(?![a-z])"
_M_UNIT = r"(?:\s*(?:minutes?|mins?|m)(?![a-z])|分钟)"
_M_UNIT_AFTER_H = r"(?:\s*(?:minutes?|mins?|m)(?![a-z])|分钟|分(?!之))"
_DAY_UNIT = r"(?:个)?(?:工作日|天|人天)|\s*(?:days?|d)(?![a-z])"
# No amount starts inside a longer number or word; this also keeps long digit runs linear.
# A minus sign is allowed only when it stands alone before the number ("log -2h", "CRM-1 -3小时"),
# never when it joins two words or numbers ("CRM-3 2h", "1-2h").
# A Chinese numeral may follow a digit directly: "CRM-22一个半小时" is CRM-22 and 1.5 hours ("2一" is no number).
_LEFT = (rf"(?:(?<![A-Za-z0-9./:第{ZH_NUM_CHARS}])|(?<=[0-9])(?=[{ZH_NUM_CHARS}])(?<![./:]\d)|(?<=[0-9])(?=半))"
         r"(?<![^\s(,:;=]-)")
_SIGN_BEFORE = frozenset(" \t\n(,:;=")

# One alternation, longest forms first, so "1小时30分钟" never splits into two amounts.
_PATTERN = re.compile(
    rf"{_LEFT}(?P<hm_h>{NUM_RE})\s*(?:{_H_UNIT})\s*(?:零\s*)?(?P<hm_m>\d+|[一二三四五六七八九十]+)\s*{_M_UNIT_AFTER_H}"
    rf"|{_LEFT}(?P<half_n>{NUM_RE})\s*个半\s*(?:小时|钟头|钟)"
    rf"|{_LEFT}(?P<nhalf_n>{NUM_RE})\s*(?:个\s*)?(?:小时|钟头)半"
    rf"|{_LEFT}(?P<en_and_n>\d+|an?|one|two|three|four|five)\s+and\s+a\s+half\s+(?:hours?|hrs?)\b"
    rf"|\b(?:an?|one)\s+hours?\s+and\s+a\s+half\b"
    r"|(?P<half_hour>半\s*(?:个\s*)?(?:小时|钟头)|\bhalf\s+(?:an\s+)?hour\b)"
    r"|(?P<half_day>半\s*(?:个\s*)?(?:天|工作日)|\bhalf\s+(?:a\s+)?day\b|\bhalf-day\b)"
    r"|(?P<full_day>一整天|整天|一个工作日|\b(?:a|one)\s+(?:full\s+)?day\b|\bfull\s+day\b|\ball\s+day\b)"
    rf"|{_LEFT}{_N}\s*(?:{_H_UNIT})"
    rf"|{_LEFT}(?P<more_n>\d+(?:\.\d+)?)\s+(?:more|extra|additional)\s+(?:hours?|hrs?|h)\b"
    rf"|\b{_EN_N}\s+(?:hours?|hrs?)\b"
    rf"|{_LEFT}(?P<min_n>{NUM_RE})\s*{_M_UNIT}"
    rf"|{_LEFT}(?P<day_n>{NUM_RE})\s*(?:{_DAY_UNIT})",
    re.IGNORECASE,
)


def _hours(m: re.Match[str], day_hours: float) -> float | None:
    if m["hm_h"]:
        h, mins = to_number(m["hm_h"]), to_number(m["hm_m"])
        return None if h is None or mins is None else h + mins / 60
    if m["half_n"]:
        n = to_number(m["half_n"])
        return None if n is None else n + 0.5
    if m["nhalf_n"]:
        n = to_number(m["nhalf_n"])
        return None if n is None else n + 0.5
    if m["en_and_n"]:
        n = to_number(m["en_and_n"])
        return None if n is None else n + 0.5
    if m["half_hour"]:
        return 0.5
    if m["half_day"]:
        return day_hours / 2
    if m["full_day"]:
        return day_hours
    if m["n"]:
        return to_number(m["n"])
    if m["more_n"]:
        return to_number(m["more_n"])
    if m["w"]:
        w = re.sub(r"\s+", " ", m["w"].lower())
        return 3.0 if w == "a few" else to_number(w.replace("a couple of", "couple").replace("couple of", "couple"))
    if m["min_n"]:
        n = to_number(m["min_n"])
        return None if n is None else n / 60
    if m["day_n"]:
        n = to_number(m["day_n"])
        return None if n is None else n * day_hours
    # "an hour and a half"
    return 1.5


def find_hours(text: str, day_hours: float = 8.0,
               taken: list[tuple[int, int]] | None = None) -> list[HoursSpan]:
    """Amounts of time in ``text``, skipping anything overlapping the ``taken`` spans."""
    out: list[HoursSpan] = []
    for m in _PATTERN.finditer(text):
        if taken and any(m.start() < e and s < m.end() for s, e in taken):
            continue
        h = _hours(m, day_hours)
        if h is None:
            continue
        # Zero, negative and implausible amounts are reported as said: the bot refuses them with
        # a reason, which beats silently dropping the number and asking "how many hours?".
        start = m.start()
        if start and text[start - 1] == "-" and m[0][:1].isdigit() and (start == 1 or text[start - 2] in _SIGN_BEFORE):
            if taken and any(start - 1 < e and s < start for s, e in taken):
                continue
            h, start = -h, start - 1
        out.append(HoursSpan(start, m.end(), round(h, 2)))
    return out
