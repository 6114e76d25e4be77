"""Mentions: ``<@ID>`` from the platform adapters, and plain ``@name`` typed by people.

A Chinese name is often glued to what follows ("@张三下周五前"), so a CJK name stops before
the first date or verb word and is at most four characters long.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    user: str


_PATTERN = re.compile(
    r"<@(?P<id>[^<>|\s]+)(?:\|[^<>]*)?>"
    r"|(?<![A-Za-z0-9._%+\-])@(?P<name>[A-Za-z0-9_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z0-9_]"
    r"|[\u3400-\u9fff\uf900-\ufaff]+(?:[A-Za-z0-9]+)?)"
)

# Words that cannot be part of a name: where a glued Chinese name stops.
_NAME_STOP = re.compile(
    r"下下|下周|下个|下午|上午|上周|本周|这周|周[一二三四五六日天末]|星期|礼拜|今天|明天|后天|昨天|前天|今晚|明早|"
    r"月底|年底|截止|之前|以前|前完成|负责|处理|跟进|来做|去做|做|完成|搞定|看下|看一下|看看|改|修|帮忙|"
    r"一起|和|跟|及|与|加入|进|作为|角色|是|的|在|把|将|给|对接|确认|评审|开发|测试|优化|接手|重新|派|分配|安排|说|看|"
    r"[0-9]|[一二三四五六七八九十两]+(?:月|号|日|点|天|小时|个)"
)
MAX_CJK_NAME = 4


def _cut_cjk(name: str) -> str:
    m = _NAME_STOP.search(name, 1)
    if m:
        name = name[: m.start()]
    return name[:MAX_CJK_NAME] if len(name) > MAX_CJK_NAME else name


def find_mentions(text: str) -> list[Mention]:
    out: list[Mention] = []
    for m in _PATTERN.finditer(text):
        if m["id"]:
            out.append(Mention(m.start(), m.end(), m["id"]))
            continue
        name = m["name"]
        if not name.isascii():
            cjk = re.match(r"[\u3400-\u9fff\uf900-\ufaff]+", name)
            if cjk and len(cjk[0]) < len(name) and not _NAME_STOP.search(cjk[0], 1) \
                    and len(cjk[0]) <= MAX_CJK_NAME:
                pass  # a name with a Latin tail ("@小王A") is kept as typed
            else:
                name = _cut_cjk(cjk[0] if cjk else name)
        out.append(Mention(m.start(), m.start() + 1 + len(name), name))
    return out
