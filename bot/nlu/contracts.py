"""Contracts, payments and acceptance in chat (issue 15), Chinese and English.

A contract is ``HT-3`` (合同 = HeTong), an acceptance ``YS-2`` (验收 = YanShou); both look like task keys, so this
grammar runs first and only claims messages that name one of them, or say 合同/contract, 验收/acceptance.
"""

from __future__ import annotations

import re

from .intents import (
    AcceptanceAction,
    AcceptanceStage,
    ContractQuery,
    Intent,
    Query,
    RecordPayment,
    SubmitAcceptance,
)
from .keys import PROJECT_TOKEN
from .message import Message
from .numbers import to_number


def _ht(n: str = "ht") -> str:
    return rf"(?<![A-Za-z0-9])HT\s*-?\s*(?P<{n}>\d{{1,9}})\b"


def _ys(n: str = "ys") -> str:
    return rf"(?<![A-Za-z0-9])YS\s*-?\s*(?P<{n}>\d{{1,9}})\b"


def _key(n: str) -> str:
    return rf"(?P<{n}>{PROJECT_TOKEN})"


_HT, _YS, _KEY = _ht(), _ys(), _key("key")
_ONLY_HT, _ONLY_YS = re.compile(rf"^{_HT}$", re.IGNORECASE), re.compile(rf"^{_YS}$", re.IGNORECASE)


def about(key: str) -> Intent:
    """What a question about a key asks to see: an acceptance (YS-n) its card, a contract (HT-n) its payment
    plan, anything else the task's card. "YS-1 通过了吗" shows YS-1; it neither signs it nor looks for a task."""
    if m := _ONLY_YS.match(key):
        return AcceptanceAction(action="show", acceptance=int(m["ys"]))
    if m := _ONLY_HT.match(key):
        return ContractQuery(action="plan", contract=f"HT-{int(m['ht'])}")
    return Query(query="task", task=key)
_ISO = re.compile(r"(?P<y>20\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?")
_URL = re.compile(r"https?://\S+")
_SPLIT = re.compile(r"[；;\n、]+|(?<!\d)[,，](?!\d)")

_CONTRACTS = re.compile(
    rf"^(?:{_key('k1')}\s*(?:的|项目)?\s*(?:合同|合同列表|有哪些合同)|(?:合同|合同列表)\s*{_key('k2')}|"
    rf"(?:list\s+|show\s+)?(?:the\s+)?contracts\s+(?:on|for|of|in)\s+{_key('k3')}|{_key('k4')}\s+contracts)"
    r"\s*[?？。.]?$",
    re.IGNORECASE)
_PLAN = re.compile(
    rf"^(?:{_ht('h1')}\s*(?:的)?\s*(?:付款计划|付款节点|付款情况|付款|回款计划)|"
    rf"(?:付款计划|付款节点)\s*{_ht('h2')}|"
    rf"(?:show\s+)?(?:the\s+)?payment\s*(?:plan|schedule)s?\s+(?:of\s+|for\s+|on\s+)?{_ht('h3')}|"
    rf"{_ht('h4')}\s+(?:payment\s*(?:plan|schedule)|payments))\s*[?？。.]?$",
    re.IGNORECASE)
_ACCEPTANCES = re.compile(
    rf"^(?:{_key('k1')}\s*(?:的)?\s*验收(?:记录|情况|列表)?|验收\s*{_key('k2')}|"
    rf"(?:list\s+|show\s+)?(?:the\s+)?acceptances?\s+(?:on|for|of|in)\s+{_key('k3')})\s*[?？。.]?$", re.IGNORECASE)
_PAID_ZH = re.compile(rf"^{_HT}\s*(?P<name>.+?)\s*(?:已付款|已支付|已付|付款了|已打款)\s*(?P<rest>.*)$", re.IGNORECASE)
_PAID_EN = re.compile(rf"^{_HT}\s*(?:mark\s+)?(?P<name>.+?)\s+(?:as\s+)?paid\b\s*(?P<rest>.*)$", re.IGNORECASE)
_AMOUNT = re.compile(r"(?:金额|amount)?\s*[¥￥]?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<u>万元|万|元|k|w|cny|rmb)?",
                     re.IGNORECASE)
