"""What a message does with its words: asks, negates, cancels, or states a part of something.

The grammars find *what* a message is about (a task, hours, a date); these cues say whether the writer wants it
done. They feed the gate in ``parser.py``: a question never becomes a write, a negation never does what it
negates, and "取消 / undo" names something to take back. Pure functions of the normalized text.
"""

from __future__ import annotations

import re

from .intents import CancelWhat

# ---- questions ---------------------------------------------------------------------------------------------

# Sentence-final particles and marks: "CRM-3 完成了吗", "bob 请假了没有", "我的工时呢", "CRM-3 done?".
_ASK_END = re.compile(r"(?:\?|？|吗|嘛|么|呢|没有?|了没|否|是不是|对吧|对不对)\s*[。.!！~～]*\s*$")
# Question words anywhere: "是否", "多少", "哪些", "谁" ("谁没填工时"), "有没有", "几个", "什么时候".
_ASK_WORD = re.compile(r"是否|多少|哪些|哪个|哪天|哪位|谁|有没有|有无|是不是|几个|几天|几小时|什么时候|啥时候|怎么样|咋样|如何|"
                       r"要不要|能不能|可不可以|会不会|行不行|好不好|用不用|该不该")
# English questions open with an auxiliary or a wh-word; "can you …" / "could you please …" are requests.
_ASK_START_EN = re.compile(
    r"^\s*(?:is|are|was|were|did|does|do|has|have|had|who|whom|whose|what|when|where|which|why|how|"
    r"will|should|shall|am)\b(?!\s+(?:you|u)\s+(?:please\s+)?(?:log|mark|set|add|create|move|assign|record|close))",
    re.IGNORECASE)
_POLITE_EN = re.compile(r"^\s*(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?", re.IGNORECASE)
# "我的请假" / "my leave" / "my hours this week" — a look at one's own records (a command verb after it is not).
_MINE_START = re.compile(r"^\s*(?:我的|my\b)(?!.*(?:改|设|标|记|log|mark|set|assign|move|请假\s*\d))",
                         re.IGNORECASE)


_POLITE_CMD = re.compile(r"^\s*(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+|kindly\s+)?|"
                         r"(?:please|pls|kindly)\s+)(?=\S)", re.IGNORECASE)


def strip_polite(text: str) -> str:
    """"could you mark CRM-5 done?" is the command "mark CRM-5 done": the grammars read it without the
    courtesy (and its question mark), which is no part of a note or a title."""
    m = _POLITE_CMD.match(text)
    if not m:
        return text
    return text[m.end():].rstrip(" ?？")


def is_question(text: str) -> bool:
    """Whether the message asks rather than tells ("bob 请假了吗", "did I log CRM-3?", "我的请假")."""
    body = text.strip()
    if not body:
        return False
    if _POLITE_EN.match(body):  # "could you log 2h on CRM-1?" asks the bot to do it
        return False
    # "我的请假" looks at one's records; "我的 CRM-3 完成了" tells about a task.
    mine = _MINE_START.match(body) and not _KEY.search(body)
    return bool(_ASK_END.search(body) or _ASK_WORD.search(body) or _ASK_START_EN.match(body) or mine)


# Leave said about someone else ("bob 请假了", "张三明天请假", "bob is OOO tomorrow", "@bob 请假"): the bot records
# only the writer's own leave, so these never become the writer's.
_TIME_WORDS = frozenset({"今天", "明天", "后天", "大后天", "下周", "这周", "本周", "下个", "周末", "上午", "下午", "全天", "整天",
                         "我要", "我想", "我们", "我得", "我会", "需要", "申请", "要请", "想请", "准备", "打算", "可能"})
# Words that open a leave message without naming anyone: days ("周五", "星期一", "下周"), "我…", "每…".
_NOT_A_NAME = re.compile(r"^(?:我|周[一二三四五六日天末]|星期|礼拜|[下这本上今明后大每前昨])")
_OTHER_ZH = re.compile(r"^\s*(?P<name>[\u4e00-\u9fff]{2,3}?)(?:今天|明天|后天|下周|这周|本周|周[一二三四五六日])?\s*(?:要|会|将|也)?"
                       r"\s*(?:请假|休假)")
_OTHER_LATIN = re.compile(r"^\s*(?P<name>[A-Za-z][A-Za-z0-9_.\-]*)\s*(?=[\u4e00-\u9fff])|"
                          r"^\s*(?P<en>[A-Za-z][A-Za-z0-9_.\-]*)\s+(?:is|will|'s|has|was)\b", re.IGNORECASE)
