"""Task updates: status, progress, reassignment and due-date moves for a named task key."""

from __future__ import annotations

import re

from .dates import DEADLINE
from .intents import TaskNote, TaskStatus, UpdateTask
from .keys import KeySpan
from .message import Message
from .mood import FORECAST, PARTIAL, PARTIAL_ANY, RESUME
from .numbers import to_int

_TODO = re.compile(
    r"\bre-?open(?:ed|ing)?\b|\bback\s+to\s+(?:todo|to\s+do|backlog)\b|\bnot\s+started\b|\bmove\s+to\s+todo\b|"
    r"(?:^|\s)(?:to\s*do|todo)\s*$|重新打开|重开|重新开启|重启|打回|退回|回退|待办|未开始|还没开始|没开始|还未开始|撤销完成|取消完成",
    re.IGNORECASE,
)
_BLOCKED = re.compile(
    r"\bblock(?:ed|ing|er)?\b|\bstuck\b|\bon\s+hold\b|\bwaiting\s+(?:on|for)\b|\bcan'?t\s+proceed\b|"
    r"\bpause[ds]?\b|^\s*hold\b|\bput\s+(?:\S+\s+)?on\s+hold\b|"
    r"阻塞|卡住|卡着|卡在|被卡|受阻|挂起|暂停|搁置|等待|在等|进行不下去|做不下去|block",
    re.IGNORECASE,
)
_NOT_DONE = re.compile(r"(?:没|未|还没|没有|尚未|不)\s*(?:完成|做完|搞定|弄完|好)|\bnot\s+(?:yet\s+)?(?:done|finished|complete)|"
                       r"\b(?:isn'?t|aren'?t|wasn'?t|hasn'?t\s+been|haven'?t|never|nowhere\s+near)\s+(?:yet\s+)?"
                       r"(?:done|finished|complete[d]?|closed)", re.IGNORECASE)
_DONE = re.compile(
    r"\b(?:done|finished|finish|complete[d]?|closed?|resolved|fixed|shipped|merged|delivered|deployed|released)\b|"
    r"已?完成(?!度|率)|做完|搞定|弄完|弄好|做好|完工|结束|关闭|关掉|已关闭|好了|上线了|解决了|修好了|交付了|验收通过|"
    r"\bok\s*了|over了|\bdone\b",
    re.IGNORECASE,
)
_IN_PROGRESS = re.compile(
    r"\b(?:start(?:ed|ing)?|begin|began|wip|in[\s-]progress|working\s+on(?:\s+it)?|picked\s+up|pick(?:ing)?\s+up|"
    r"on\s+it|doing|underway|under\s+way|resume[d]?)\b|开始|进行中|在做|正在做|开工|处理中|着手|动手|开发中|跟进中|做着|"
    r"在弄|在搞|在改|继续做|恢复",
    re.IGNORECASE,
)
# Out-of-range values ("-10%", "150%") are reported as said; the bot refuses them with a reason.
# A minus counts only when it stands alone ("进度 -10%"), not between words or numbers ("10-20%").
_PROGRESS_PCT = re.compile(
    r"(?:(?<![A-Za-z0-9_.%\-])(?P<neg>-)\s*)?(?<![\d.])(?P<n>\d{1,6}(?:\.\d+)?)\s*(?:%|percent\b|pct\b)|"
    r"百分之\s*(?P<zh>[\d一二三四五六七八九十百]+)",
    re.IGNORECASE)
