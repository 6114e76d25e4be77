"""Leave: "我下周一到周三请假", "明天请假", "OOO until Friday", "on leave from Dec 1 to Dec 3"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .intents import Leave
from .message import Message
from .numbers import NUM_RE, to_number

_ZH = r"请假|休假|年假|病假|事假|婚假|产假|陪产假|丧假|不在岗|(?:^|我)(?:要|将)?休息"
_EN = (r"\b(?:ooo|pto|out\s+of\s+(?:the\s+)?office|on\s+leave|(?:annual|sick|parental)\s+leave|"
       r"on\s+vacation|on\s+holiday|taking\s+(?:a\s+|the\s+)?(?:day|days)\s+off|(?:a\s+)?day\s+off|"
       r"days\s+off|i\s*(?:'m|am|will\s+be|'ll\s+be)\s+(?:off|out|away)\b|(?:off|out|away)\s+(?:until|till|from)\b)")
_TRIGGER = re.compile(rf"{_ZH}|{_EN}", re.IGNORECASE)
# A task or change request about leave ("新建任务 请假系统") is not a leave.
_NOT = re.compile(r"新建|创建|任务|task|变更|change|ticket|系统|功能|模块|页面|bug|CR-\d", re.IGNORECASE)
# Part of a day away ("我下午请假半天", "out tomorrow afternoon") still leaves time for the standup.
_PART_DAY = re.compile(r"半天|上午|下午|中午|早上|晚上|小时|\b(?:morning|afternoon|evening|hours?)\b", re.IGNORECASE)
_UNTIL = re.compile(r"(?:到|至|直到|until|till|thru|through|to|-|~|—)\s*$", re.IGNORECASE)
_NEXT_WEEK = re.compile(r"下(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7])|\bnext\s+week\b", re.IGNORECASE)
_THIS_WEEK = re.compile(r"(?:本|这)(?:个)?(?:周|星期)(?![一二三四五六日天1-7])|\bthis\s+week\b|\brest\s+of\s+the\s+week\b",
                        re.IGNORECASE)
_DAYS = re.compile(rf"(?P<n>{NUM_RE}|半)\s*(?:个)?\s*(?:天|日|days?\b)", re.IGNORECASE)


def _span(start: date, end: date) -> Leave:
    return Leave(start=start.isoformat(), end=end.isoformat())


def parse_leave(msg: Message) -> Leave | None:
    text = msg.text
    if not _TRIGGER.search(text) or msg.tasks or _NOT.search(text) or _PART_DAY.search(text):
        return None
    monday = msg.today - timedelta(days=msg.today.weekday())
    if _NEXT_WEEK.search(text):
        return _span(monday + timedelta(days=7), monday + timedelta(days=11))
    if _THIS_WEEK.search(text):
        return _span(msg.today, max(msg.today, monday + timedelta(days=4)))
    spans = msg.dates()
    days = _DAYS.search(text)
    if len(spans) >= 2:
        start, end = spans[0].day, spans[1].day
        while end < start:  # "下周一到周三": the bare weekday is in the week of the start
            end += timedelta(days=7)
        return _span(start, end)
    if len(spans) == 1:
        only = spans[0]
        if _UNTIL.search(text[:only.start]):  # "OOO until Friday", "到周五"
            return _span(msg.today, max(msg.today, only.day))
        if days and days.start() >= only.end:  # "明天起请假3天"
            n = to_number(days["n"]) if days["n"] != "半" else 1
            return _span(only.day, only.day + timedelta(days=max(1, int(n or 1)) - 1))
        return _span(only.day, only.day)
    if days:  # "请假3天": from today
        n = to_number(days["n"]) if days["n"] != "半" else 1
        return _span(msg.today, msg.today + timedelta(days=max(1, int(n or 1)) - 1))
    if re.search(_ZH, text) or re.search(r"\b(?:ooo|pto|on\s+leave)\b", text, re.IGNORECASE):
        return _span(msg.today, msg.today)  # "今天请假" said without a date, or a bare "OOO"
    return None
