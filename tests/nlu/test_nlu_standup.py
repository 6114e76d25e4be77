"""Stand-up reports.

Fixed clock: Wednesday 2026-11-25 10:00 in Asia/Shanghai. Each row is a message as people
type it and the full JSON object ``pmo-bot parse`` must print for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES: list[tuple[str, dict[str, Any]]] = [
    ('昨天：完成接口联调 今天：写测试 阻碍：无', {'yesterday': '完成接口联调', 'today': '写测试', 'blockers': []}),
    ('Yesterday: fixed login. Today: export. Blockers: waiting on vendor API (CRM-5)', {'yesterday': 'fixed login', 'today': 'export', 'blockers': ['waiting on vendor API (CRM-5)']}),
    ('站会 昨天：修复登录 今天：开发导出 阻碍：等待供应商接口', {'yesterday': '修复登录', 'today': '开发导出', 'blockers': ['等待供应商接口']}),
    ('昨天: 完成CRM-3; 今天: CRM-4 联调; 阻碍: 无', {'yesterday': '完成CRM-3', 'today': 'CRM-4 联调', 'blockers': []}),
    ('Y: login fix T: export B: none', {'yesterday': 'login fix', 'today': 'export', 'blockers': []}),
    ('昨天完成了接口联调，今天写单元测试，没有阻碍', {'yesterday': '完成了接口联调', 'today': '写单元测试', 'blockers': []}),
    ('standup: yesterday wrote tests, today deploy', {'yesterday': 'wrote tests', 'today': 'deploy', 'blockers': []}),
    ('昨日：修bug 今日：联调 问题：无', {'yesterday': '修bug', 'today': '联调', 'blockers': []}),
    ('站会：昨天 完成登录页；今天 做导出；阻碍 无', {'yesterday': '完成登录页', 'today': '做导出', 'blockers': []}),
    ('昨天做了接口联调，今天继续写测试，没有阻碍', {'yesterday': '做了接口联调', 'today': '继续写测试', 'blockers': []}),
    ('Y: fixed bugs; T: testing; B: waiting for test env', {'yesterday': 'fixed bugs', 'today': 'testing', 'blockers': ['waiting for test env']}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_standup(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "standup", **fields}
