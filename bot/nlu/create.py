"""New tasks: "新建任务 登录页 @张三 下周五前", "task: fix SSO login @bob by Friday P1 est 6h".

The title is what is left once the trigger, mentions, dates, priority, estimate and the
little words around them ("给", "by", "前", "est") are cut out.
"""

from __future__ import annotations

import re

from .dates import DEADLINE, DateSpan
from .intents import CreateTask
from .keys import BRACKET_PROJECT_RE, find_priority
from .message import Message, cut, fillers, pieces, split_pieces, strip_words

_TRIGGER = re.compile(
    r"(?:请|麻烦|帮忙|帮我|帮|给我|劳驾|我想|我要|需要)?\s*(?:再|新)?\s*"
    r"(?:新建|创建|建立|新增|新开|建|加|添加|开|提|记|录|安排|派|分配|布置|起)\s*(?:一?个|一下|一条|条|个新的?)?\s*(?:新的?)?\s*"
    r"(?:任务|待办|todo|工单|task|事项|需求单)\s*[:,]?"
    r"|^(?:新任务|任务|待办|todo|to-do|task|new\s+task|新建)\s*[:：\-](?!\s*(?:list|列表)\s*$)"
    r"|^(?:新任务|待办)\s"
    r"|^(?:please\s+|pls\s+|can\s+you\s+|could\s+you\s+|would\s+you\s+)?(?:create|add|make|open|new|file|raise|set\s+up)\s+"
    r"(?:me\s+)?(?:a\s+|an\s+|new\s+|the\s+|one\s+)*(?:task|todo|to-do|ticket|item|card)\b\s*(?:[:\-,]\s*)?"
    r"(?:(?:for\s+me\s+)?(?:to|for)\s+)?"
    r"|^/?(?:task|todo)\s+(?!list|lists|列表)",
    re.IGNORECASE,
)
# Without a trigger: "@小王 周五前把报表做完" assigns work when a person, a deadline and a verb meet.
_IMPLICIT_VERB = re.compile(
    r"负责|处理一下|处理|跟进|完成|做完|搞定|弄完|做一下|把.+(?:做|改|修|写|弄|整理|准备|提交|发)|"
    r"\b(?:please\s+)?(?:fix|finish|handle|prepare|write|update|review|deliver|implement|complete)\b",
    re.IGNORECASE,
)
_DEADLINE_MARK = re.compile(r"前|之前|以前|截止|\bby\b|\bbefore\b|\bdue\b|\bno\s+later\s+than\b|\buntil\b",
                            re.IGNORECASE)
# A date right after one of these (or right before 前/之前/以前) is the deadline; other dates are words of the
# title ("prepare Q4 report for Friday meeting by Thursday", "周五例会纪要 下周一前").
_MARK_BEFORE = re.compile(r"(?:\b(?:by|before|until|till|due(?:\s+(?:on|by|date))?|no\s+later\s+than|deadline)|"
                          r"截止(?:日期|时间)?|截至|最晚|最迟|期限)\s*(?:is|[:：]|是|为|到|在)?\s*$", re.IGNORECASE)
_MARK_AFTER = re.compile(r"^\s*(?:之前|以前|前(?!端|台|置)|截止|为止)")
_MARK_INSIDE = re.compile(r"^(?:before|until)\b|(?:之前|以前|前)$", re.IGNORECASE)
# "尽快" / "as soon as possible" ask for speed without naming a level: a P1 hint when no priority is said.
_SOON = re.compile(r"尽快|尽早|越快越好|抓紧|\bas\s+soon\s+as\s+possible\b", re.IGNORECASE)
_ESTIMATE_WORDS = r"预计|预估|估计|估算|工时|工作量|大概|大约"
_TITLE_ZH = (r"给|由|让|请|叫|把|负责|截止时间|截止日期|截止|截至|前|之前|以前|之内|以内|完成|做完|搞定|弄完|"
             + _ESTIMATE_WORDS + r"|优先级|项目|的|在|是|和|跟|及|并|一下|来做|来|去|跟进|处理|抄送|cc|指派|分配|安排|一个|个|每")
_TITLE_EN = (r"by|before|until|due|deadline|for|to|from|between|assign(?:ed)?\s+to|assign(?:ed)?|assignee|owner|est\.?|estimated|"
             r"estimate|eta|ETA|approx\.?|about|around|priority|prio|pri|and|with|cc|on|at|in|the|is|please|pls|"
             r"it|me|should|must|need(?:s)?|take[s]?|that")
# A piece made only of these is dropped ("前", "给", "by", "预计"), and so are they at both ends
# of the title when no trigger word opens the message ("@小王 周五前把报表做完").
_TITLE_FILLERS = fillers(_TITLE_ZH, _TITLE_EN)
# With a trigger the title is kept as written: only the words that lean on a cut-out span go,
# on the side that touches it: "给" / "预计" / "by" before a mention, estimate or date, "前" /
# "负责" after one. Verbs and conjunctions stay ("完成财务报表", "给客户发周报", "用提及").
_BEFORE_ZH = r"给|由|让|请|叫|把|截止时间|截止日期|截止|截至|" + _ESTIMATE_WORDS + r"|优先级|项目|的|在|是|抄送|cc|指派|分配|安排|每"
_AFTER_ZH = r"前(?!端|台|置)|之前|以前|之内|以内|负责|的|在|是|一下|来做|跟进|处理"
# Indexed by (touches a span on the left, touches a span on the right).
_SIDE_FILLERS = {
    (False, False): None,
    (False, True): fillers(_BEFORE_ZH, _TITLE_EN, start=False),
    (True, False): fillers(_AFTER_ZH, _TITLE_EN, end=False),
    (True, True): re.compile(fillers(_AFTER_ZH, _TITLE_EN, end=False).pattern + "|"
                             + fillers(_BEFORE_ZH, _TITLE_EN, start=False).pattern, re.IGNORECASE),
}


