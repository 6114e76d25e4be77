"""Task edits besides status: "CRM-2 估时改成 24小时", "CRM-2 优先级 P1", "rename CRM-2 to Login v2",
"CRM-2 加上 @张伟", "我接了 CRM-9" / "I'll take CRM-9", "CRM-3 done, took 30 mins".

They run before the work-log grammar: an estimate's hours are a plan, not time spent.
"""

from __future__ import annotations

import re

from .intents import EditTask
from .message import Message
from .mood import PARTIAL_ANY
from .update import _DONE, _NOT_DONE

_ESTIMATE = re.compile(r"估时|预估|估算|估计工时|预计工时|工时预估|工作量|\bestimate[sd]?\b|\best\b\.?|\bestimation\b",
                       re.IGNORECASE)
_PRIORITY = re.compile(r"优先级|\bpriority\b|\bprio\b", re.IGNORECASE)
_P_LEVEL = re.compile(r"(?<![A-Za-z0-9])[Pp]\s*([0-3])(?![0-9])")
_P_WORDS = [(re.compile(r"紧急|最高|\burgent\b|\bcritical\b|\bblocker\b", re.I), "P0"),
            (re.compile(r"高|\bhigh\b", re.I), "P1"), (re.compile(r"中|普通|\bmedium\b|\bnormal\b", re.I), "P2"),
            (re.compile(r"低|\blow\b", re.I), "P3")]
_RENAME = re.compile(
    r"(?:改名(?:为|成|叫)?|重命名(?:为|成)?|标题改(?:成|为)|名称改(?:成|为)|名字改(?:成|为)|标题(?:是|为)|"
    r"\brename[ds]?\b(?:\s+(?:it|task))?\s*(?:to|as)?|\b(?:title|name)\s+(?:to|is|:)|\bretitle[ds]?\b\s*(?:to)?)"
    r"\s*[:：]?\s*(?P<title>.+)$", re.IGNORECASE)
_ADD_PERSON = re.compile(r"加上|加个|添加|增加|拉上|带上|也加上|再加|协助|一起做|\badd\b|\balso\s+assign\b|\bplus\b|"
                         r"\bco-?assign(?:ee)?\b|\bhelp(?:ing)?\s+(?:on|with)\b", re.IGNORECASE)
_TAKE = re.compile(r"我接了|我接手|我来接|我来做|我来负责|我来跟|我认领|认领|我负责|归我|给我吧|我来吧|"
                   r"\bI'?ll\s+take\b|\bI\s+(?:will\s+)?take\b|\bI'?ll\s+(?:do|handle|own)\b|\bassign\s+(?:it\s+)?to\s+me\b|"
                   r"\bmine\s*$|\bI'?ve\s+got\s+(?:it|this)\b|\bI\s+got\s+(?:it|this)\b|\bclaim(?:ed|ing)?\b",
                   re.IGNORECASE)
_TOOK = re.compile(r"花了|用了|耗时|共计|总共|一共|历时|\btook\b|\bspent\b|\bin\s+(?=\d)", re.IGNORECASE)
_TITLE_END = re.compile(r"^[\"'“”‘’「」《》\s]+|[\"'“”‘’「」《》\s。.]+$")


_LOG_WORD = re.compile(r"\blog(?:ged)?\b|记录?工时|登记|报工|填报|工时", re.IGNORECASE)


def _finished(msg: Message, text: str, *, took_word: bool = True) -> float | None:
    """The hours of "done, took 30 mins": a done cue, a "took / 花了" (unless ``took_word`` is off) and an
    amount, nothing partial."""
    # Cheap word checks first: the amounts are read only for a message that may need them.
    if not ((_TOOK.search(text) or not took_word) and _DONE.search(text)) or _NOT_DONE.search(text) \
            or PARTIAL_ANY.search(text):
        return None
    hours = msg.hours()
    if hours:
        return hours[0].hours if len(hours) == 1 else round(sum(h.hours for h in hours), 2)
    return None


def parse_edit(msg: Message) -> EditTask | None:
    if not msg.tasks:
        took = _finished(msg, msg.text)  # "done, took 30 mins": which task is asked with buttons
        return EditTask(done_hours=took) if took is not None else None
    task = msg.tasks[0]
    text = msg.text[: task.start] + " " * (task.end - task.start) + msg.text[task.end:]
    rename = _RENAME.search(text)
    if rename:
        title = _TITLE_END.sub("", rename["title"]).strip()
        if title:
            return EditTask(task=task.key, title=title)
    if _ESTIMATE.search(text):
        hours = msg.hours()
        if hours:
            return EditTask(task=task.key, estimate_hours=hours[0].hours)
    level = _P_LEVEL.search(text)
    rest = _P_LEVEL.sub("", text).strip(" ,，.。:：")
    if level and (_PRIORITY.search(text) or not rest or re.fullmatch(r"(?:改成|改为|调到|设为|提到|降到|升到|to|set)\s*",
                                                                    rest, re.IGNORECASE)):
        return EditTask(task=task.key, priority=f"P{level[1]}")
    if _PRIORITY.search(text):
        after = text[_PRIORITY.search(text).end():]  # type: ignore[union-attr]
        for pattern, value in _P_WORDS:
            if pattern.search(after):
                return EditTask(task=task.key, priority=value)
    if msg.mentions and _ADD_PERSON.search(text):
        return EditTask(task=task.key, add_assignees=[m.user for m in msg.mentions])
    if not msg.mentions and _TAKE.search(text):
        return EditTask(task=task.key, take=True)
    took = _finished(msg, text) if len(msg.tasks) == 1 else None
    if took is not None:
        return EditTask(task=task.key, done_hours=took)
    said = _finished(msg, text, took_word=False) if len(msg.tasks) == 1 and not _LOG_WORD.search(text) else None
    if said is not None:  # "CRM-3 完成 2h": done and 2h spent, or 2h logged on it? Asked with a card.
        return EditTask(task=task.key, done_hours=said, weak=["two_readings"])
    return None