_NOT_NAMES = frozenset({"i", "ooo", "pto", "it", "this", "that", "there", "today", "tomorrow", "next", "me", "my"})


def about_someone_else(text: str, mentions: int) -> bool:
    """Whether a leave message is about another person (a mention, or a name opening the sentence)."""
    if mentions:
        return True
    m = _OTHER_LATIN.match(text)
    if m and (m["name"] or m["en"]).lower() not in _NOT_NAMES:
        return True
    z = _OTHER_ZH.match(text)
    return bool(z and not _NOT_A_NAME.match(z["name"]) and not any(z["name"].startswith(w) for w in _TIME_WORDS))


# ---- negation ----------------------------------------------------------------------------------------------

# A negation governs a write when it stands right before the act: "别给我记", "不要标完成", "don't log",
# "先不延期". In a title ("新建任务 不要重复提交") it governs nothing, so create is checked only at the start.
_NEG = (r"(?:别|不要|不用|不必|甭|先不要?|暂时不要?|千万别|请勿|勿|不(?=请假|休假|记|登记|填|延期|推迟)|"
        r"don'?t|do\s+not|no\s+need\s+to|never|"
        r"please\s+don'?t|pls\s+don'?t|not\s+(?:yet\s+)?(?:going\s+to|to))")
_ACT = (r"(?:记|登记|报|填|标|标记|改|设|设置|置|关|关闭|完成|做完|请假|休假|延期|推迟|批准|驳回|分配|派|转|删|"
        r"log|record|book|mark|set|close|complete|finish|move|push|delay|assign|approve|reject|change|update|put|"
        r"add|create|take|submit|file)")
_NEGATED = re.compile(rf"{_NEG}\s*(?:给我|帮我|替我|再|把|将|for\s+me|yet|it|this|that|the|my|me|\s)*\s*"
                      rf"(?:[A-Za-z][A-Za-z0-9]{{1,9}}-\d{{1,9}}\s*)?{_ACT}", re.IGNORECASE)
_NEG_START = re.compile(rf"^\s*(?:[A-Za-z][A-Za-z0-9]{{1,9}}-\d{{1,9}}\s*)?{_NEG}(?![A-Za-z])", re.IGNORECASE)


def is_negated(text: str, *, anywhere: bool = True) -> bool:
    """Whether the message says *not* to do its act. ``anywhere=False`` looks only at the start (create)."""
    if _NEG_START.match(text):
        return True
    return anywhere and bool(_NEGATED.search(text))


# ---- cancellation ------------------------------------------------------------------------------------------

_CANCEL_VERB = (r"(?:取消|撤销|撤回|撤掉|删掉|删除|作废|不要了|算了|不用了|cancel|undo|revert|scrap|delete|remove|"
                r"never\s*mind|nevermind|forget\s+it|take\s+(?:that|it)\s+back)")
_TARGETS: list[tuple[CancelWhat, re.Pattern[str]]] = [
    ("leave", re.compile(r"请假|休假|年假|病假|\bleave\b|\bpto\b|\booo\b|day\s+off", re.IGNORECASE)),
    ("log", re.compile(r"工时|记录|\blogs?\b|\bhours?\b|\btime\s+entry\b|\bentry\b", re.IGNORECASE)),
    ("change", re.compile(r"变更申请|变更请求|变更|申请|草稿|\bchange\s+request\b|\bdraft\b|\brequest\b|\bchange\b|"
                          r"\bcr\b", re.IGNORECASE)),
    ("task", re.compile(r"任务|新建|创建|\btask\b", re.IGNORECASE)),
    ("update", re.compile(r"更新|修改|改动|操作|\bupdate\b|\bchange\b|\bedit\b", re.IGNORECASE)),
]
_FILLER = re.compile(r"记错了|搞错了|写错了|弄错了|填错了|错了|\b(?:wrong|mistake|by\s+mistake|oops|sorry)\b|刚才|刚刚|上一?条|上一?个|最后一?[条个次]|那条|这条|那个|这个|我的|我|的|吧|了|一下|掉|请|帮我|"
                     r"\b(?:the|my|last|that|this|it|please|pls|just|previous|latest|one|i|me|made|logged|did|"
                     r"created|request|entry)\b|[\s,.!。！，~]", re.IGNORECASE)
