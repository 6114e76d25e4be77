"""Change requests after they are asked: approve, reject (with a reason), withdraw, show one, list a project's.

A request is named ``CR-12`` (also ``CR12``, ``#12``, "变更12", "change 12"); these grammars run before the task
grammars because ``CR-12`` also looks like a task key. The figures a request asks for (money, people, a delay)
are read by the small functions at the end, which the change-request handler calls on the request's summary.
"""

from __future__ import annotations

import re

from .intents import ChangeAction, ChangeVerb, DelayUnit
from .keys import PROJECT_TOKEN, is_project_key
from .message import Message
from .numbers import NUM_RE, to_number


def _ref(name: str = "n") -> str:
    return (r"(?:\bCR\s*-?\s*|#|变更(?:申请|请求)?\s*(?:单|号)?\s*#?|\bchange(?:\s+request)?\s*#?)"
            rf"(?P<{name}>\d{{1,9}})\b")


_REF = _ref()
_APPROVE = re.compile(
    r"^(?:请|我)?\s*(?:批准|同意|通过|审批通过|批了|approve[sd]?|accept(?:ed)?|lgtm|ok)\s*(?:了)?\s*" + _REF
    + r"|^" + _ref("m") + r"\s*(?:[:：,，]\s*)?(?:批准|同意|通过|可以|approved?|accepted|lgtm)\s*[。.!！]*$",
    re.IGNORECASE)
_REJECT = re.compile(
    r"^(?:请|我)?\s*(?:驳回|拒绝|否决|不同意|不批准|打回|reject(?:ed|s)?|decline[ds]?|deny|denied)\s*(?:了)?\s*" + _REF
    + r"|^" + _ref("m") + r"\s*(?:[:：,，]\s*)?(?:驳回|拒绝|不同意|不批准|rejected|reject|declined|denied)",
    re.IGNORECASE)
_WITHDRAW = re.compile(
    r"^(?:请|我)?\s*(?:撤回|撤销|收回|取消|withdraw[ns]?|cancel(?:led)?|retract)\s*(?:我的)?\s*" + _REF
    + r"|^" + _ref("m") + r"\s*(?:[:：,，]\s*)?(?:撤回|撤销|取消|withdrawn?|cancel)",
    re.IGNORECASE)
_SHOW = re.compile(r"^(?:show|view|查看|看看|看下|看一下)?\s*" + _REF
                   + r"\s*(?:的)?\s*(?:详情|状态|进度|怎么样了|到哪了|details?|status)?\s*[?？]?\s*$",
                   re.IGNORECASE)
_REASON = re.compile(r"(?:原因|理由)\s*(?:是|为|[:：])?|因为|由于|\bbecause(?:\s+of)?\b|\breason\s*[:：]?|"
                     r"\bsince\b|\bdue\s+to\b|[:：,，;；]", re.IGNORECASE)
_LIST = re.compile(
    r"变更(?:记录|列表|清单|历史|申请列表|情况)|(?:所有|全部|待审批的?|待批的?)变更(?:申请)?|待(?:我)?审批|"
    r"\b(?:list|show|all|pending)\s+(?:the\s+)?(?:change\s+requests|changes|crs)\b|"
    r"\b(?:change\s+requests|changes|change\s+log|crs)\s+(?:on|for|in|of)\b|\bchange\s*log\b|"
    r"^(?:change\s+requests|changes|crs)\s*[?？]?$|\bwhat\s+waits\s+on\s+me\b|\bawaiting\s+my\s+approval\b",
    re.IGNORECASE)
_MINE = re.compile(r"待我审批|待我|\bwaits\s+on\s+me\b|\bawaiting\s+my\b|\bmy\s+approvals?\b", re.IGNORECASE)
_LIST_PROJECT = re.compile(
    rf"(?:项目|project|on|for|in|of)\s*(?P<a>{PROJECT_TOKEN})(?![A-Za-z0-9\-])|"
    rf"^(?P<b>{PROJECT_TOKEN})(?=\s*(?:的|项目|project|\s)\s*)|(?<![A-Za-z0-9\-])(?P<c>(?-i:[A-Z][A-Z0-9]{{1,9}}))(?![A-Za-z0-9\-])",
    re.IGNORECASE)
_NOT_KEYS = frozenset({"CR", "CRS", "THE", "ALL", "LIST", "SHOW", "PENDING", "CHANGES", "CHANGE", "LOG", "MY",
                       "ON", "FOR", "IN", "OF", "WHAT", "WAITS", "ME", "REQUESTS"})


def _reason(text: str, start: int) -> str | None:
    rest = text[start:]
    m = _REASON.search(rest)
    if m and not rest[: m.start()].strip(" ，,。."):
        rest = rest[m.end():]
    return rest.strip(" ，,。.:：;；") or None


