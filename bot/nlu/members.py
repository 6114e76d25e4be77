"""Members and projects: "CRM 成员" / "CRM members" (list), "把 @张三 移出 CRM" / "remove @bob from CRM", "项目列表" /
"list projects". The results are ``admin`` intents (list_members / remove_member / list_projects)."""

from __future__ import annotations

import re

from .intents import Admin
from .keys import PROJECT_TOKEN
from .message import Message

_K = rf"(?P<p>{PROJECT_TOKEN})(?![A-Za-z0-9\-])"
_LIST = (
    re.compile(rf"^(?:查看|看看|看下|列出|显示)?\s*(?:项目\s*)?{_K}\s*(?:项目)?\s*(?:的)?\s*(?:有(?:哪些|谁|什么)\s*)?"
               r"(?:成员|人员|团队成员|组员|人)(?:列表|名单|有哪些|都有谁|有谁)?\s*[?？]?$", re.IGNORECASE),
    re.compile(rf"^(?:show|list|who(?:'s|\s+is|\s+are)?(?:\s+on|\s+in)?)?\s*(?:the\s+)?(?:project\s+)?{_K}\s*(?:project\s+)?"
               r"(?:members?|team|people)?\s*\??$|^(?:show|list)\s+(?:the\s+)?(?:members?|team|people)\s+(?:of|in|on)\s+"
               rf"(?:project\s+)?{_K.replace('?P<p>', '?P<q>')}\s*\??$|^{_K.replace('?P<p>', '?P<r>')}\s+(?:members?|team)\s*\??$",
               re.IGNORECASE),
)
_REMOVE = re.compile(
    r"(?:把|将)?\s*(?P<u>@[^\s@<>]+|<@[^<>]+>)\s*(?:从)?\s*(?:移出|移除|踢出|删除|退出|离开)\s*(?:项目)?\s*"
    + _K.replace("?P<p>", "?P<a>") + r"|"
    r"(?:从)?\s*" + _K.replace("?P<p>", "?P<b>") + r"\s*(?:项目)?\s*(?:中|里)?\s*(?:移除|移出|删除|踢出)\s*(?:成员)?\s*(?P<v>@[^\s@<>]+|<@[^<>]+>)|"
    r"(?:移除|移出|删除|踢出)\s*(?:成员)?\s*(?P<w>@[^\s@<>]+|<@[^<>]+>)\s*(?:从)?\s*" + _K.replace("?P<p>", "?P<c>") + r"|"
    r"\b(?:remove|kick|drop|take)\s+(?P<x>@[^\s@<>]+|<@[^<>]+>)\s+(?:off|out\s+of|from)\s+(?:the\s+)?(?:project\s+)?"
    + _K.replace("?P<p>", "?P<d>"),
    re.IGNORECASE,
)
_REMOVE_VERB = re.compile(r"移出|移除|踢出|删除|退出|离开|\b(?:remove|kick|drop|take)\b", re.IGNORECASE)
_PROJECTS = re.compile(
    r"^(?:项目列表|所有项目|全部项目|项目清单|有哪些项目|有什么项目|我的项目|我有哪些项目|我在哪些项目|我参与的项目|"
    r"(?:list|show)\s+(?:all\s+|my\s+|the\s+)?projects|projects|my\s+projects|all\s+projects|which\s+projects(?:\s+am\s+i\s+on)?)"
    r"\s*[?？]?$",
    re.IGNORECASE,
)
_NOT_KEYS = frozenset({"SHOW", "LIST", "THE", "MY", "OUR", "TEAM", "WHO", "PROJECT", "ALL", "MEMBERS", "MEMBER"})


def parse_members(msg: Message) -> Admin | None:
    text = msg.text.strip()
    if _PROJECTS.match(text):
        return Admin(action="list_projects")
    m = _REMOVE.search(text) if _REMOVE_VERB.search(text) else None  # the verb first: one cheap search
    if m:
        user = next(g for g in (m["u"], m["v"], m["w"], m["x"]) if g)
        found = next((x.user for x in msg.mentions if text[x.start:x.end] == user or user.startswith(text[x.start:x.end])),
                     user.lstrip("@"))
        key = (m["a"] or m["b"] or m["c"] or m["d"]).upper()
        return Admin(action="remove_member", project=key, user=found)
    for pattern in _LIST:
        m = pattern.match(text)
        if m:
            key = next((g for g in (m.groupdict().get(k) for k in ("p", "q", "r")) if g), None)
            if key is None or key.upper() in _NOT_KEYS or not (key.isupper() or key.upper() in msg.known_keys):
                continue  # "who is on the call": a key is written in capitals, or is one that exists
            if not re.search(r"成员|人员|组员|人|member|team|people|who", text, re.IGNORECASE):
                continue  # a bare "CRM" is not a question about its members
            return Admin(action="list_members", project=key.upper())
    return None