def _trigger(msg: Message) -> re.Match[str] | None:
    m = _TRIGGER.search(msg.text)
    if m is None:
        return None
    head = cut(msg.text, [(d.start, d.end) for d in msg.dates(DEADLINE)], 0, m.start()).replace("\x00", "")
    # The trigger must open the message (after a [KEY], a mention or a polite word).
    head = BRACKET_PROJECT_RE.sub("", head)
    head = re.sub(r"<@[^>]+>|@\S+", "", head).strip(" ,:")
    return m if len(head) <= 4 else None


def _title_parts(text: str, spans: list[tuple[int, int]], trigger: tuple[int, int] | None) -> list[str]:
    """The title pieces between the cut-out spans, each stripped only where it touches a span."""
    bounds = sorted((s, e, (s, e) != trigger) for s, e in spans)
    bounds.append((len(text), len(text), False))
    parts: list[str] = []
    pos = 0
    after_span = False  # the text at ``pos`` follows a date, mention, priority or estimate
    for s, e, is_data in bounds:
        if e <= pos and s < len(text):
            continue  # inside a span already cut
        items = split_pieces(text[pos:max(s, pos)])
        last = len(items) - 1
        for i, raw in enumerate(items):
            if not raw.strip() or not strip_words(raw, _TITLE_FILLERS):
                continue  # nothing but filler words: "前", "给", "by", "预计"
            side = _SIDE_FILLERS[(i == 0 and after_span, i == last and is_data)]
            piece = strip_words(raw, side) if side else raw.strip(" \t:：-~()[]\"'.,+")
            if piece:
                parts.append(piece)
        pos = max(pos, e)
        after_span = is_data
    return parts


_RANGE_GAP = re.compile(r"^\s*(?:-|~|到|至|to|through|thru|till|until)\s*$", re.IGNORECASE)


def deadline(text: str, dates: list[DateSpan]) -> tuple[DateSpan, list[tuple[int, int]]] | None:
    """The date that is the deadline — the last one a deadline marker points at, else the last one said — and
    the spans to cut from the title. A range ("Dec 21-23", "周一到周三") is one phrase whose end is the deadline."""
    marked = [i for i, d in enumerate(dates) if _MARK_BEFORE.search(text, max(0, d.start - 30), d.start)
              or _MARK_AFTER.match(text[d.end:]) or _MARK_INSIDE.search(text[d.start:d.end])]
    if not dates:
        return None
    def joined(a: DateSpan, b: DateSpan) -> bool:
        return a.at is None and b.at is None and a.day < b.day and bool(_RANGE_GAP.match(text[a.end:b.start]))

    i = marked[-1] if marked else len(dates) - 1
    if i + 1 < len(dates) and joined(dates[i], dates[i + 1]):
        i += 1  # "by Dec 21-23": the marker points at the range's start
    due = dates[i]
    cut = [(due.start, due.end)]
    if i > 0 and joined(dates[i - 1], due):
        cut.append((dates[i - 1].start, due.start))  # the range's start and the dash between
    return due, cut


def parse_create(msg: Message, *, implicit: bool = False) -> CreateTask | None:
    text = msg.text
    if implicit:
        if not msg.mentions or not msg.dates(DEADLINE) or msg.tasks or text.rstrip().endswith(("?", "吗")):
            return None
        if not _IMPLICIT_VERB.search(text) or not _DEADLINE_MARK.search(text):
            return None
        trig_span: tuple[int, int] | None = None
    else:
        m = _trigger(msg)
        if m is None:
            return None
        trig_span = (m.start(), m.end())
    spans: list[tuple[int, int]] = [trig_span] if trig_span else []
    project = None
    bm = BRACKET_PROJECT_RE.search(text)
    if bm:
        project = bm["p"].upper()
        spans.append((bm.start(), bm.end()))
    spans += [(x.start, x.end) for x in msg.mentions]
    chosen = deadline(text, msg.dates(DEADLINE))
    due = chosen[0] if chosen else None
    if chosen:
        spans += chosen[1]
    prio = find_priority(text)
    priority = prio.priority if prio else None
    if prio:
        spans.append((prio.start, prio.end))
    for soon in _SOON.finditer(text):
        priority = priority or "P1"
        spans.append((soon.start(), soon.end()))
    hours = [h for h in msg.hours() if not (prio and prio.start <= h.start < prio.end)]
    if hours:
        spans.append((hours[0].start, hours[0].end))
    if implicit:
        parts = [strip_words(p, _TITLE_FILLERS) for p in pieces(cut(text, spans))]
    else:
        parts = _title_parts(text, spans, trig_span)
    title = " ".join(p for p in parts if p) or None
    return CreateTask(
        title=title,
        assignees=[x.user for x in msg.mentions],
        due=due.iso() if due else None,
        priority=priority,
        estimate_hours=hours[0].hours if hours else None,
        project=project,
        warnings=[due.warning] if due and due.warning else [],
    )