def parse_change_action(msg: Message) -> ChangeAction | None:
    text = msg.text.strip()
    verdicts: tuple[tuple[ChangeVerb, re.Pattern[str]], ...] = (
        ("approve", _APPROVE), ("reject", _REJECT), ("withdraw", _WITHDRAW))
    for verdict, pattern in verdicts:
        m = pattern.search(text)
        if m:
            number = int(m["n"] or m["m"])
            reason = _reason(text, m.end())  # an approval may carry a comment ("批准 CR-2，注意预算")
            return ChangeAction(action=verdict, change=number, reason=reason)
    m = _SHOW.match(text)
    if m:
        return ChangeAction(action="show", change=int(m["n"]))
    m = _LIST.search(text)
    if m and not msg.tasks:
        project = None
        for pm in _LIST_PROJECT.finditer(text):
            token = pm["a"] or pm["b"] or pm["c"]
            if token and token.upper() not in _NOT_KEYS and is_project_key(token):
                project = token.upper()
                break
        return ChangeAction(action="mine" if _MINE.search(text) else "list", project=project)
    return None


# ---- figures inside a request ("追加预算5万", "加2个测试", "延期3天") ---------------------------------------

_MONEY = re.compile(
    rf"(?:[¥￥$]\s*)?(?P<n>\d[\d,]*(?:\.\d+)?|{NUM_RE})\s*(?P<u>万元|万|w|千元|千|k|元|块|rmb|yuan|cny|usd|dollars?)?",
    re.IGNORECASE)
_MONEY_CONTEXT = re.compile(r"预算|费用|成本|经费|资金|元|万|[¥￥$]|\bbudget\b|\bcost\b|\bfunding\b|\brmb\b|\byuan\b",
                            re.IGNORECASE)
_PEOPLE = re.compile(
    rf"(?P<n>\d+|{NUM_RE}|another|an?|one|two|three|four|five)\s*(?:个|名|位)?\s*(?:more\s+|extra\s+|additional\s+)?"
    r"(?:测试|开发|前端|后端|运维|设计|实施|工程师|人员|人手|同事|人|developers?|engineers?|testers?|people|persons?|staff|"
    r"designers?|hands)",
    re.IGNORECASE)
_DELAY = re.compile(
    rf"(?:延期|推迟|延后|顺延|推后|后推|晚|往后推|宽限|postpone\w*|delay\w*|push\w*\s+(?:it\s+)?(?:back|out)|"
    rf"slip\w*|extend\w*|push\w*(?:\s+(?:it|[A-Za-z][A-Za-z0-9]{{1,9}}-\d{{1,9}}))?)\s*(?:by\s+)?(?P<n>\d+|{NUM_RE}|a|one|two|three|four|five)\s*(?:个)?\s*"
    r"(?P<u>工作日|working\s+days?|business\s+days?|天|日|周|星期|礼拜|days?|weeks?)",
    re.IGNORECASE)
def _num(token: str) -> float | None:
    """A count or amount as written ("2", "两", "two", "another", "20,000"): numbers.to_number, plus "another"."""
    return 1.0 if token.lower() == "another" else to_number(token.replace(",", ""))


def money_in(text: str) -> float | None:
    """The amount of money a request asks for ("追加预算5万" -> 50000, "budget +20k" -> 20000)."""
    if not _MONEY_CONTEXT.search(text):
        return None
    best: float | None = None
    for m in _MONEY.finditer(text):
        value = _num(m["n"])
        unit = (m["u"] or "").lower()
        if value is None or (not unit and "¥" not in m[0] and "$" not in m[0] and "￥" not in m[0] and value < 100):
            continue
        value *= {"万元": 10000, "万": 10000, "w": 10000, "千元": 1000, "千": 1000, "k": 1000}.get(unit, 1)
        best = value if best is None else max(best, value)
    return best


def people_in(text: str) -> int | None:
    """How many extra people a request asks for ("加2个测试" -> 2, "another developer" -> 1)."""
    m = _PEOPLE.search(text)
    if not m:
        return None
    value = _num(m["n"])
    return int(value) if value and value >= 1 else None


def delay_in(text: str) -> tuple[int, DelayUnit] | None:
    """A slip by an amount ("延期3天" -> (3, "days"), "delay by 2 working days" -> (2, "workdays"))."""
    m = _DELAY.search(text)
    if not m:
        return None
    value = _num(m["n"])
    if not value or value < 1:
        return None
    unit = m["u"].lower()
    if unit.startswith(("工作日", "working", "business")):
        return int(value), "workdays"
    if unit.startswith(("周", "星期", "礼拜", "week")):
        return int(value) * 7, "days"
    return int(value), "days"
