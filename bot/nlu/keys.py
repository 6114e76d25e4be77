"""Task keys (``CRM-12``), project keys (``CRM``) and priorities.

Lookarounds are ASCII-only on purpose: in "在CRM-2上" the CJK neighbours count as word
characters for ``\\b``, which would hide the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KeySpan:
    start: int
    end: int
    key: str


TASK_RE = re.compile(r"(?<![A-Za-z0-9_\-])(?P<p>[A-Za-z][A-Za-z0-9]{1,9})-(?P<n>\d{1,6})(?![A-Za-z0-9_]|\.\d|-\d)")
# Prefixes that look like keys but are version or standard names ("UTF-8", "COVID-19").
_NOT_PROJECTS = frozenset({"UTF", "COVID", "ISO", "SHA", "MD", "GPT", "TLS", "SSL", "HTTP", "IPV", "WIN",
                           "RFC", "PY", "ES", "IE", "CVE", "MP", "AES", "RSA", "GB", "NO", "TOP", "PHASE",
                           "V", "VER", "VERSION", "STEP", "ROUND", "DAY", "WEEK", "Q", "RC", "BETA", "ALPHA"})

PROJECT_TOKEN = r"[A-Za-z][A-Za-z0-9]{1,9}"
BRACKET_PROJECT_RE = re.compile(r"\[\s*(?P<p>[A-Za-z][A-Za-z0-9]{1,9})\s*\]")


def find_tasks(text: str) -> list[KeySpan]:
    out = []
    for m in TASK_RE.finditer(text):
        prefix = m["p"].upper()
        if prefix in _NOT_PROJECTS:
            continue
        out.append(KeySpan(m.start(), m.end(), f"{prefix}-{int(m['n'])}"))
    return out


def is_project_key(token: str) -> bool:
    return bool(re.fullmatch(PROJECT_TOKEN, token)) and token.upper() not in _NOT_PROJECTS


_PRIORITY_RE = re.compile(
    r"(?P<p0>\bp0\b|紧急|加急|特急|十万火急|最高优先级?|\burgent\b|\basap\b|\bcritical\b|\bblocker\b|"
    r"\bhighest\s+priority\b)"
    r"|(?P<p1>\bp1\b|高优先级|高优|优先级\s*[:：]?\s*高|重要|\bhigh(?:\s+pri(?:ority|o)?)?\b|"
    r"\bpri(?:ority|o)?\s*[:=]?\s*high\b|\bimportant\b)"
    r"|(?P<p2>\bp2\b|中优先级|中优|优先级\s*[:：]?\s*中|普通优先级|\bnormal(?:\s+pri(?:ority|o)?)?\b|"
    r"\bmedium(?:\s+pri(?:ority|o)?)?\b|\bpri(?:ority|o)?\s*[:=]?\s*(?:normal|medium)\b)"
    r"|(?P<p3>\bp3\b|低优先级|低优|优先级\s*[:：]?\s*低|不急|不着急|\blow(?:\s+pri(?:ority|o)?)?\b|"
    r"\bpri(?:ority|o)?\s*[:=]?\s*low\b)",
    re.IGNORECASE,
)
# English adjectives only count as priorities when they stand alone, not inside a title
# ("fix high CPU usage" is not P1): followed by "priority", or set off by punctuation/end.
_WEAK = re.compile(r"^(?:high|normal|medium|low|important|critical|blocker)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PrioritySpan:
    start: int
    end: int
    priority: str


def find_priority(text: str) -> PrioritySpan | None:
    for m in _PRIORITY_RE.finditer(text):
        word = m[0]
        if _WEAK.match(word):
            before = text[: m.start()].rstrip()
            after = text[m.end():].lstrip()
            alone_after = not after or after[0] in ",;.!)]/|\n" or after.lower().startswith(("p", "est"))
            alone_before = not before or before[-1] in ",;:([/|\n" or before.lower().endswith(("priority", "prio"))
            if not (alone_after or alone_before):
                continue
        level = next(k for k in ("p0", "p1", "p2", "p3") if m[k])
        return PrioritySpan(m.start(), m.end(), level.upper())
    return None
