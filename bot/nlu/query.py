"""Questions to the bot: my tasks, project status, overdue tasks, hours logged, one task."""

from __future__ import annotations

import re

from .intents import Query
from .keys import PROJECT_TOKEN, is_project_key
from .message import Message

_TASK_Q = re.compile(
    r"详情|详细|情况|怎么样|如何|进度|状态|进展|信息|咋样|咋样了|到哪了|到哪一步|查一下|查下|查看|看看|看下|看一下|"
    r"\bshow\b|\bdetails?\b|\bstatus\b|\binfo\b|\bwhat'?s\b|\bhow'?s\b|\bhow\s+is\b|\bwhere\s+(?:is|are)\b|"
    r"\bopen\b|\bview\b|\bget\b|\blook\s*up\b|\babout\b|\btell\b|\bcheck\b|\?|吗|呢|"
    r"\bhistory\b|\bchange\s*log\b|\bchangelog\b|\bactivity\b|\baudit\b|\btimeline\b|"
    r"历史|变更记录|变更历史|修改记录|操作记录|更新记录|动态|日志",
    re.IGNORECASE,
)
_OVERDUE = re.compile(
    r"逾期|过期|超期|延期了|延期(?:的)?任务|有(?:没有)?(?:哪些)?(?:任务)?延期|延误|拖期|拖延|超时了|晚了的|\boverdue\b|\blate\s+tasks?\b|\bwhat'?s\s+late\b|"
    r"\bpast\s+due\b|\bbehind\s+schedule\b|\bmissed\s+(?:the\s+)?deadlines?\b|\bslipp(?:ed|ing)\b|\blate\b\s*\?",
    re.IGNORECASE,
)
_HOURS = re.compile(r"工时|工作时长|花了多少时间|用了多少时间|多少小时|几个小时|\bhours\b|\btimesheet\b|\btime\s+logged\b",
                    re.IGNORECASE)
_HOURS_Q = re.compile(
    r"我|\bmy\b|\bi\b|\bme\b|本周|这周|上周|本月|这个月|上个月|今天|昨天|多少|几|统计|汇总|查|看|总|"
    r"\bhow\s+many\b|\bthis\s+week\b|\blast\s+week\b|\bthis\s+month\b|\btotal\b|\bshow\b|\?|吗|呢",
    re.IGNORECASE,
)
_MY_TASKS = re.compile(
    r"我的(?:任务|待办|工作|活|todo|事情?)|我(?:手上|手头|身上)(?:的|有)?|我(?:有|还有)(?:什么|哪些|啥|多少)(?:任务|活|事)?|"
    r"我(?:今天|这周|本周|现在)?(?:要|该|需要|应该)(?:做|干)(?:什么|啥|哪些)|分配给我|指派给我|给我的任务|我负责的|"
    r"\bmy\s+(?:open\s+|current\s+|pending\s+)?(?:tasks?|todos?|to-dos?|work|assignments?|tickets?|items?)\b|"
    r"\bon\s+my\s+plate\b|\bassigned\s+to\s+me\b|\bwhat\s+should\s+i\s+(?:do|work\s+on)\b|\bwhat\s+do\s+i\s+have\b|"
    r"\bwhat\s+am\s+i\s+(?:working\s+on|doing|supposed\s+to)\b|\btasks?\s+for\s+me\b|\bmine\b|\bmy\s+queue\b|^(?:todo|to-do|task)\s+list$|^任务列表$|^待办(?:列表|事项)?$",
    re.IGNORECASE,
)
_STATUS_WORDS = (r"进度|状态|情况|进展|概况|概览|汇总|报告|怎么样了?|如何|咋样|健康度|"
                 r"status|progress|overview|summary|report|dashboard|health")