_PROGRESS_WORDS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"三分之一|1/3|one[\s-]third", re.IGNORECASE), 33),
    (re.compile(r"三分之二|2/3|two[\s-]thirds?", re.IGNORECASE), 67),
    (re.compile(r"四分之一|1/4|a\s+quarter|one[\s-]quarter", re.IGNORECASE), 25),
    (re.compile(r"四分之三|3/4|three[\s-]quarters?", re.IGNORECASE), 75),
    (re.compile(r"一半|过半|半程|\bhalf(?:way|\s+way|\s+done|\s+finished)?\b", re.IGNORECASE), 50),
    (re.compile(r"快(?:要)?(?:完成|做完|好|搞定)了?|差不多(?:完成|做完|好|搞定)了?|基本(?:完成|做完|好)了?|收尾|"
                r"\b(?:almost|nearly)\s+(?:done|finished|complete)\b", re.IGNORECASE), 90),
    (re.compile(r"刚开始|刚起步"), 10),
]
_TENTHS = re.compile(r"(?<![完])(?P<n>[一二三四五六七八九])成(?!员|本|果|功|熟)")
_ASSIGN = re.compile(
    r"改给|转给|交给|分配给|指派给|派给|给到|转交给?|移交给?|改由|换成|换给|改成|改为|让|由|"
    r"\bre-?assign(?:ed)?\b|\bassign(?:ed)?\b|\bgive\s+(?:it\s+)?to\b|\bhand(?:ed)?\s+(?:it\s+)?(?:over\s+)?to\b|"
    r"\btransfer(?:red)?\s+to\b|->|负责|接手|来做|来跟|跟进|\btake\s+over\b|\bowner\b",
    re.IGNORECASE,
)
_DUE = re.compile(
    r"截止|截至|到期|期限|deadline|\bdue\b|\bddl\b|改到|改成|改为|调到|调整到|调整为|挪到|移到|提前到|定在|定到|"
    r"\bmove[ds]?\b|\breschedule[ds]?\b|\bpull(?:ed)?\s+in\b|\bset\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"(?:\?|吗|么|呢|没有?)\s*$", re.IGNORECASE)
_QUESTION_START = re.compile(r"^(?:is|has|did|was|are|when|what|how|can|could)\b", re.IGNORECASE)


def _progress(text: str) -> tuple[int | None, tuple[int, int] | None]:
    m = _PROGRESS_PCT.search(text)
    if m:
        raw = m["n"] or m["zh"]
        value = round(float(raw)) if m["n"] else to_int(raw)
        if value is not None:
            return (-value if m["neg"] else value), (m.start(), m.end())
    for pattern, value in PARTIAL[:3]:  # "七八成" is a range, not "八成"
        m = pattern.search(text)
        if m:
            return value, (m.start(), m.end())
    m = _TENTHS.search(text)
    if m:
        n = to_int(m["n"])
        if n is not None:
            return n * 10, (m.start(), m.end())
    for pattern, value in [*_PROGRESS_WORDS, *PARTIAL[3:]]:  # "差不多一半" is a half before it is "差不多"
        m = pattern.search(text)
        if m:
            return value, (m.start(), m.end())
    return None, None


def _status(text: str, progress_span: tuple[int, int] | None) -> TaskStatus | None:
    if _TODO.search(text):
        return "todo"
    if _BLOCKED.search(text):
        return "blocked"
    m = _DONE.search(text)
    if m and not _NOT_DONE.search(text):
        near_progress = progress_span is not None and (
            abs(m.end() - progress_span[0]) <= 2 or abs(progress_span[1] - m.start()) <= 2)
        if not near_progress:
            return "done"
    if _IN_PROGRESS.search(text):
        return "in_progress"
    return None


# Done words that stay done beside "继续" (unlike "好了，继续", which is news that a blocked task moves on).
_STRONG_DONE = re.compile(r"完成(?!度|率)|做完|搞定|弄完|完工|上线了|交付了|验收通过|\b(?:done|finished|completed?|closed)\b",
                          re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s,，、/&+和与及跟]*(?:and|&)?[\s,，、/&+和与及跟]*$", re.IGNORECASE)
# Words a status message may carry besides its cue; anything more is left over, and a done / due / reassignment
# resting on a message mostly about something else is shown to confirm (see `weak`).
_FILLERS = re.compile(
    r"[\s\x00,，.。!！~～:：;；、()（）\-]+|已经|已|了|的|啦|呀|吧|哈|啊|嗯|都|也|全部|这个|任务|状态|一下|"
    r"标记?为?|设为|设置为|改为|改成|置为|我|把|将|请|帮我|这边|那边|今天|刚刚?|现在|目前|终于|总算|"
    r"\b(?:mark(?:ed)?|set|as|is|are|it|its|the|now|to|status|task|tasks|all|both|i|we|have|has|just|finally|"
    r"been|please|pls|and|ok|okay|yes|today|this|that|was|also|too|fully|push|pull|date|change|changed|update|updated|new|move|moved|for|on|by|of)\b",
    re.IGNORECASE)
_FAR = 16  # characters between the task key and its cue beyond which the cue may be about something else
_LEFTOVER = 6  # characters left over (after fillers) beyond which the message says more than the update


def _keys(msg: Message) -> list[KeySpan]:
    """The task keys this update applies to: "CRM-16,CRM-18 都完成了", "CRM-1 和 CRM-2 改给 @李四"."""
    keys = [msg.tasks[0]]
    for prev, nxt in zip(msg.tasks, msg.tasks[1:], strict=False):
        if not _SEPARATOR.match(msg.text[prev.end:nxt.start]):
            break
        keys.append(nxt)
    return keys


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in spans:
        text = text[:s] + "\x00" * (e - s) + text[e:]
    return text


def _weak(msg: Message, keys: list[KeySpan], consumed: list[tuple[int, int]], cues: list[tuple[int, int]]) -> list[str]:
    """Why a reading of this message may be wrong: words the grammar did not consume, a cue far from the key."""
    reasons = []
    spans = [(k.start, k.end) for k in msg.tasks] + [(m.start, m.end) for m in msg.mentions] + consumed
    leftover = _FILLERS.sub("", _blank(msg.text, spans).replace("\x00", " "))
    if len(leftover) > _LEFTOVER:
        reasons.append("leftover")
    last_key = keys[-1]
    for s, e in cues:
        gap = s - last_key.end if s >= last_key.end else keys[0].start - e
        if gap > _FAR:
            reasons.append("far")
            break
    return reasons


def parse_update(msg: Message) -> UpdateTask | TaskNote | None:
    if not msg.tasks:
        return None
    keys = _keys(msg)
    task = keys[0]
    also = [k.key for k in keys[1:]]
    # Everything but the keys: keeps "CRM-3" digits out of the progress and date grammars.
    text = msg.text
    for k in keys:
        text = text[: k.start] + " " * (k.end - k.start) + text[k.end:]
    if _QUESTION.search(text.strip()) or _QUESTION_START.match(msg.text):
        return None
    progress, span = _progress(text)
    resume = RESUME.search(text)
    if resume and _BLOCKED.match(text[resume.end():].lstrip()):
        resume = None  # "继续卡着" / "continue waiting on …": still blocked
    forecast = FORECAST.search(text)
    strong_done = next((m for m in _STRONG_DONE.finditer(text)
                        if not (forecast and forecast.start() <= m.start() < forecast.end())), None)
    if strong_done is not None:
        resume = None  # "完成了，继续下一个": done, moving on
        forecast = None  # "完成了，预计明天上线": done (a date beside it asks to confirm, see `weak`)
    if forecast and not _DUE.search(text) and progress is None and not msg.mentions:
        # "明天能搞完" / "should be done by Friday": a remark for the task's history, not a new due date.
        return TaskNote(task=task.key, note=msg.text.strip(), also=also)
    if resume and progress is None and not msg.mentions and not msg.dates(DEADLINE) and not _TODO.search(text):
        # "好了，继续" / "unblocked" / "白名单开通了": back in progress if it was blocked (the handler knows).
        return TaskNote(task=task.key, note=msg.text.strip(), resume=True, also=also)
    status = _status(text, span)
    if status == "done" and ((progress is not None and progress < 100) or PARTIAL_ANY.search(text)):
        status = None  # "完成一大半了" / "almost done": partial, never done
    if resume and status in ("done", "blocked"):
        status = "in_progress"
    assignees = None
    assign = _ASSIGN.search(text)
    if msg.mentions and (assign or len(text.strip()) - sum(len(m.user) + 1 for m in msg.mentions) < 4):
        assignees = [m.user for m in msg.mentions]
    due = None
    dates = msg.dates(DEADLINE)
    due_cue = _DUE.search(text)
    if dates and (due_cue or (status is None and progress is None and assignees is None
                  and len(text.strip()) - (dates[0].end - dates[0].start) < 6)):
        due = dates[0].iso()
    if status is None and progress is None and assignees is None and due is None:
        return None
    weak: list[str] = []
    if status == "done" or due or assignees:
        consumed: list[tuple[int, int]] = []
        cues: list[tuple[int, int]] = []
        for pattern in (_DONE, _TODO, _BLOCKED, _IN_PROGRESS, _ASSIGN, _DUE, _NOT_DONE):
            for m in pattern.finditer(text):
                consumed.append((m.start(), m.end()))
                if pattern in (_DONE, _ASSIGN, _DUE):
                    cues.append((m.start(), m.end()))
        consumed += [(d.start, d.end) for d in dates] + ([span] if span else [])
        weak = _weak(msg, keys, consumed, cues)
        if status == "done" and dates and not due:
            weak.append("dated")  # "CRM-3 周五完成": finished on Friday, or will finish by Friday?
    return UpdateTask(task=task.key, status=status, progress=progress, assignees=assignees, due=due, also=also,
                      weak=weak)