_STAGE_ZH: dict[str, AcceptanceStage] = {"初验": "initial", "初步验收": "initial", "终验": "final", "最终验收": "final", "竣工验收": "final"}
_SUBMIT_ZH = re.compile(
    rf"^(?:请)?(?:提交|申请)\s*(?P<stage>初验|初步验收|终验|最终验收|竣工验收)\s*(?:{_HT}|{_KEY})?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
_SUBMIT_ZH2 = re.compile(
    rf"^(?:{_HT}|{_KEY})\s*(?:提交|申请)\s*(?P<stage>初验|初步验收|终验|最终验收|竣工验收)\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
_SUBMIT_EN = re.compile(
    rf"^submit\s+(?:{_HT}|{_KEY})\s+for\s+(?P<stage>preliminary|initial|final)\s+acceptance\b\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL)
_DELIVERABLES = re.compile(r"^[\s,，:：。]*(?:交付物|交付内容|deliverables?)?\s*(?:包括|有|are|is)?\s*[:：]?\s*",
                           re.IGNORECASE)
_TRIAL_MONTHS = re.compile(r"(?:试运行|trial(?:\s+run)?)\s*(?:期|for|of)?\s*(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,2})\s*"
                           r"(?:个月|months?)", re.IGNORECASE)
_TRIAL_UNTIL = re.compile(r"(?:试运行|trial(?:\s+run)?)\s*(?:至|到|截至|until|till|to|ends?)\s*", re.IGNORECASE)
_PASS = re.compile(rf"^(?:(?:签署)?(?:通过|同意|pass(?:ed)?|accept|sign\s*off)\s*{_YS}|{_ys('ys2')}\s*"
                   r"(?:验收)?\s*(?:签署)?(?:通过|同意|pass(?:ed)?|accepted|ok))\s*[。.!！]*$", re.IGNORECASE)
_FAIL = re.compile(rf"^(?:(?:不通过|驳回|fail(?:ed)?|reject)\s*{_YS}|{_ys('ys2')}\s*(?:验收)?\s*"
                   r"(?:不通过|未通过|驳回|fail(?:ed)?|rejected))\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_SHOW = re.compile(rf"^(?:show\s+|查看\s*)?{_YS}\s*(?:详情|状态|details?|status)?\s*[?？]?$", re.IGNORECASE)


def _iso(text: str) -> str | None:
    m = _ISO.search(text)
    if not m:
        return None
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _amount(text: str) -> float | None:
    """The money in what follows a "paid": the number that is not part of the date."""
    rest = _ISO.sub(" ", text)
    for m in _AMOUNT.finditer(rest):
        value = to_number(m["n"].replace(",", ""))
        if value is None:
            continue
        unit = (m["u"] or "").lower()
        return value * (10000 if unit in ("万", "万元", "w") else 1000 if unit == "k" else 1)
    return None


def items(text: str) -> list[str]:
    """A list as people write it in one message: lines, semicolons, 、 or commas."""
    return [part.strip(" \t-•*·。.") for part in _SPLIT.split(text) if part.strip(" \t-•*·。.")]


def _deliverables(text: str) -> list[dict[str, str]]:
    out = []
    for part in items(text):
        url = _URL.search(part)
        entry = {"text": part[: url.start()].strip(" :：") or part if url else part}
        if url:
            entry["url"] = url[0].rstrip("。.，,)）")
        out.append(entry)
    return out


deliverables = _deliverables  # a form's deliverables field reads as the message's list does


def _trial(text: str) -> tuple[str, int | None, str | None]:
    """Take "试运行3个月" / "trial until 2027-03-31" out of a submission's text."""
    m = _TRIAL_MONTHS.search(text)
    if m:
        n = to_number(m["n"])
        return text[: m.start()] + text[m.end():], int(n) if n else None, None
    m = _TRIAL_UNTIL.search(text)
    if m:
        day = _iso(text[m.end():])
        end = _ISO.search(text, m.end())
        if day and end is not None:
            return text[: m.start()] + text[end.end():], None, day
    return text, None, None


def parse_contracts(msg: Message) -> Intent | None:
    text = msg.text.strip()
    m = _CONTRACTS.match(text)
    if m:
        return ContractQuery(action="list", project=next(k for k in m.groups() if k).upper())
    m = _PLAN.match(text)
    if m:
        return ContractQuery(action="plan", contract="HT-" + next(g for g in m.groups() if g))
    m = _ACCEPTANCES.match(text)
    if m:
        return ContractQuery(action="acceptances", project=next(k for k in m.groups() if k).upper())
    for pattern in (_PAID_ZH, _PAID_EN):
        m = pattern.match(text)
        if m:
            name = re.sub(r"^(?:mark|把)\s+", "", m["name"], flags=re.IGNORECASE).strip(" ，,:：")
            return RecordPayment(contract=f"HT-{m['ht']}", payment=name or None, amount=_amount(m["rest"]),
                                 day=_iso(m["rest"]))
    for pattern in (_SUBMIT_ZH, _SUBMIT_ZH2, _SUBMIT_EN):
        m = pattern.match(text)
        if m:
            word = m["stage"].lower()
            stage: AcceptanceStage = _STAGE_ZH.get(word) or ("final" if word == "final" else "initial")
            rest, months, until = _trial(m["rest"])
            return SubmitAcceptance(stage=stage, project=m["key"].upper() if m["key"] else None,
                                    contract=f"HT-{m['ht']}" if m["ht"] else None,
                                    deliverables=_deliverables(_DELIVERABLES.sub("", rest, count=1)),
                                    trial_months=months, trial_end=until)
    m = _PASS.match(text)
    if m:
        return AcceptanceAction(action="pass", acceptance=int(m["ys"] or m["ys2"]))
    m = _FAIL.match(text)
    if m:
        rest = re.sub(r"^[\s,，:：]*(?:整改项|问题|原因|issues?|because)?\s*[:：]?\s*", "", m["rest"], flags=re.IGNORECASE)
        return AcceptanceAction(action="fail", acceptance=int(m["ys"] or m["ys2"]), issues=items(rest))
    m = _SHOW.match(text)
    if m:
        return AcceptanceAction(action="show", acceptance=int(m["ys"]))
    return None