_PROJECT_STATUS = re.compile(
    rf"(?<![A-Za-z0-9\-])(?P<p>{PROJECT_TOKEN})\s*(?:项目|project)?\s*(?:的|'s)?\s*(?:{_STATUS_WORDS})(?![A-Za-z])|"
    rf"\b(?:{_STATUS_WORDS})\s*(?:of|for|on)?\s*(?:the\s+)?(?:project\s+)?(?P<q>{PROJECT_TOKEN})(?![A-Za-z0-9\-])|"
    r"(?:项目|project)\s*(?:的)?\s*(?:" + _STATUS_WORDS + r")|"
    r"\bhow\s+(?:is|are|'s)\s+(?:the\s+)?(?:project\s+)?(?P<r>" + PROJECT_TOKEN + r")\s+(?:project\s+)?(?:going|doing)\b|"
    r"\bhow'?s\s+(?:the\s+)?(?:project\s+)?(?P<s>" + PROJECT_TOKEN + r")\s+(?:project\s+)?(?:going|doing)\b|"
    r"整体进度|总体进度|项目怎么样|项目进展|^(?:status|进度|状态)\s*\??$",
    re.IGNORECASE,
)
_ASKING = re.compile(r"\?|吗|呢|怎么|如何|什么|多少|哪|查|看|给我|发我|汇报|\bshow\b|\bwhat\b|\bhow\b|\bgive\b|"
                     r"\btell\b|\bsend\b|\bcheck\b|\bget\b|\blist\b|\bplease\b|\bpls\b", re.IGNORECASE)
_PROJECT_ANY = re.compile(
    rf"(?:项目|project)\s*(?P<a>{PROJECT_TOKEN})(?![A-Za-z0-9\-])|(?<![A-Za-z0-9\-])(?P<b>{PROJECT_TOKEN})\s*(?:项目|project)|"
    rf"\[(?P<c>{PROJECT_TOKEN})\]|(?<![A-Za-z0-9\-@])(?P<d>(?-i:[A-Z][A-Z0-9]{{1,9}}))(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)
_COMMON = frozenset({
    "MY", "THE", "OUR", "ITS", "HIS", "HER", "PROJECT", "TASK", "TASKS", "WHAT", "HOW", "SHOW", "ME", "IS",
    "OF", "FOR", "ON", "CURRENT", "OVERALL", "WHOLE", "TEAM", "THIS", "THAT", "SEND", "GIVE", "GET", "WEEKLY",
    "DAILY", "STATUS", "PROGRESS", "REPORT", "SUMMARY", "OVERVIEW", "ALL", "ANY", "IN", "AT", "CHECK",
    "OK", "PM", "PMO", "API", "UI", "QA", "IT", "WHERE", "ARE", "WE", "WHATS", "HOWS", "DASHBOARD",
    "HEALTH", "ABOUT", "TELL", "LIST", "VIEW", "OVERDUE", "LATE", "HOURS", "MINE", "AND", "WITH",
})


def _key(token: str | None) -> str | None:
    if token and is_project_key(token) and token.upper() not in _COMMON:
        return token.upper()
    return None


def _any_project(msg: Message) -> str | None:
    for m in _PROJECT_ANY.finditer(msg.text):
        key = _key(m["a"] or m["b"] or m["c"] or m["d"])
        if key:
            return key
    return None


def parse_query(msg: Message) -> Query | None:
    text = msg.text
    if msg.tasks:
        task = msg.tasks[0]
        rest = (text[: task.start] + text[task.end:]).strip(" .!。")
        if not rest or _TASK_Q.search(rest):
            return Query(query="task", task=task.key)
        return None
    if _OVERDUE.search(text):
        return Query(query="overdue", project=_any_project(msg))
    if _HOURS.search(text) and _HOURS_Q.search(text) and not msg.hours():
        return Query(query="hours", project=_any_project(msg))
    if _MY_TASKS.search(text):
        return Query(query="my_tasks", project=_any_project(msg))
    m = _PROJECT_STATUS.search(text)
    if m:
        leftover = (text[: m.start()] + text[m.end():]).strip(" .!。")
        if len(leftover) > 2 and not _ASKING.search(leftover):
            return None  # "项目进展还挺顺利的" is a remark, not a question
        project = _key(m["p"] or m["q"] or m["r"] or m["s"]) or _any_project(msg)
        if (m["p"] or m["q"] or m["r"] or m["s"]) and project is None and not re.search(r"项目|project|^\W*(?:status|进度|状态)", text, re.I):
            return None  # "my status" / "这个状态" are not about a project
        return Query(query="project_status", project=project)
    return None
