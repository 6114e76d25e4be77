"""Leave ("我下周一到周三请假", "OOO until Friday").

Fixed clock: Wednesday 2026-11-25 10:00 in Asia/Shanghai. Each row is a message as people type it and the
full JSON object ``pmo-bot parse`` must print for it (start and end are inclusive local dates).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES: list[tuple[str, dict[str, Any]]] = [
    ("我下周一到周三请假", {"intent": "leave", "start": "2026-11-30", "end": "2026-12-02"}),
    ("OOO until Friday", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-27"}),
    ("下周请假", {"intent": "leave", "start": "2026-11-30", "end": "2026-12-04"}),
    ("12月1日到12月3日请假", {"intent": "leave", "start": "2026-12-01", "end": "2026-12-03"}),
    ("on leave from Dec 1 to Dec 3", {"intent": "leave", "start": "2026-12-01", "end": "2026-12-03"}),
    ("明天请假", {"intent": "leave", "start": "2026-11-26", "end": "2026-11-26"}),
    ("今天请假", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-25"}),
    ("I'm out next week", {"intent": "leave", "start": "2026-11-30", "end": "2026-12-04"}),
    ("我周五休年假", {"intent": "leave", "start": "2026-11-27", "end": "2026-11-27"}),
    ("请假3天", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-27"}),
    ("明天起请假两天", {"intent": "leave", "start": "2026-11-26", "end": "2026-11-27"}),
    ("请假到下周二", {"intent": "leave", "start": "2026-11-25", "end": "2026-12-01"}),
    ("I will be off tomorrow", {"intent": "leave", "start": "2026-11-26", "end": "2026-11-26"}),
    ("annual leave Dec 28 - Dec 31", {"intent": "leave", "start": "2026-12-28", "end": "2026-12-31"}),
    ("on leave Monday to Wednesday", {"intent": "leave", "start": "2026-11-30", "end": "2026-12-02"}),
    ("明天请假一天", {"intent": "leave", "start": "2026-11-26", "end": "2026-11-26"}),  # was chatter before #7
    ("OOO", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-25"}),
]

NOT_LEAVE = [
    "新建任务 请假系统",
    "turn off the server tomorrow",
    "昨天：写代码 今天：请假 阻碍：无",
    "CRM-3 完成",
    "check out the report tomorrow",
    "我下午请假半天",  # part of a day: the standup still happens
    "I'm out tomorrow afternoon",
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_leave(text: str, expected: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == expected


@pytest.mark.parametrize("text", NOT_LEAVE)
def test_not_leave(text: str) -> None:
    assert parse(text, now=NOW).to_dict()["intent"] != "leave"
