"""Setup commands: create a project, bind a chat, add a member, set time zone or language.

They are checked before the task grammar because "新建项目 CRM" or "add @alice to CRM"
would otherwise read as a task to create.
"""

from __future__ import annotations

import re

from .intents import Admin
from .keys import PROJECT_TOKEN, is_project_key
from .message import Message

_K = rf"(?P<p>{PROJECT_TOKEN})"
_END = r"(?![A-Za-z0-9\-])"

_CREATE_PROJECT = (re.compile(
    rf"^(?:please\s+)?(?:create|new|add|make|set\s+up|start)\s+(?:a\s+)?(?:new\s+)?project\s*[:]?\s*{_K}{_END}"
    r"(?:\s*[,:]?\s*(?:(?:named|called|name|titled)\s*[:=]?\s*)?(?P<n>.+))?$", re.IGNORECASE), re.compile(
    rf"^(?:请|帮我|帮忙|麻烦)?\s*(?:新建|创建|建立|新增|建|开|添加|加)\s*(?:一个|个)?\s*(?:新)?项目\s*[:]?\s*{_K}{_END}"
    r"(?:\s*[,:]?\s*(?:名称|名字|名叫|叫做|叫|名为|项目名)?\s*[:]?\s*(?P<n>.+))?$",
    re.IGNORECASE,
))

_BIND = (re.compile(
    r"^(?:please\s+)?(?:bind|link|connect|attach|use)\s+(?:this\s+)?(?:chat|group|channel|room|conversation|thread)?"
    rf"\s*(?:to|with|for)?\s*(?:project\s+)?{_K}{_END}(?:\s+(?:here|to\s+this\s+(?:chat|group|channel)))?\s*$", re.IGNORECASE), re.compile(
    r"^(?:请|帮我)?\s*(?:把)?\s*(?:本群|这个群聊|这个群|此群|该群|本群聊|群聊|群|本频道|这个频道|频道|这里|本会话)?\s*"
    rf"(?:绑定|关联|绑)\s*(?:到|至|给|为)?\s*(?:项目)?\s*{_K}{_END}\s*(?:项目)?\s*$",
    re.IGNORECASE,
))

_ROLE_WORDS: dict[str, str] = {
    "项目管理办公室": "pmo", "pmo": "pmo",
    "业务负责人": "sponsor", "甲方负责人": "sponsor", "发起人": "sponsor", "赞助人": "sponsor",
    "sponsor": "sponsor", "owner": "sponsor",
    "项目经理": "pm", "project manager": "pm", "pm": "pm",
    "供应商": "vendor", "乙方": "vendor", "厂商": "vendor", "外包": "vendor", "vendor": "vendor",
    "supplier": "vendor", "contractor": "vendor",
    "观察者": "viewer", "只读": "viewer", "访客": "viewer", "viewer": "viewer", "observer": "viewer",
    "read-only": "viewer", "readonly": "viewer", "guest": "viewer",
    "成员": "member", "组员": "member", "开发人员": "member", "开发": "member", "测试": "member",
    "member": "member", "developer": "member", "dev": "member", "engineer": "member",
}
_ROLE_RE = re.compile(
    "|".join(
        rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])" if w.isascii() else re.escape(w)
        for w in sorted(_ROLE_WORDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)
