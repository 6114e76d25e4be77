"""IME slips in command words: "新建人物" (xinjian renwu), "新増任务" (a Japanese form of 增), "CRM-3 完城了".

A pinyin IME offers homophones; people pick the wrong one and send. Only a command word in a command position is
mended — the start of a message for "new task", right after a task key for "done" — so a title that really says
人物 or 城 keeps it. The table is of command words only; anything else that looks close is left to the unknown
answer, which offers the closest commands (handlers/help.py).

One filler is dropped the same way: "CR for CRM-3: push to Dec 20" is "change request CRM-3: push to Dec 20" (the
change grammar reads "CR" as a command only when the key follows it).
"""

from __future__ import annotations

import re

_VERBS = {"新建": "新建", "新增": "新增", "创建": "创建", "新见": "新建", "新件": "新建", "心建": "新建",
          "新増": "新增", "新曾": "新增", "创見": "创建", "创件": "创建", "窗建": "创建"}
_TASK = ("任务", "人物", "任物", "人务", "仁务")
_CREATE = re.compile(rf"^(?P<v>{'|'.join(_VERBS)})(?P<o>{'|'.join(_TASK)})")
_DONE = re.compile(r"(?<=[0-9])(?P<s>\s*)(?:完城|玩成|完程|晚成|完乘)(?=了|啦|$|\s|[,，。!！])")
_LEAVE = re.compile(r"(?:请家|清假|情假)(?=$|了|一?[天周]|\s|[,，。!！])")


_CR_FOR = re.compile(r"^(?P<c>CR|change\s+request|变更申请|变更)\s*(?:for|on|about|against|关于|针对|对)\s*"
                     r"(?=(?:project\s+)?[A-Za-z][A-Za-z0-9]{1,9}(?:-\d+)?\b)", re.IGNORECASE)


def fix_typos(text: str) -> str:
    """``text`` with homophone slips in command words replaced; unchanged when there are none."""
    m = _CREATE.match(text)
    if m and (m["v"] != _VERBS[m["v"]] or m["o"] != "任务"):
        text = _VERBS[m["v"]] + "任务" + text[m.end():]
    text = _CR_FOR.sub(lambda c: ("change request " if c["c"].isascii() else "变更申请 "), text, count=1)
    text = _DONE.sub(lambda d: d["s"] + "完成", text)
    return _LEAVE.sub("请假", text)
