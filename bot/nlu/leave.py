"""Leave: "我下周一到周三请假", "明天请假", "OOO until Friday", "on leave from Dec 1 to Dec 3"; and what is not a new
leave — "我的请假" / "bob 请假了吗" (show), "取消请假" (cancel), "请个假" (which days?), "下午请假半天" (part of a day)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .asked import QUESTION, who
from .intents import Leave, LeaveAction
from .message import Message
from .numbers import NUM_RE, to_number

_ZH = (rf"请假|请(?:个|一个|\s*{NUM_RE}\s*天)?假|休假|年假|病假|事假|婚假|产假|陪产假|丧假|不在岗|(?:^|我)(?:要|将)?休息|"
       rf"休(?:个|一个|\s*{NUM_RE}\s*天)假")
_EN = (r"\b(?:ooo|pto|out\s+of\s+(?:the\s+)?office|on\s+leave|(?:annual|sick|parental)\s+leave|"
       r"on\s+vacation|on\s+holiday|taking\s+(?:a\s+|the\s+)?(?:day|days)\s+off|(?:a\s+)?day\s+off|"
       r"days\s+off|i\s*(?:'m|am|will\s+be|'ll\s+be)\s+(?:off|out|away)\b|(?:off|out|away)\s+(?:until|till|from)\b|"
       r"^(?:i'?m\s+|i\s+am\s+)?(?:out|off)\s+(?:sick|all\s+(?:day|week|next|this)|today|tomorrow|this\s+week|next|"
       r"the\s+rest)\b|\bsick\s+day\b|"
       r"\bcalling\s+in\s+sick\b|\bout\s+sick\b|\bmy\s+(?:leave|pto|time\s+off|days\s+off|vacation)\b|"
       r"\b(?:cancel|show|list|withdraw|remove)\s+(?:my\s+|the\s+|all\s+)?(?:leave|pto|time\s+off)\b|"
       r"\b(?:taking|take|took|need|want)\s+(?:a\s+|some\s+)?(?:leave|pto|time\s+off)\b|\bnever\s*mind\b.*\b(?:leave|pto)\b|"
       r"\bwho(?:'s|\s+is|\s+are)?\s+(?:on\s+leave|off|out|away)\b)")
_TRIGGER = re.compile(rf"{_ZH}|{_EN}", re.IGNORECASE)
# A task or change request about leave ("新建任务 请假系统") is not a leave.
_NOT = re.compile(r"新建|创建|任务|task|变更|change|ticket|系统|功能|模块|页面|bug|CR-\d", re.IGNORECASE)
# Part of a day away ("我下午请假半天", "out tomorrow afternoon") still leaves time for the standup.
_PART_DAY = re.compile(r"半天|上午|下午|中午|早上|晚上|小时|\b(?:morning|afternoon|evening|hours?)\b", re.IGNORECASE)
_UNTIL = re.compile(r"(?:到|至|直到|\buntil|\btill|\bthru|\bthrough|\bto|-|~|—)\s*$", re.IGNORECASE)
# "PTO Dec 21-23", "12月21-23日": the second day of a range in the month of the first.
_DAY_RANGE = re.compile(r"^\s*(?:-|~|–|—|到|至|\bto\b)\s*(?P<d>[0-3]?\d)(?:日|号|st|nd|rd|th)?(?![\d:.])")
# Cancelling, and negation ("别给我记请假", "明天不请假了"): both take leave away, never record it.
_CANCEL = re.compile(r"取消|撤销|撤回|不请了|不休了|销假|作废|删掉|删除|(?:不要|别|先不|不用|不再|不)(?:给我)?(?:记|登记)?(?:请|休)|"
                     r"\bcancel|\bwithdraw|\bremove|\bdelete|\bdrop|\bundo|\bcall\s+off|\bnever\s*mind|"
                     r"\bnot\s+(?:taking|going\s+to\s+take|on\s+leave|off)|\bno\s+longer|\bdon'?t\s+(?:need|want|book|log)",
                     re.IGNORECASE)
_SHOW = re.compile(r"我的(?:请假|假期|休假|年假)|(?:请假|休假)(?:记录|情况|列表|安排)|\bmy\s+(?:leave|pto|time\s+off|vacation|days\s+off)\b|"
                   r"\b(?:show|list)\b.*\b(?:leave|pto|time\s+off)\b|\bwhen\s+am\s+i\s+(?:off|out|on\s+leave)\b|"
                   r"\bwho(?:'s|\s+is|\s+are)?\s+(?:on\s+leave|off|out|away)\b|谁(?:在)?(?:请假|休假)", re.IGNORECASE)
_NEXT_WEEK = re.compile(r"下(?:个)?(?:周|星期|礼拜)(?![一二三四五六日天1-7])|\bnext\s+week\b", re.IGNORECASE)
_THIS_WEEK = re.compile(r"(?:本|这)(?:个)?(?:周|星期)(?![一二三四五六日天1-7])|\bthis\s+week\b|\brest\s+of\s+the\s+week\b",
                        re.IGNORECASE)
_DAYS = re.compile(rf"(?P<n>{NUM_RE}|半)\s*(?:个)?\s*(?:天|日|days?\b)", re.IGNORECASE)


def _span(start: date, end: date) -> Leave:
    return Leave(start=start.isoformat(), end=end.isoformat())


def _not_new(msg: Message) -> LeaveAction | None:
    """Show, cancel or a part of a day: anything about leave that must not record one."""
    text = msg.text
    if _CANCEL.search(text):
        monday = msg.today - timedelta(days=msg.today.weekday())
        if _NEXT_WEEK.search(text):  # "下周不休假了": the whole week, as when it was booked
            week = _span(monday + timedelta(days=7), monday + timedelta(days=13))
            return LeaveAction(action="cancel", start=week.start, end=week.end)
        if _THIS_WEEK.search(text):
            week = _span(msg.today, monday + timedelta(days=6))
            return LeaveAction(action="cancel", start=week.start, end=week.end)
        spans = msg.dates()
        if not spans:
            return LeaveAction(action="cancel")
        found = _span(spans[0].day, spans[-1].day if len(spans) > 1 else spans[0].day)
        return LeaveAction(action="cancel", start=found.start, end=found.end)
    if _SHOW.search(text) or QUESTION.search(text):
        whom = who(msg)
        spans = msg.dates()
        day = spans[0].day.isoformat() if spans else None
        person = "team" if whom.team or re.search(r"\bwho\b|谁", text, re.I) else whom.person
        return LeaveAction(action="show", person=person, start=day, end=day)
    if _PART_DAY.search(text):
        spans = msg.dates()
        return LeaveAction(action="part_day", start=(spans[0].day if spans else msg.today).isoformat())
    return None


def parse_leave(msg: Message) -> Leave | LeaveAction | None:
    text = msg.text
    if not _TRIGGER.search(text) or msg.tasks or _NOT.search(text):
        return None
    other = _not_new(msg)
    if other is not None:
        return other
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
        tail = _DAY_RANGE.match(text[only.end:])
        if tail and only.day.day < int(tail["d"]) <= 31:
            try:
                return _span(only.day, only.day.replace(day=int(tail["d"])))
            except ValueError:  # "Feb 27-30": no such day
                return None
        if _UNTIL.search(text[:only.start]):  # "OOO until Friday", "到周五"
            return _span(msg.today, max(msg.today, only.day))
        if days and days.start() >= only.end:  # "明天起请假3天"
            n = to_number(days["n"]) if days["n"] != "半" else 1
            return _span(only.day, only.day + timedelta(days=max(1, int(n or 1)) - 1))
        return _span(only.day, only.day)
    if days:  # "请假3天": from today
        n = to_number(days["n"]) if days["n"] != "半" else 1
        return _span(msg.today, msg.today + timedelta(days=max(1, int(n or 1)) - 1))
    if re.search(r"请(?:个|一个)?假|休(?:个|一个)?假|想请|要请|\b(?:need|want|like)\s+(?:a\s+|some\s+)?(?:day|days|time)\s+off\b",
                 text, re.IGNORECASE) and not re.search(r"今天|today|现在|now", text, re.IGNORECASE):
        return LeaveAction(action="ask")  # "请个假": which days is the one thing that decides it
    if re.search(_ZH, text) or re.search(r"\b(?:ooo|pto|on\s+leave|out\s+sick|sick\s+day|calling\s+in\s+sick)\b|"
                                         r"\b(?:out|off)\s+(?:today|all\s+day)\b", text, re.IGNORECASE):
        return _span(msg.today, msg.today)  # "今天请假" said with today's word, a bare "OOO", "out sick today"
    return None
