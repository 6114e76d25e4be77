"""Questions to the bot: my tasks, project status, overdue tasks, hours logged, one task, task lists, risks."""

from __future__ import annotations

import re

from .asked import QUESTION, period, who
from .contracts import about
from .intents import HoursQuery, Intent, ListScope, Query, TaskList
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
_HOURS = re.compile(r"工时|工作时长|花了多少时间|用了多少时间|多少小时|几个小时|\bhours\b|\bhrs\b|\btimesheets?\b|"
                    r"\btime\s+logged\b|\bhours?\s+logged\b",
                    re.IGNORECASE)
_HOURS_Q = re.compile(
    r"我|\bmy\b|\bi\b|\bme\b|本周|这周|上周|本月|这个月|上个月|今天|昨天|多少|几|统计|汇总|查|看|总|"
    r"\bhow\s+many\b|\bthis\s+week\b|\blast\s+week\b|\bthis\s+month\b|\btotal\b|\bshow\b|\?|吗|呢|"
    r"\blast\s+month\b|\btoday\b|\byesterday\b|\bfrom\b|\bteam\b|[到至]|的工时|团队|大家",
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
_STATUS_WORDS = (r"进度|状态|情况|进展|概况|概览|汇总|报告|怎么样了?|如何|咋样了?|健康度|"
                 r"status|progress|overview|summary|report|dashboard|health")
# "ERP项目现在啥情况", "CRM 项目整体情况": words between the key and the status word.
_NOW = r"(?:(?:现在|目前|当前|最近|整体|总体|全部)\s*)?(?:(?:是|的)\s*)?(?:(?:啥|什么|怎样|咋)\s*)?"
_PROJECT_STATUS = re.compile(
    rf"(?<![A-Za-z0-9\-])(?P<p>{PROJECT_TOKEN})\s*(?:项目|project)?\s*(?:的|'s)?\s*{_NOW}(?:{_STATUS_WORDS})(?![A-Za-z])|"
    rf"\b(?:{_STATUS_WORDS})\s*(?:of|for|on)?\s*(?:the\s+)?(?:project\s+)?(?P<q>{PROJECT_TOKEN})(?![A-Za-z0-9\-])|"
    r"(?:项目|project)\s*(?:的)?\s*(?:" + _STATUS_WORDS + r")|"
    r"\bhow\s+(?:is|are|'s)\s+(?:the\s+)?(?:project\s+)?(?P<r>" + PROJECT_TOKEN + r")\s+(?:project\s+)?(?:going|doing)\b|"
    r"\bhow'?s\s+(?:the\s+)?(?:project\s+)?(?P<s>" + PROJECT_TOKEN + r")\s+(?:project\s+)?(?:going|doing)\b|"
    r"整体进度|总体进度|项目怎么样|项目进展|^(?:status|进度|状态)\s*\??$",
    re.IGNORECASE,
)
_ASKING = re.compile(r"\?|吗|呢|怎么|如何|什么|多少|哪|查|看|给我|发我|汇报|咋|啥|\bshow\b|\bwhat\b|\bhow\b|\bgive\b|"
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


def _key(token: str | None, known: frozenset[str] = frozenset()) -> str | None:
    if not token:
        return None
    if token.upper() in known:  # a project that exists is a project, even when its key is a word ("QA")
        return token.upper()
    if is_project_key(token) and token.upper() not in _COMMON:
        return token.upper()
    return None


def _any_project(msg: Message) -> str | None:
    for m in _PROJECT_ANY.finditer(msg.text):
        token = m["a"] or m["b"] or m["c"] or m["d"]
        key = _key(token, msg.known_keys)
        if key:
            return key
    for m in re.finditer(rf"(?<![A-Za-z0-9\-@])({PROJECT_TOKEN})(?![A-Za-z0-9\-])", msg.text):
        if m[1].upper() in msg.known_keys:  # "qa 进度" typed in lower case
            return m[1].upper()
    return None


# "今天谁没填工时", "谁还没记工时", "who hasn't logged today", "who didn't log hours yesterday".
_MISSING = re.compile(
    r"谁(?:还)?(?:没|没有|未)(?:填|记|报|登记|提交|写)?(?:工时|日志)|(?:没|没有|未)(?:填|记|报|登记|提交)(?:工时)?的(?:人|同事)|"
    r"\bwho\s+(?:hasn'?t|has\s+not|haven'?t|didn'?t|did\s+not)\s+(?:yet\s+)?(?:logged|log|filled|submitted|entered)\b|"
    r"\bmissing\s+(?:time\s*sheets?|hours|logs)\b",
    re.IGNORECASE,
)
_RISK_LIST = re.compile(rf"列表|清单|\blist\b|^(?:{PROJECT_TOKEN}\s*)?(?:项目)?\s*(?:的)?\s*(?:风险|risks?)$", re.IGNORECASE)
_RISKS = re.compile(r"风险|隐患|\brisks?\b|\bred\s+flags?\b", re.IGNORECASE)
# Task lists: "CRM 有哪些未完成任务", "bob 的任务", "本周到期的任务", "due next week", "done this week".
_TASKS_WORD = re.compile(r"任务|待办|工作项|事项|\btasks?\b|\btickets?\b|\bitems?\b|\btodos?\b|\bwork\b", re.IGNORECASE)
_DUE = re.compile(r"到期|截止|要交|due|deadline", re.IGNORECASE)
_DONE = re.compile(r"完成了?的|做完的|已完成|搞定的|\b(?:done|completed|finished|closed)\b", re.IGNORECASE)
_OPEN = re.compile(r"未完成|没完成|没做完|进行中|在做|未关闭|\bopen\b|\bpending\b|\bremaining\b|\bunfinished\b",
                   re.IGNORECASE)
_GOT_DONE = re.compile(r"\bwhat\s+(?:got|was|has\s+been|have\s+we)\s+(?:done|finished|completed|closed)\b|"
                       r"(?:本周|这周)(?:都)?(?:完成|做完|搞定)了(?:什么|啥|哪些)", re.IGNORECASE)
_ORDER = re.compile(r"^(?:新建|创建|新增|添加|new|create|add)\b|^(?:新建|创建|新增|添加)", re.IGNORECASE)


_BARE_HOURS = re.compile(rf"\s*(?:(?P<k>{PROJECT_TOKEN})\s*(?:项目|project)?\s*(?:的|'s)?\s*)?(?:工时|hours|hrs|timesheets?)"
                         r"\s*[?？]?\s*", re.IGNORECASE)


def _hours_question(msg: Message) -> HoursQuery:
    project = _any_project(msg)
    whom = who(msg, project=project)
    when = period(msg)
    person = whom.person or ("me" if whom.me else None)
    return HoursQuery(project=project, person=person, team=whom.team, period=when.name,
                      start=when.start.isoformat(), end=when.end.isoformat())


def _missing(msg: Message) -> HoursQuery:
    when = period(msg, default="today")
    return HoursQuery(query="missing_hours", project=_any_project(msg), team=True, period=when.name,
                      start=when.start.isoformat(), end=when.end.isoformat())


def _task_list(msg: Message, *, mine: bool) -> TaskList | None:
    text = msg.text
    if _ORDER.search(text) or not (_TASKS_WORD.search(text) or _DUE.search(text) or _GOT_DONE.search(text)):
        return None
    project = _any_project(msg)
    whom = who(msg, project=project)
    person = whom.person or ("me" if mine or whom.me else None)
    scope: ListScope = "open"
    if _DUE.search(text):
        scope = "due_next_week" if re.search(r"下周|下个星期|下星期|next\s+week", text, re.I) else "due_this_week"
    elif _DONE.search(text) and not _OPEN.search(text):
        scope = "done_this_week"
    if scope == "open" and person is None and project is None:
        return None  # "任务" alone is my_tasks' or chatter
    if scope == "open" and person == "me":
        return None  # "我的任务" is the contract's my_tasks
    if not QUESTION.search(text) and not re.search(r"列表|清单|\blist\b|^\S+\s*(?:的)?\s*(?:任务|tasks?)$|"
                                                   r"(?:任务|tasks?)\s+(?:of|for|in)\s+\S+$|\b(?:open|done|due)\b|"
                                                   r"到期|未完成|完成的", text, re.I):
        return None  # a remark that names tasks is not a question
    return TaskList(project=project, person=person, scope=scope)


def parse_query(msg: Message) -> Intent | None:
    text = msg.text
    if msg.tasks:
        task = msg.tasks[0]
        rest = (text[: task.start] + text[task.end:]).strip(" .!。")
        if not rest or _TASK_Q.search(rest):
            return about(task.key)
        return None
    if _MISSING.search(text):
        return _missing(msg)
    if _OVERDUE.search(text):
        return Query(query="overdue", project=_any_project(msg))
    if _RISKS.search(text) and (QUESTION.search(text) or _RISK_LIST.search(text)):
        return TaskList(query="risks", project=_any_project(msg))
    if _HOURS.search(text) and _HOURS_Q.search(text) and not msg.hours():
        return _hours_question(msg)
    bare = _BARE_HOURS.fullmatch(text)
    if bare and (not bare["k"] or bare["k"].upper() in msg.known_keys or (bare["k"].isupper() and _key(bare["k"]))):
        # "工时", "CRM 工时", "CRM hours?"; not "happy hours"
        return _hours_question(msg)
    listed = _task_list(msg, mine=bool(_MY_TASKS.search(text)))
    if listed is not None:
        return listed
    if _MY_TASKS.search(text):
        return Query(query="my_tasks", project=_any_project(msg))
    m = _PROJECT_STATUS.search(text)
    if m:
        leftover = (text[: m.start()] + text[m.end():]).strip(" .!。")
        if len(leftover) > 2 and not _ASKING.search(leftover):
            return None  # "项目进展还挺顺利的" is a remark, not a question
        said = m["p"] or m["q"] or m["r"] or m["s"]
        project = _key(said, msg.known_keys) or _any_project(msg)
        if said and project is None and not re.search(r"项目|project|^\W*(?:status|进度|状态)", text, re.I):
            return None  # "my status" / "这个状态" are not about a project
        return Query(query="project_status", project=project)
    return None