# A role word after a marker ("as king", "role: owner", "角色国王", "作为国王") is reported as said
# when it is not one of ours, so the bot can refuse it with the list of valid roles.
_ROLE_MARKED = re.compile(
    r"\bas\s+(?:an?\s+|the\s+|our\s+)?(?P<en>[A-Za-z][\w\-]*(?:\s+(?!(?:to|in|into|for|on|of|at|please|pls|"
    r"project|and)\b)[A-Za-z][\w\-]*){0,2})"
    r"|\brole\s*(?:is|=|:|of)?\s*(?P<en2>[A-Za-z][\w\-]*)"
    r"|(?:作为|担任|角色\s*(?:是|为|设为|设置为|:)?|身份\s*(?:是|为|:)?)\s*(?P<zh>[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z\-]{0,11})",
    re.IGNORECASE,
)
_ROLE_ZH_TAIL = re.compile(r"(?:的身份|身份|角色|加入|加到|加进|进入|进|到|在|吧|哈|啊|呀|谢谢).*$")
_NOT_ROLES = frozenset({"well", "soon", "usual", "before", "always", "needed", "discussed", "agreed"})
# What may surround a bare role word ("添加成员 @x CRM 国王") besides the user and project.
_ADD_FILLERS = re.compile(
    r"添加成员|加成员|新成员|添加|加入|加到|加进|拉进|拉入|拉到|邀请|进入|项目组|项目|团队|群|成员|请|帮我|帮忙|麻烦|把|一下|吧|谢谢|"
    r"(?<![A-Za-z])(?:please|pls|add|invite|to|into|in|the|project|team|as|member|thanks)(?![A-Za-z])|[\s,;:.!。，、]+",
    re.IGNORECASE,
)
_BARE_ROLE = re.compile(r"[\u4e00-\u9fff]{1,8}|[A-Za-z][A-Za-z\-]{1,20}")
_ADD_EN = re.compile(r"^(?:please\s+)?(?:add|invite)\s*(?=@|<@)", re.IGNORECASE)
_ADD_ZH = re.compile(r"添加成员|添加|加成员|加入|加到|加进|拉进|拉入|拉到|邀请|进入|加为|设为|设置为")
_ADD_CONTEXT = re.compile(r"成员|项目|角色|作为|身份|member|role|\bas\b|\bto\b", re.IGNORECASE)
_PROJECT_AFTER = re.compile(
    rf"(?:\bto\b|\binto\b|\bin\b|project|项目|加入|加到|加进|拉进|拉入|进入|进)\s*(?:project\s+)?{_K}{_END}",
    re.IGNORECASE,
)
_UPPER_KEY = re.compile(r"(?<![A-Za-z0-9\-@])(?P<p>[A-Z][A-Z0-9]{1,9})(?![A-Za-z0-9\-])")

_TZ_VALUE = r"(?P<v>[A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+|UTC|GMT|(?:UTC|GMT)\s?[+\-]\d{1,2}(?::?\d{2})?)"
_TIMEZONE = re.compile(
    r"(?:time\s*zone|timezone|\btz\b|时区)\s*(?:is|to|=|:|为|是|设为|设置为|设成|改为|改成|换成)?\s*"
    rf"{_TZ_VALUE}(?![A-Za-z/])",
    re.IGNORECASE,
)
_LANG_VALUE = (r"(?P<v>english|chinese|简体中文|中文|英文|英语|汉语|zh[-_]cn|zh[-_]hans|zh|en[-_]us|en[-_]gb|en|cn)"
               r"(?![A-Za-z])")
_LOCALE = (
    re.compile(
        r"(?:language|lang|locale|语言)\s*(?:is|to|=|:|为|是|设为|设置为|设成|改为|改成|换成|切换为|切换到|切换成)?\s*"
        + _LANG_VALUE, re.IGNORECASE),
    re.compile(r"^(?:please\s+)?(?:switch|change)\s+(?:(?:my|the)\s+language\s+)?to\s+" + _LANG_VALUE,
               re.IGNORECASE),
    re.compile(r"^(?:请)?(?:切换|换|改)(?:到|成|为)\s*" + _LANG_VALUE, re.IGNORECASE),
)
_PERSONAL = re.compile(r"\bmy\b|\bme\b|\bfor\s+me\b|我的|给我|^我", re.IGNORECASE)
_SETTING_WORDS = frozenset({"SET", "MY", "ME", "TZ", "THE", "TO", "IS", "FOR", "UTC", "GMT", "LANG",
                            "CHANGE", "SWITCH", "PLEASE", "PROJECT", "EN", "ZH", "CN", "USE", "LANGUAGE",
                            "LOCALE", "TIMEZONE", "TIME", "ZONE", "OF", "AND", "OUR", "THIS", "CHAT", "VIEW", "SHOW",
                            "APPROVAL", "POLICY"})


def _lang(value: str) -> str:
    v = value.lower()
    return "en" if v.startswith(("en", "英")) else "zh"


def _setting_project(msg: Message, value_start: int, value_end: int) -> str | None:
    text = msg.text[:value_start] + " " + msg.text[value_end:]
    for m in re.finditer(rf"(?<![A-Za-z0-9\-/])(?P<p>{PROJECT_TOKEN})(?![A-Za-z0-9\-/])", text):
        tok = m["p"]
        if tok.upper() in _SETTING_WORDS or not is_project_key(tok):
            continue
        if tok.isupper() or re.search(rf"(?:project|项目)\s*{re.escape(tok)}", text, re.IGNORECASE):
            return tok.upper()
    return None


