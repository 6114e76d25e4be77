"""Change requests: schedule slips, scope, budget and resource changes, with a reason.

"CRM-3 截止改到下周一" is an update the assignee may just make; "延期 / 推迟 / 申请 / 变更"
ask for approval, so they become a ``request_change`` instead.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from .approval import delay_in, money_in, people_in
from .dates import DEADLINE
from .intents import ChangeType, RequestChange
from .keys import PROJECT_TOKEN, is_project_key
from .message import Message, cut, fillers, pieces, strip_words

_REQUEST = re.compile(
    r"变更申请|申请变更|变更请求|提(?:个|一个|交)?变更|需求变更|范围变更|计划变更|进度变更|工期变更|预算变更|资源变更|"
    r"人员变更|延期申请|申请延期|申请|变更(?!记录|历史|日志)|\bchange\s+request\b|\bcr\b\s*:|\brequest(?:ing)?\b|"
    r"\bscope\s+change\b|\bbudget\s+change\b|\bwe\s+need\s+to\s+(?:postpone|delay|push)|能否|能不能|可否",
    re.IGNORECASE,
)
_SCHEDULE_VERB = re.compile(
    r"延期(?!了吗|了没)|推迟|延后|顺延|往后推|推后|后推|改期|晚\s*\d+\s*天|宽限|"
    r"\bpostpone\b|\bdelay\b|\bpush(?:ed)?\s+(?:it\s+)?(?:back|out)\b|\bpush\s+\S+\s+(?:back|out)\b|"
    r"\bpush(?:ed)?\s+(?:(?:it|[A-Za-z][A-Za-z0-9]{1,9}-\d{1,9})\s+)?(?:by\s+)?(?:\d+|a|one|two|three|four|five)\s*"
    r"(?:working\s+|business\s+)?(?:days?|weeks?)\b|"
    r"\bextend(?:ed)?\b|\bslip(?:s|ped)?\b|\breschedule\b|\bmore\s+time\b",
    re.IGNORECASE,
)
_SCOPE = re.compile(
    r"需求变更|范围变更|范围|加(?:个|一个)?需求|新增需求|增加需求|(?:增加|新增|加|添加|去掉|删掉|砍掉|取消)[^,;。]{0,12}(?:功能|需求|页面|模块|报表|接口)|"
    r"\bscope\b|\b(?:add|remove|drop|cut)\s+(?:a\s+|the\s+)?(?:new\s+)?(?:feature|requirement|page|module|report)|"
    r"\bnew\s+(?:feature|requirement)s?\b",
    re.IGNORECASE,
)
_BUDGET = re.compile(r"预算|费用|成本|经费|资金|\bbudget\b|\bcost\b|\bfunding\b|\bmoney\b", re.IGNORECASE)
_RESOURCE = re.compile(
    r"(?:加|增加|增派|补充|再要|多要)\s*(?:[一二两三四五\d]+\s*(?:个|名|位))?\s*(?:测试|开发|前端|后端|运维|设计|实施)?\s*"
    r"(?:人员|工程师|人手|同事|人)|资源变更|人员变更|加人|增派|增加人手|增加人员|加派|人手|人力|资源|\bresources?\b|\bheadcount\b|"
    r"\bmore\s+(?:people|developers?|engineers?|testers?|staff|hands)\b|\badditional\s+(?:developer|engineer|staff)s?\b|"
    r"\banother\s+(?:developer|engineer|tester|person)\b|\bstaff(?:ing)?\b",
    re.IGNORECASE,
)
# "需要额外8小时" / "16 more hours": asking for more effort than planned.
_EXTRA_EFFORT = re.compile(r"(?:额外|多加|追加|再加|另加|多)\s*(?:需要|要)?\s*[\d一二两三四五六七八九十半]|"
                           r"(?<![\d.])\d+(?:\.\d+)?\s*(?:more|extra|additional)\s+(?:hours?|hrs?|h|days?)\b|"
                           r"\b(?:extra|additional|another)\s+\d+(?:\.\d+)?\s*(?:hours?|hrs?|h|days?)\b|\+\s*\d+(?:\.\d+)?\s*h\b",
                           re.IGNORECASE)
_ASK = re.compile(r"需要|追加|增加|多加|加个|新增|添加|新提|申请|要求|加人|增派|不够|不足|超支|超了|\bneed(?:s|ed)?\b|\bmore\b|\bextra\b|"
                  r"\badditional\b|\bincrease\b|\banother\b", re.IGNORECASE)
_SCHEDULE_LABEL = re.compile(r"计划变更|进度变更|工期变更|延期申请|申请延期|\bschedule\s+change\b", re.IGNORECASE)
_REASON = re.compile(
    r"(?:原因|理由)\s*(?:是|为|:)?|因为|由于|\bbecause(?:\s+of)?\b|\bdue\s+to\b(?!\s+(?:\d|jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec|mon|tue|wed|thu|fri|next|this|tomorrow))|\bsince\b|\breason\s*:?|\bas\s+(?=the|our|we|they|vendor)",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^\s*(?:变更申请|申请变更|变更请求|需求变更|范围变更|计划变更|进度变更|工期变更|预算变更|资源变更|人员变更|延期申请|"
    r"提(?:个|一个|交)?变更|(?:(?:scope|budget|schedule|resource)\s+)?change\s+request|request\s+(?:a\s+)?change|"
    r"(?:scope|budget|schedule|resource)\s+change|cr|request|变更|申请|请求)(?![A-Za-z])\s*[:\-]?\s*",
    re.IGNORECASE,
)
_DELAY_BY = re.compile(
    r"(?:延期|推迟|延后|顺延|推后|后推|晚|postpone\w*|delay\w*|push\w*\s+(?:back|out)|slip\w*|"
    r"push\w*(?:\s+(?:it|[A-Za-z][A-Za-z0-9]{1,9}-\d{1,9}))?)\s*(?:by\s+)?"
    r"(?:[\d一二两三四五六七八九十半]+\s*(?:个)?\s*(?:工作日|天|周|星期|(?:working\s+|business\s+)?days?|weeks?))",
    re.IGNORECASE,
)
_REOPEN = re.compile(r"重新打开|重开|重新开启|reopen", re.IGNORECASE)  # approval reopens a done task
_PROJECT = re.compile(
    rf"\[\s*(?P<a>{PROJECT_TOKEN})\s*\]|(?:项目|project)\s*(?P<b>{PROJECT_TOKEN})(?![A-Za-z0-9\-])|"
    rf"(?<![A-Za-z0-9\-])(?P<c>{PROJECT_TOKEN})\s*(?:项目|project)|(?<![A-Za-z0-9\-])(?P<d>(?-i:[A-Z][A-Z0-9]{{1,9}}))(?![A-Za-z0-9\-])",
    re.IGNORECASE,
)
_NOT_PROJECT = frozenset({"CR", "OK", "PM", "PMO", "API", "UI", "UX", "QA", "UAT", "SSO", "DB", "PR", "IT", "HR"})
# "请" never ends a filler run after "申": "变更申请" is a label, not "变更申" + please.
_SUMMARY_FILLERS = fillers(r"需要|要|把|将|的|想|我们|我想|能否|能不能|可否|可以|请问|(?<!申)请",
                           r"please|we|need|to|i|would|like|the|can|could|us|let's|pls|might")
_REASON_FILLERS = fillers(r"是|为|主要是", r"is|that")
# The words around an effort figure that say nothing without it: "预计增加8小时工作量", "about 16h more".
_FIGURE_WORDS = fillers(r"预计|大约|大概|约|需要|还需|还要|额外|追加|增加|多|再|共|工作量|工时|的|左右",
                        r"about|around|roughly|approximately|approx|some|more|extra|additional|another|of|"
                        r"work|effort|hours?|needed|in\s+total|total|or\s+so|need(?:s)?|an?")
_CLAUSE = re.compile(r"[^,;。\n?!]+")
_EXTRA_BEFORE = re.compile(r"(?:需要|还需|还要|要|再|多|额外|追加|增加|加|另外|another|extra|need(?:s)?|an?|\s)+\Z",
                           re.IGNORECASE)


def _project(msg: Message) -> str | None:
    for m in _PROJECT.finditer(msg.text):
        if any(t.start <= m.start() < t.end for t in msg.tasks):
            continue
        tok = m["a"] or m["b"] or m["c"] or m["d"]
        if tok and is_project_key(tok) and tok.upper() not in _NOT_PROJECT:
            return tok.upper()
    return None


def _change_type(main: str, has_due: bool) -> ChangeType:
    if _SCHEDULE_LABEL.search(main):
        return "schedule"
    if re.search(r"需求变更|范围变更", main):
        return "scope"
    if re.search(r"预算变更", main):
        return "budget"
    if re.search(r"资源变更|人员变更", main):
        return "resource"
    if _SCHEDULE_VERB.search(main) and not _SCOPE.search(main) and not _BUDGET.search(main):
        return "schedule"
    if _SCOPE.search(main):
        return "scope"
    if _BUDGET.search(main):
        return "budget"
    if _RESOURCE.search(main):
        return "resource"
    return "schedule" if has_due else "scope"


def _summary_piece(piece: str) -> str:
    """A summary piece without the request label ("变更申请", "CR:") and filler words around it."""
    prev = None
    while prev != piece:
        prev = piece
        piece = strip_words(_PREFIX.sub("", piece, count=1), _SUMMARY_FILLERS)
    return piece


# "and another 1h on HRM-1 for the design review": more time spent, said like a log (hours *on* a task).
_SPENT_ON = re.compile(r"^\s*(?:and\s+|plus\s+|also\s+|再|又|另外)?\s*(?:another|more|又|再)?\s*$", re.IGNORECASE)
_ON_TASK = re.compile(r"^\s*(?:on|for|在|给)\s*$", re.IGNORECASE)


def _is_log(msg: Message) -> bool:
    """Hours "on" a task with nothing else asked: "another 1h on HRM-1", "再 2小时 在 CRM-3"."""
    if not msg.tasks or _REQUEST.search(msg.text) or _SCHEDULE_VERB.search(msg.text):
        return False
    for h in msg.hours():
        task = next((t for t in msg.tasks if t.start >= h.end), None)
        if task is not None and _ON_TASK.match(msg.text[h.end:task.start]) and _SPENT_ON.match(msg.text[:h.start]):
            return True
    return False


def parse_change(msg: Message) -> RequestChange | None:
    text = msg.text
    if _is_log(msg):
        return None
    request = _REQUEST.search(text)
    slip = _SCHEDULE_VERB.search(text)
    kinds = _SCOPE.search(text) or _BUDGET.search(text) or _RESOURCE.search(text) or _EXTRA_EFFORT.search(text)
    task = msg.tasks[0].key if msg.tasks else None
    project = None if task else _project(msg)
    if request:
        if not (slip or kinds or msg.dates(DEADLINE) or task):
            return None
    elif slip or (kinds and _ASK.search(text)):
        # Without a request word it must name what to change: "会议推迟了" is news, not a request.
        if task is None and project is None:
            return None
    else:
        return None
    if text.rstrip().endswith(("吗", "?")) and not request:
        return None

    # The reason: after an explicit marker, or the trailing clauses that add nothing else.
    rm = _REASON.search(text, (request.end() if request else 0))
    main_end = rm.start() if rm else len(text)
    reason: str | None = strip_words(text[rm.end():], _REASON_FILLERS) if rm else None
    dates = [d for d in msg.dates(DEADLINE) if d.end <= main_end]
    delay_by = [(m.start(), m.end()) for m in _DELAY_BY.finditer(text)]
    hours = [h for h in msg.hours() if h.end <= main_end and not any(s <= h.start < e for s, e in delay_by)]
    if rm is None:
        clauses = list(re.finditer(r"[^,;。\n?!]+", text))
        if len(clauses) >= 2:
            first_end = clauses[0].end()
            rest: list[str] = []
            starts = [d.start for d in dates] + [h.start for h in hours] + [t.start for t in msg.tasks]
            for c in clauses[1:]:
                busy = any(c.start() <= x < c.end() for x in starts) \
                    or _SCHEDULE_VERB.search(c[0]) or _REQUEST.search(c[0])
                if busy:
                    first_end = c.end()
                    rest = []
                else:
                    rest.append(c[0].strip())
            if rest:
                reason = "，".join(rest) if not text.isascii() else ", ".join(rest)
                main_end = first_end
    main = text[:main_end]
    spans = _figure_spans(text, hours)
    if msg.tasks and msg.tasks[0].start < 3 + (request.end() if request and request.start() == 0 else 0):
        spans.append((msg.tasks[0].start, msg.tasks[0].end))
    parts = pieces(cut(text, spans, 0, main_end))
    parts = [_summary_piece(p) for p in parts]
    summary = " ".join(p for p in parts if p) or None
    if reason is not None:
        reason = reason.strip(" ,;.。") or None
    figures = " ".join(x for x in (summary, text) if x)  # the summary's figure first, then the message's
    return RequestChange(
        task=task,
        project=project or (_project(msg) if task is None else None),
        change_type=_change_type(main, bool(dates)),
        summary=summary,
        new_due=dates[0].iso() if dates else None,
        extra_hours=hours[0].hours if hours else None,
        reason=reason,
        budget=money_in(figures),
        people=people_in(figures),
        delay=delay_in(figures),
        reopen=bool(_REOPEN.search(text)),
    )


def _figure_spans(text: str, hours: list[Any]) -> list[tuple[int, int]]:
    """What to take out of the summary for each effort figure: its whole clause when the clause says nothing
    else ("，预计增加8小时工作量", ", about 16h more"), so the sentence left reads as written; else the figure and
    the asking words just before it ("需要额外 8小时")."""
    spans: list[tuple[int, int]] = []
    for n, h in enumerate(hours):
        clause = next((c for c in _CLAUSE.finditer(text) if c.start() <= h.start < c.end()), None)
        if clause is not None:
            left = text[clause.start():h.start] + " " + text[h.end:clause.end()]
            if not strip_words(left, _FIGURE_WORDS):
                spans.append((clause.start(), clause.end()))
                continue
        spans.append((h.start, h.end))
        extra = _EXTRA_BEFORE.search(text, max(0, h.start - 12), h.start) if n == 0 else None
        if extra:
            spans.append((extra.start(), h.start))
    return spans


def deadline_in(text: str, *, now: datetime, tz: str) -> str | None:
    """The first deadline a short answer names ("Dec 20", "12月20日", "2026-12-21", "下周五"), or None: the answer
    to "to which date?" in a change request's draft."""
    from .normalize import normalize
    from .parser import local_now

    local = local_now(now, tz)
    msg = Message(normalize(text, None), local.date(), local.time(), time(18, 0), 8.0)
    dates = msg.dates(DEADLINE)
    return dates[0].iso() if dates else None
