"""Help requests.

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
    ('help', {'topic': None}),
    ('帮助', {'topic': None}),
    ('怎么用', {'topic': None}),
    ('?', {'topic': None}),
    ('help log', {'topic': 'log_hours'}),
    ('帮助 工时', {'topic': 'log_hours'}),
    ('怎么记工时', {'topic': 'log_hours'}),
    ('how do I log hours', {'topic': 'log_hours'}),
    ('help me', {'topic': None}),
    ('你能做什么', {'topic': None}),
    ('/help', {'topic': None}),
    ('help?', {'topic': None}),
    ('帮助一下', {'topic': None}),
    ('使用帮助', {'topic': None}),
    ('怎么创建任务', {'topic': 'create_task'}),
    ('how do I create a task', {'topic': 'create_task'}),
    ('what can you do', {'topic': None}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_help(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "help", **fields}
