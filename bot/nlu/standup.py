"""Daily stand-up reports: "昨天：… 今天：… 阻碍：…" / "Yesterday: … Today: … Blockers: …"."""

from __future__ import annotations

import re

from .intents import Standup
from .message import Message

_Y = r"昨天|昨日|yesterday|yday|y"
_T = r"今天|今日|today|t"
_B = r"阻碍|阻塞|障碍|困难|问题|风险|卡点|需要帮助|blockers?|blocked|blocking|impediments?|issues|risks?|b"
_LABEL = re.compile(
    rf"(?:^|(?<=[\s,;.。、\n]))(?:(?P<y>{_Y})|(?P<t>{_T})|(?P<b>{_B}))\s*(?:做了|完成了|计划|要做|打算)?\s*:",
    re.IGNORECASE,
)
_HEADER = re.compile(r"^[【\[(（#]?\s*(?:daily\s+)?(?:standup|stand-up|scrum|站会|日报|每日站会|晨会|今日站会)\s*"
                     r"(?:update|report|汇报)?\s*[】\])）]?\s*[:\-：]?\s*", re.IGNORECASE)
# A blocker said without a colon: "Blocked on the API keys", "卡在接口权限上".
_BLOCKED_ON = re.compile(r"(?:^|(?<=[\s,;.。、\n]))(?:blocked\s+(?:on|by)|blockers?\s+(?:is|are)|waiting\s+on|"
                         r"卡在|阻塞在|受阻于)\s*", re.IGNORECASE)
# The colon-less Chinese form: "昨天完成了接口联调，今天写测试，没有阻碍".
_ZH_Y = re.compile(r"(?:^|(?<=[\s,;.。\n]))(?:昨天|昨日|yesterday(?![A-Za-z]))\s*(?=\S)", re.IGNORECASE)
_ZH_T = re.compile(r"(?:^|(?<=[\s,;.。\n]))(?:今天|今日|today(?![A-Za-z]))\s*(?=\S)", re.IGNORECASE)
_ZH_B = re.compile(r"(?:^|(?<=[\s,;.。\n]))(?:没有?(?:任何)?(?:阻碍|阻塞|障碍|问题|风险|困难)|无(?:阻碍|阻塞|障碍)|"
                   r"(?:阻碍|阻塞|卡点|困难)(?:是|在于|:)?)")
_NONE = re.compile(r"^(?:无|没有|没|暂无|暂时没有|暂时无|无阻碍|没有阻碍|无阻塞|nothing|none|no|nope|n/?a|nil|-+|"
                   r"no blockers?|0|—|没有问题|无问题|没问题|ok|nothing blocking)$", re.IGNORECASE)
_SPLIT_BLOCKERS = re.compile(r"\s*(?:[;、\n]|\s\d+[.)]\s)\s*")
_TRIM = " \t\n,;.。、:"


def _blockers(text: str | None) -> list[str]:
    if not text:
        return []
    items = [b.strip(_TRIM) for b in _SPLIT_BLOCKERS.split(text)]
    return [b for b in items if b and not _NONE.match(b)]


def _sections(text: str, marks: list[tuple[str, int, int]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, (kind, _s, e) in enumerate(marks):
        stop = marks[i + 1][1] if i + 1 < len(marks) else len(text)
        value = text[e:stop].strip(_TRIM)
        if kind not in out:
            out[kind] = value
    return out


def parse_standup(msg: Message) -> Standup | None:
    header = _HEADER.match(msg.text)
    text = msg.text[header.end():] if header else msg.text
    marks = []
    for m in _LABEL.finditer(text):
        kind = "y" if m["y"] else "t" if m["t"] else "b"
        label = m[kind]
        # One-letter labels ("Y:") count only at a line or message start.
        if len(label) == 1 and m.start() > 0 and text[m.start() - 1] != "\n" and not _LABEL.match(text):
            continue
        marks.append((kind, m.start(), m.end()))
    if marks and not any(k == "b" for k, _s, _e in marks):
        marks += [("b", b.start(), b.end()) for b in _BLOCKED_ON.finditer(text) if b.start() > marks[-1][1]][:1]
    kinds = {k for k, _s, _e in marks}
    if ("y" in kinds and "t" in kinds) or (header and kinds):
        sec = _sections(text, marks)
        return Standup(yesterday=sec.get("y") or None, today=sec.get("t") or None,
                       blockers=_blockers(sec.get("b")))
    if msg.hours() or (msg.tasks and not header):
        return None
    y, t = _ZH_Y.search(text), _ZH_T.search(text)
    if y and t and y.start() < t.start():
        b = _ZH_B.search(text, t.end()) or _BLOCKED_ON.search(text, t.end())
        zmarks = [("y", y.start(), y.end()), ("t", t.start(), t.end())]
        if b:
            zmarks.append(("b", b.start(), b.end()))
        sec = _sections(text, zmarks)
        blockers = [] if b is None or b[0].startswith(("没", "无")) else _blockers(sec.get("b"))
        return Standup(yesterday=sec.get("y") or None, today=sec.get("t") or None, blockers=blockers)
    return None