def _add_member(msg: Message) -> Admin | None:
    if not msg.mentions or msg.tasks:
        return None
    en = _ADD_EN.match(msg.text)
    if not en and not (_ADD_ZH.search(msg.text) and (_ADD_CONTEXT.search(msg.text) or _UPPER_KEY.search(msg.text))):
        return None
    user = msg.mentions[0]
    rest = msg.text[: user.start] + " " * (user.end - user.start) + msg.text[user.end:]
    rest = re.sub(r"添加成员|加成员|新成员", lambda x: " " * len(x[0]), rest)
    # role: one of ours, the raw word when one was said but is unknown, None when none was said
    # (the bot then defaults to member).
    role: str | None = None
    role_m = _ROLE_RE.search(rest)
    if role_m:
        role = _ROLE_WORDS[role_m[0].lower()]
        rest = _blank(rest, role_m.start(), role_m.end())
    else:
        marked = _ROLE_MARKED.search(rest)
        raw = _marked_role(marked) if marked else None
        if marked and raw:
            role = raw
            rest = _blank(rest, marked.start(), marked.end())
    project = None
    pm = _PROJECT_AFTER.search(rest)
    if pm and is_project_key(pm["p"]) and pm["p"].lower() not in ("as", "the", "me", "my", "our", "project"):
        project = pm["p"].upper()
        rest = _blank(rest, pm.start(), pm.end())
    else:
        for m in _UPPER_KEY.finditer(rest):
            if is_project_key(m["p"]) and m["p"] not in _SETTING_WORDS:
                project = m["p"]
                rest = _blank(rest, m.start(), m.end())
                break
    if not en and project is None and role is None and "成员" not in msg.text:
        return None  # "欢迎@李四加入" is a greeting, not a command
    if role is None and (en or project is not None):
        # "添加成员 @x CRM 国王": one word left over at the end is the role the user asked for.
        left = _ADD_FILLERS.sub(" ", rest).split()
        if len(left) == 1 and _BARE_ROLE.fullmatch(left[0]) and msg.text.rstrip(" .!。").endswith(left[0]):
            role = left[0]
    return Admin(action="add_member", project=project, user=user.user, role=role)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _marked_role(m: re.Match[str]) -> str | None:
    raw = _ROLE_ZH_TAIL.sub("", m["zh"]).strip() if m["zh"] else (m["en"] or m["en2"] or "").strip()
    if not raw or raw.lower() in _NOT_ROLES:
        return None
    return raw


_POLICY = re.compile(
    rf"^(?:(?:请|帮我)?(?:设置|设定|修改|查看|看看|显示)?\s*(?:项目)?\s*(?P<p1>{PROJECT_TOKEN})?\s*(?:的)?\s*"
    r"(?:审批策略|审批规则|审批流程|审批政策)"
    rf"|(?:set|show|view|change)?\s*(?:the\s+)?(?:(?P<p2>{PROJECT_TOKEN})\s+)?approval\s+(?:policy|rules|chain)"
    rf"(?:\s+(?:for|of|on)\s+(?P<p3>{PROJECT_TOKEN}))?)\s*(?:[:：=]|为|是|设为|改为)?\s*(?P<v>.*)$",
    re.IGNORECASE,
)


def _policy(msg: Message) -> Admin | None:
    m = _POLICY.match(msg.text)
    if not m:
        return None
    project = next((t.upper() for t in (m["p1"], m["p2"], m["p3"])
                    if t and is_project_key(t) and t.upper() not in _SETTING_WORDS), None)
    value = m["v"].strip() or None
    return Admin(action="set_policy" if value else "show_policy", project=project, value=value)


def parse_admin(msg: Message) -> Admin | None:
    text = msg.text
    policy = _policy(msg)
    if policy is not None:
        return policy
    m = next((m for m in (p.match(text) for p in _CREATE_PROJECT) if m), None)
    if m:
        name = (m["n"] or "").strip(" :\"'") or None
        return Admin(action="create_project", project=m["p"].upper(), name=name)
    m = next((m for m in (p.match(text) for p in _BIND) if m), None)
    if m and is_project_key(m["p"]):
        return Admin(action="bind_chat", project=m["p"].upper())
    m = _TIMEZONE.search(text)
    if m:
        personal = bool(_PERSONAL.search(text))
        project = None if personal else _setting_project(msg, m.start("v"), m.end("v"))
        return Admin(action="set_timezone", project=project, name="me" if personal else None, value=m["v"])
    m = next((m for m in (p.search(text) for p in _LOCALE) if m), None)
    if m:
        value = m["v"]
        personal = bool(_PERSONAL.search(text))
        project = None if personal else _setting_project(msg, m.start(), m.end())
        return Admin(action="set_locale", project=project, name="me" if personal else None, value=_lang(value))
    return _add_member(msg)
