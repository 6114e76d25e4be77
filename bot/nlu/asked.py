"""What a question is about: whose (a mention, a name, me, the team) and which days (a period).

Shared by the hours, task-list and leave questions; pure, like the rest of the parser.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import LOG
from .message import Message

# The cues of a question. h-safety's gate (questions never write) runs before every grammar; this set only tells
# the question grammars that a message asks rather than states.
QUESTION = re.compile(
    r"[?？]|吗|呢|么|没有|是否|多少|哪些|哪个|哪几|谁|什么|啥|几|咋|怎么|如何|有没有|"
    r"^\s*(?:is|are|was|were|did|does|do|who|whom|whose|how|what|which|when|where|any|has|have|show|list)\b",
    re.IGNORECASE,
)
TEAM = re.compile(r"团队|大家|全员|所有人|全组|组内|项目组|\bteam\b|\beveryone\b|\beverybody\b|\ball\s+members\b",
                  re.IGNORECASE)
ME = re.compile(r"我(?!们)|\bmy\b|\bi\b|\bme\b|\bmine\b|\bi'?ve\b", re.IGNORECASE)

# A bare name before the thing asked about ("张伟这周工时", "bob 请假了吗", "bob's hours"): a CJK name of two to
# four characters, or a Latin word; never a word the questions themselves use.
_NOT_NAMES = frozenset({
    "我", "我的", "我们", "你", "你的", "他", "她", "团队", "大家", "全员", "项目", "今天", "昨天", "本周", "这周",
    "上周", "本月", "上月", "这个月", "上个月", "所有", "所有人", "谁", "哪些", "有", "有没有", "现在", "目前", "当前",
    "i", "me", "my", "mine", "we", "our", "you", "your", "the", "team", "everyone", "all", "this", "last", "today",
    "yesterday", "who", "what", "how", "is", "are", "did", "does", "do", "any", "show", "list", "project", "total",
    "hours", "hrs", "tasks", "task", "leave", "open", "due", "done", "overdue", "many", "much", "has", "have", "was",
    "please", "pls", "check", "get", "give", "tell", "anyone", "somebody", "someone", "whose", "which", "when",
    "logged", "weekly", "monthly", "daily", "billable", "overtime", "working", "work", "time", "sum",
})
_ZH_NAME = re.compile(r"^(?P<n>[\u4e00-\u9fff]{2,4}?)\s*(?:的|今天|昨天|明天|后天|这周|本周|上周|下周|本月|这个月|上个月|这|上|本|下|最近|有没有|是不是|在|请|休|工时|任务|手上|负责)")
_EN_NAME = re.compile(r"^(?:is|has|did|does|was|show|list)?\s*(?P<n>[A-Za-z][\w.\-]{1,30})(?:'s\b|\s+(?:on|off|out|away|"
                      r"request|take|took|taking|log|logged|has|have|worked|work|hours|hrs|today|yesterday|this\s+week|"
                      r"last\s+week|this\s+month)\b)", re.IGNORECASE)
_EN_DID = re.compile(r"\b(?:did|does|has|have|is|was)\s+@?(?P<n>[A-Za-z][\w.\-]{1,30})\s+(?:log|logged|work|worked|put|"
                     r"spend|spent|fill|filled|on|off|out|away|taking|take)\b", re.IGNORECASE)
_EN_OF = re.compile(r"\b(?:for|of|by|from)\s+@?(?P<n>[A-Za-z][\w.\-]{1,30})\b", re.IGNORECASE)
_LATIN_NAME = re.compile(r"^(?P<n>[A-Za-z][\w.\-]{1,30})\s*(?:的|请假|休假|在休|今天|明天|这周|本周|上周|有没有|是不是|工时|任务|"
                         r"手上|负责)")


@dataclass(frozen=True, slots=True)
class Who:
    person: str | None = None  # a mention or a name as written
    me: bool = False
    team: bool = False


def who(msg: Message, *, text: str | None = None, project: str | None = None) -> Who:
    """Whom the question is about. A project key is never a name ("CRM 的任务")."""
    text = msg.text if text is None else text
    for m in msg.mentions:
        return Who(person=m.user)
    if TEAM.search(text):
        return Who(team=True)
    said_dates = [(d.start, d.end) for d in msg.dates() + msg.dates(LOG)] if text is msg.text else []
    for pattern in (_ZH_NAME, _LATIN_NAME, _EN_NAME, _EN_DID, _EN_OF):
        found = pattern.search(text.lstrip())
        if found is None:
            continue
        name = found["n"]
        at = found.start("n") + len(text) - len(text.lstrip())
        if any(s < at + len(name) and at < e for s, e in said_dates):
            continue  # "hours from Dec 1": a month is not a person
        if name.lower() in _NOT_NAMES or (project and name.upper() == project) or name.isupper():
            continue
        if re.match(r"[\u4e00-\u9fff]", name) and re.search(r"[我你他她们]|项目|任务|工时|请假|今|昨|本|这|上|下", name):
            continue
        return Who(person=name)
    return Who(me=bool(ME.search(text)))


@dataclass(frozen=True, slots=True)
class Period:
    name: str
    start: date
    end: date


_TODAY = re.compile(r"今天|今日|\btoday\b", re.IGNORECASE)
_YESTERDAY = re.compile(r"昨天|昨日|\byesterday\b", re.IGNORECASE)
_THIS_WEEK = re.compile(r"本周|这周|这个星期|本星期|这星期|\bthis\s+week\b|\bthe\s+week\b", re.IGNORECASE)
_LAST_WEEK = re.compile(r"上周|上个星期|上星期|上礼拜|\blast\s+week\b|\bprevious\s+week\b", re.IGNORECASE)
_THIS_MONTH = re.compile(r"本月|这个月|这月|\bthis\s+month\b", re.IGNORECASE)
_LAST_MONTH = re.compile(r"上个月|上月|\blast\s+month\b|\bprevious\s+month\b", re.IGNORECASE)
_NEXT_WEEK = re.compile(r"下周|下个星期|下星期|下礼拜|\bnext\s+week\b", re.IGNORECASE)


def period(msg: Message, *, default: str = "this_week", forward: bool = False) -> Period:
    """The days a question covers: a named period, a date range, one date, else ``default``.

    Hours look back (a bare "12月1日" is the last one); leave looks ``forward``."""
    today = msg.today
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    text = msg.text
    if _LAST_MONTH.search(text):
        end = first - timedelta(days=1)
        return Period("last_month", end.replace(day=1), end)
    if _THIS_MONTH.search(text):
        return Period("this_month", first, first.replace(day=monthrange(today.year, today.month)[1]))
    if _LAST_WEEK.search(text):
        return Period("last_week", monday - timedelta(days=7), monday - timedelta(days=1))
    if _NEXT_WEEK.search(text):
        return Period("next_week", monday + timedelta(days=7), monday + timedelta(days=13))
    if _THIS_WEEK.search(text):
        return Period("this_week", monday, monday + timedelta(days=6))
    spans = msg.dates() if forward else msg.dates(LOG)
    if len(spans) >= 2:
        start, end = sorted((spans[0].day, spans[1].day))
        return Period("range", start, end)
    if len(spans) == 1 and not _TODAY.search(text[spans[0].start:spans[0].end]) and \
            not _YESTERDAY.search(text[spans[0].start:spans[0].end]):
        return Period("range", spans[0].day, spans[0].day)
    if _YESTERDAY.search(text):
        return Period("yesterday", today - timedelta(days=1), today - timedelta(days=1))
    if _TODAY.search(text):
        return Period("today", today, today)
    if default == "today":
        return Period("today", today, today)
    return Period("this_week", monday, monday + timedelta(days=6))