_ANY_CANCEL = re.compile(_CANCEL_VERB, re.IGNORECASE)
_CANCEL = re.compile(rf"^\s*(?:请|帮我|please\s+)?{_CANCEL_VERB}(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_CANCEL_AFTER = re.compile(rf"^(?P<rest>.*?)\s*{_CANCEL_VERB}\s*(?:吧|了|掉)?\s*[。.!！]*\s*$", re.IGNORECASE | re.DOTALL)
_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9}-\d{1,9})(?![0-9])")
# "取消完成" / "撤销完成" reopen a task: an update the task grammar reads, not a cancellation.
_NOT_CANCEL = re.compile(r"(?:取消|撤销)\s*(?:完成|阻塞|暂停)|cancel(?:led)?\s+(?:the\s+)?(?:meeting|call)", re.IGNORECASE)


def cancellation(text: str) -> tuple[CancelWhat, str | None] | None:
    """("leave" | "log" | "change" | "task" | "update" | "last", task key or None) when the whole message asks
    to cancel or undo one thing ("撤销", "undo CRM-19", "取消请假", "cancel my last log", "CRM-3 的工时撤销")."""
    if not _ANY_CANCEL.search(text) or _NOT_CANCEL.search(text):  # the cheap test first: most messages cancel nothing
        return None
    m = _CANCEL.match(text) or _CANCEL_AFTER.match(text)
    if not m:
        return None
    rest = m["rest"]
    key_m = _KEY.search(rest)
    key = key_m[1].upper() if key_m else None
    if key_m:
        rest = rest[:key_m.start()] + " " + rest[key_m.end():]
    what: CancelWhat = "last"
    for name, pattern in _TARGETS:
        hit = pattern.search(rest)
        if hit:
            what = name
            rest = rest[:hit.start()] + " " + rest[hit.end():]
            break
    # Anything left besides fillers means the message is about more than taking one thing back
    # ("取消导出功能" is a scope change, "cancel the meeting" is news).
    if _FILLER.sub("", rest):
        return None
    if key and what == "last":
        what = "task"
    return what, key


_HEDGE = re.compile(r"可能|也许|或许|大概|说不定|不一定|看情况|\b(?:maybe|might|perhaps|probably|possibly)\b", re.IGNORECASE)


def is_hedged(text: str) -> bool:
    """"我明天可能要请假", "might be out Friday": said, but not settled."""
    return bool(_HEDGE.search(text))


# ---- partial progress, resuming, and remarks about the future --------------------------------------------

# Amounts short of done: never "done", a progress figure instead.
PARTIAL: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"七八成|七成多"), 75),
    (re.compile(r"八九成|九成多"), 85),
    (re.compile(r"五六成|六七成"), 60),
    (re.compile(r"一大半|大半|大部分|多半|过半|\bmostly\b|\bmost\s+of\s+it\b|\bthe\s+bulk\b", re.IGNORECASE), 70),
    (re.compile(r"差不多了?|快了|快好了|快完了|快搞定|快做完|接近完成|基本上?(?:完成|做完|好了|搞定)|"
                r"\b(?:almost|nearly|close\s+to|about\s+to\s+be)\s+(?:done|finished|complete|there)\b|\balmost\b",
                re.IGNORECASE), 90),
]
PARTIAL_ANY = re.compile("|".join(p.pattern for p, _ in PARTIAL), re.IGNORECASE)

# Words that take a blocked task up again: "好了，继续", "unblocked", "back on it", "白名单开通了".
RESUME = re.compile(r"继续|恢复|接着做|可以做了|可以开始了|开通了|已开通|到位了|回复了|解封|解除阻塞|不卡了|"
                    r"\bunblock(?:ed)?\b|\bback\s+on\s+(?:it|track)\b|\bresum(?:e|ed|ing)\b|\bcarry(?:ing)?\s+on\b|"
                    r"\bcontinu(?:e|ing)\b|\bno\s+longer\s+blocked\b", re.IGNORECASE)

# A forecast ("明天能搞完", "should be done by Friday"): a remark about the future, not a new due date.
FORECAST = re.compile(
    r"(?:能|会|可以|应该|争取|预计|估计|打算|计划|有望|大概|应能|可)\s*(?:在)?[^,，。;；]{0,8}?"
    r"(?:搞完|做完|完成|弄完|搞定|做好|弄好|好|上线|交付|提测|结束)|"
    r"\b(?:should|will|'ll|shall|going\s+to|expect(?:ed)?\s+to|hope\s+to|plan\s+to|aim\s+to|might|may)\s+"
    r"(?:be\s+)?(?:done|finished|complete[d]?|ready|finish|wrap(?:ped)?\s+up|ship(?:ped)?|land(?:ed)?)\b",
    re.IGNORECASE)
