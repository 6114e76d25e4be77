"""For a message the grammars did not understand: is it a greeting or thanks, and which capabilities are closest.

The parser's contract keeps such messages ``unknown`` ("No chatter becomes work"); the answer to them is chosen
here, purely from the words, so the unknown reply can offer the two or three likeliest things the bot can do.
"""

from __future__ import annotations

import re

from .intents import Greeting

GREETING = re.compile(
    r"^(?:@\S+\s*)?(?:你好|您好|嗨|哈喽|哈啰|早上好|早安|早|上午好|下午好|晚上好|大家好|在吗|在不在|有人在吗|"
    r"hi|hello|hey|hiya|yo|howdy|good\s+(?:morning|afternoon|evening)|morning)(?:\s*(?:啊|呀|呢|～|~|!|！|。|\.|,|，|"
    r"there|bot|all|everyone|team))*\s*[!！。.~～]*$",
    re.IGNORECASE,
)
THANKS = re.compile(
    r"^(?:@\S+\s*)?(?:好的?|ok(?:ay)?|great|cool|nice)?[,，\s]*(?:谢谢|多谢|感谢|谢啦|谢了|辛苦了|thanks?|thank\s+you|thx|ty|"
    r"cheers|much\s+appreciated)(?:\s*(?:你|您|啦|了|a\s+lot|so\s+much|very\s+much|!|！|。|\.|🙏|👍|@\S+))*\s*[!！。.~～]*$",
    re.IGNORECASE,
)

# Capability -> the words that point at it, most telling first. Ranked by how many of its words a message holds.
_CUES: list[tuple[str, re.Pattern[str]]] = [
    # A number starts only where a digit run does: the same matches, and no quadratic retry inside "1111…".
    ("log_hours", re.compile(r"工时|小时|记|填|\blog|\bhours?\b|\bh\b|(?<!\d)\d+\s*h\b|timesheet", re.IGNORECASE)),
    ("hours", re.compile(r"工时|多少|统计|\bhours\b|\bhow\s+many\b|\btotal\b", re.IGNORECASE)),
    ("leave", re.compile(r"假|休|不在|\bleave\b|\boff\b|\bpto\b|\booo\b|\bvacation\b|\bsick\b", re.IGNORECASE)),
    ("create_task", re.compile(r"新建|新增|创建|建|加个|任务|\bnew\b|\bcreate\b|\badd\b|\btask\b|\btodo\b", re.IGNORECASE)),
    ("update_task", re.compile(r"完成|进度|搞定|做完|改|状态|阻塞|\bdone\b|\bfinish|\bprogress\b|\bblocked\b|\bstatus\b|"
                               r"[A-Za-z]{2,10}-\d+", re.IGNORECASE)),
    ("tasks", re.compile(r"任务|列表|到期|逾期|哪些|清单|\btasks\b|\blist\b|\bdue\b|\boverdue\b", re.IGNORECASE)),
    ("status", re.compile(r"进度|情况|项目|风险|怎么样|咋样|\bstatus\b|\bproject\b|\brisks?\b|\bprogress\b", re.IGNORECASE)),
    ("standup", re.compile(r"站会|昨天|今天|阻碍|日报|\bstandup\b|\byesterday\b|\btoday\b|\bblock", re.IGNORECASE)),
    ("change", re.compile(r"变更|延期|推迟|加人|预算|需求|\bchange\b|\bdelay\b|\bpostpone\b|\bpush\b|\bbudget\b|\bscope\b",
                          re.IGNORECASE)),
    ("approve", re.compile(r"审批|批准|驳回|撤回|CR-?\d|\bapprov|\breject|\bwithdraw", re.IGNORECASE)),
    ("admin", re.compile(r"成员|项目|绑定|添加|移除|\bmember|\bproject|\bbind\b|\bremove\b", re.IGNORECASE)),
]
CAPABILITIES = tuple(cap for cap, _ in _CUES)
DEFAULT = ("tasks", "log_hours", "create_task")


def kind(text: str) -> Greeting | None:
    """"hello" or "thanks" when the whole message is one, else None."""
    text = text.strip()
    if GREETING.match(text):
        return "hello"
    if THANKS.match(text):
        return "thanks"
    return None


def closest(text: str, n: int = 3) -> list[str]:
    """The ``n`` capabilities whose words the message uses most (ties keep the table's order); the everyday ones
    when it uses none."""
    scored = [(len(p.findall(text)), i, cap) for i, (cap, p) in enumerate(_CUES)]
    ranked = [cap for score, _, cap in sorted(scored, key=lambda s: (-s[0], s[1])) if score > 0]
    for cap in DEFAULT:
        if len(ranked) >= n:
            break
        if cap not in ranked:
            ranked.append(cap)
    return ranked[:n]
