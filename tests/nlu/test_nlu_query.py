"""Questions: my tasks, project status, overdue, hours, one task.

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
    ('我的任务', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('my tasks', {'query': 'my_tasks', 'task': None, 'project': None}),
    ("what's on my plate", {'query': 'my_tasks', 'task': None, 'project': None}),
    ('CRM 进度', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('CRM状态', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('status CRM', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('项目状态', {'query': 'project_status', 'task': None, 'project': None}),
    ('逾期任务', {'query': 'overdue', 'task': None, 'project': None}),
    ('overdue', {'query': 'overdue', 'task': None, 'project': None}),
    ('哪些任务延期了', {'query': 'overdue', 'task': None, 'project': None}),
    ('我这周工时', {'query': 'hours', 'task': None, 'project': None}),
    ('my hours this week', {'query': 'hours', 'task': None, 'project': None}),
    ('how many hours did I log', {'query': 'hours', 'task': None, 'project': None}),
    ('CRM-12 详情', {'query': 'task', 'task': 'CRM-12', 'project': None}),
    ('CRM-12?', {'query': 'task', 'task': 'CRM-12', 'project': None}),
    ('show CRM-12', {'query': 'task', 'task': 'CRM-12', 'project': None}),
    ('CRM-12 怎么样了', {'query': 'task', 'task': 'CRM-12', 'project': None}),
    ('我有哪些任务', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('我手上还有什么活', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('我今天要做什么', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('show my tasks', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('what am I working on', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('list my open tasks', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('CRM项目进度怎么样', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('OA 状态', {'query': 'project_status', 'task': None, 'project': 'OA'}),
    ('how is CRM going', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('project status', {'query': 'project_status', 'task': None, 'project': None}),
    ('CRM 的情况', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('进度', {'query': 'project_status', 'task': None, 'project': None}),
    ('逾期了哪些', {'query': 'overdue', 'task': None, 'project': None}),
    ('有哪些逾期任务', {'query': 'overdue', 'task': None, 'project': None}),
    ('CRM 逾期任务', {'query': 'overdue', 'task': None, 'project': 'CRM'}),
    ("what's overdue", {'query': 'overdue', 'task': None, 'project': None}),
    ('show overdue tasks in OA', {'query': 'overdue', 'task': None, 'project': 'OA'}),
    ('我本月工时', {'query': 'hours', 'task': None, 'project': None}),
    ('这周我报了多少工时', {'query': 'hours', 'task': None, 'project': None}),
    ('how many hours this week', {'query': 'hours', 'task': None, 'project': None}),
    ('show my timesheet', {'query': 'hours', 'task': None, 'project': None}),
    ('我的工时', {'query': 'hours', 'task': None, 'project': None}),
    ('CRM-3 进度如何', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('CRM-3 什么情况', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ("what's the status of CRM-3", {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('CRM-3 完成了吗', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('CRM-3', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('details CRM-3', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('CRM-3 done?', {'query': 'task', 'task': 'CRM-3', 'project': None}),
    ('我的待办', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('我还有哪些任务没做', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('tasks assigned to me', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('what do I have today', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('my todo list', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('OA项目状态', {'query': 'project_status', 'task': None, 'project': 'OA'}),
    ('OA进度如何', {'query': 'project_status', 'task': None, 'project': 'OA'}),
    ('status of OA', {'query': 'project_status', 'task': None, 'project': 'OA'}),
    ('项目进度', {'query': 'project_status', 'task': None, 'project': None}),
    ('CRM 项目情况怎么样', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ("how's the OA project going", {'query': 'project_status', 'task': None, 'project': 'OA'}),
    ('overdue tasks', {'query': 'overdue', 'task': None, 'project': None}),
    ('有没有逾期的任务', {'query': 'overdue', 'task': None, 'project': None}),
    ('OA 有哪些任务逾期了', {'query': 'overdue', 'task': None, 'project': 'OA'}),
    ("what's late in CRM", {'query': 'overdue', 'task': None, 'project': 'CRM'}),
    ('本周工时', {'query': 'hours', 'task': None, 'project': None}),
    ('我昨天记了多少工时', {'query': 'hours', 'task': None, 'project': None}),
    ('my hours', {'query': 'hours', 'task': None, 'project': None}),
    ('how many hours did I log this week', {'query': 'hours', 'task': None, 'project': None}),
    ('工时统计', {'query': 'hours', 'task': None, 'project': None}),
    ('OA-3 详情', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ('OA-3 现在什么状态', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ('show me OA-3', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ('OA-3 到哪一步了', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ('OA-3 怎么样', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ('OA-3 status?', {'query': 'task', 'task': 'OA-3', 'project': None}),
    ("what's on my plate today", {'query': 'my_tasks', 'task': None, 'project': None}),
    ('我的任务列表', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('我有什么任务', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('todo list', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('my open tasks', {'query': 'my_tasks', 'task': None, 'project': None}),
    ('CRM overview', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('CRM怎么样了', {'query': 'project_status', 'task': None, 'project': 'CRM'}),
    ('项目整体进度', {'query': 'project_status', 'task': None, 'project': None}),
    ('overdue?', {'query': 'overdue', 'task': None, 'project': None}),
    ('有延期的任务吗', {'query': 'overdue', 'task': None, 'project': None}),
    ('延期任务', {'query': 'overdue', 'task': None, 'project': None}),
    ('overdue tasks for CRM', {'query': 'overdue', 'task': None, 'project': 'CRM'}),
    ('hours this week', {'query': 'hours', 'task': None, 'project': None}),
    ('本周我的工时', {'query': 'hours', 'task': None, 'project': None}),
    ('我这个月工时多少', {'query': 'hours', 'task': None, 'project': None}),
    ('how many hours have I logged', {'query': 'hours', 'task': None, 'project': None}),
    ('CRM-7 怎么样了？', {'query': 'task', 'task': 'CRM-7', 'project': None}),
    ('CRM-7 进展如何', {'query': 'task', 'task': 'CRM-7', 'project': None}),
    ('what about CRM-7', {'query': 'task', 'task': 'CRM-7', 'project': None}),
    ('CRM-7 详情', {'query': 'task', 'task': 'CRM-7', 'project': None}),
    ('tell me about CRM-7', {'query': 'task', 'task': 'CRM-7', 'project': None}),
    # QA issue 3: a task's history is a task query, not a change request.
    ('CRM-1 history', {'query': 'task', 'task': 'CRM-1', 'project': None}),
    ('CRM-1 历史', {'query': 'task', 'task': 'CRM-1', 'project': None}),
    ('CRM-1 变更记录', {'query': 'task', 'task': 'CRM-1', 'project': None}),
    ('show CRM-1 history', {'query': 'task', 'task': 'CRM-1', 'project': None}),
    # Last week's hours: an hours query; the period fields are checked in test_nlu_questions.py.
    ('上周工时', {'query': 'hours', 'task': None, 'project': None}),
    ('my hours last week', {'query': 'hours', 'task': None, 'project': None}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_query(text: str, fields: dict[str, Any]) -> None:
    got = parse(text, now=NOW).to_dict()
    # Hours questions add what was asked (period, person, team) to the contract's fields.
    extra = set(got) - {"intent", *fields} if fields["query"] == "hours" else set()
    assert {k: v for k, v in got.items() if k not in extra} == {"intent": "query", **fields}
