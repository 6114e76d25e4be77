"""Task updates: status, progress, reassignment, due-date moves.

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
    ('CRM-3 done', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 完成了', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('开始 CRM-5', {'task': 'CRM-5', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-5 进行中', {'task': 'CRM-5', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('ERP-2 差不多一半了', {'task': 'ERP-2', 'status': None, 'progress': 50, 'assignees': None, 'due': None}),
    ('CRM-3 80%', {'task': 'CRM-3', 'status': None, 'progress': 80, 'assignees': None, 'due': None}),
    ('CRM-4 blocked', {'task': 'CRM-4', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('reopen CRM-3', {'task': 'CRM-3', 'status': 'todo', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 改给 @李四', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['李四'], 'due': None}),
    ('assign CRM-3 to @bob', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['bob'], 'due': None}),
    ('CRM-3 截止改到下周一', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-30'}),
    ('move CRM-3 due to Dec 20', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-20'}),
    ('CRM-7 已完成', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 搞定了', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 做完了', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 finished', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 is done', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('mark CRM-7 as done', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('close CRM-7', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 completed ✅', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-7 ✅', {'task': 'CRM-7', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-8 开始做了', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-8 started', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('start CRM-8', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('working on CRM-8', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-8 in progress', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-8 wip', {'task': 'CRM-8', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-9 卡住了，等供应商接口', {'task': 'CRM-9', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-9 阻塞', {'task': 'CRM-9', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-9 stuck on vendor API', {'task': 'CRM-9', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-9 on hold', {'task': 'CRM-9', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-10 完成了80%', {'task': 'CRM-10', 'status': None, 'progress': 80, 'assignees': None, 'due': None}),
    ('CRM-10 进度 60%', {'task': 'CRM-10', 'status': None, 'progress': 60, 'assignees': None, 'due': None}),
    ('CRM-10 progress 30%', {'task': 'CRM-10', 'status': None, 'progress': 30, 'assignees': None, 'due': None}),
    ('CRM-10 done 70%', {'task': 'CRM-10', 'status': None, 'progress': 70, 'assignees': None, 'due': None}),
    ('CRM-10 快完成了', {'task': 'CRM-10', 'status': None, 'progress': 90, 'assignees': None, 'due': None}),
    ('CRM-10 halfway', {'task': 'CRM-10', 'status': None, 'progress': 50, 'assignees': None, 'due': None}),
    ('CRM-10 进度百分之四十', {'task': 'CRM-10', 'status': None, 'progress': 40, 'assignees': None, 'due': None}),
    ('CRM-11 重新打开', {'task': 'CRM-11', 'status': 'todo', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-11 reopened', {'task': 'CRM-11', 'status': 'todo', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-11 转给 @王五', {'task': 'CRM-11', 'status': None, 'progress': None, 'assignees': ['王五'], 'due': None}),
    ('reassign CRM-11 to @carol', {'task': 'CRM-11', 'status': None, 'progress': None, 'assignees': ['carol'], 'due': None}),
    ('CRM-11 交给<@U999>', {'task': 'CRM-11', 'status': None, 'progress': None, 'assignees': ['U999'], 'due': None}),
    ('CRM-11 由@李四负责', {'task': 'CRM-11', 'status': None, 'progress': None, 'assignees': ['李四'], 'due': None}),
    ('CRM-12 due Friday', {'task': 'CRM-12', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-27'}),
    ('CRM-12 deadline 改成 12月10日', {'task': 'CRM-12', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-10'}),
    ('CRM-12 截止日期调整为下周三', {'task': 'CRM-12', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-02'}),
    ('CRM-12 改到周五', {'task': 'CRM-12', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-27'}),
    ('push CRM-12 due date to next Monday', {'task': 'CRM-12', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-30'}),
    ('CRM-12 100%', {'task': 'CRM-12', 'status': None, 'progress': 100, 'assignees': None, 'due': None}),
    ('ＣＲＭ－３\u3000完成了', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 完成了🎉🎉', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('   CRM-3     done   ', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('<@UBOT> CRM-3 done', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('crm-3 DONE', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3完成', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 已经搞定', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 开工了', {'task': 'CRM-3', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 被阻塞了，等甲方确认', {'task': 'CRM-3', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-5 完成一半', {'task': 'CRM-5', 'status': None, 'progress': 50, 'assignees': None, 'due': None}),
    ('CRM-5 进度50%', {'task': 'CRM-5', 'status': None, 'progress': 50, 'assignees': None, 'due': None}),
    ('CRM-5 七成了', {'task': 'CRM-5', 'status': None, 'progress': 70, 'assignees': None, 'due': None}),
    ('CRM-5 is 75% done', {'task': 'CRM-5', 'status': None, 'progress': 75, 'assignees': None, 'due': None}),
    ('CRM-5 改由@王五负责', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': ['王五'], 'due': None}),
    ('CRM-5 负责人改成 @王五', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': ['王五'], 'due': None}),
    ('CRM-5 延到下周一', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-30'}),
    ('CRM-5 提前到周三', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-25'}),
    ('CRM-5 due date 12/1', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-01'}),
    ('set CRM-5 due to Friday', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-27'}),
    ('CRM-5 ddl 下周五', {'task': 'CRM-5', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-04'}),
    ('CRM-3 完工', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 closed', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 resolved', {'task': 'CRM-3', 'status': 'done', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 进行中了', {'task': 'CRM-3', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 start working', {'task': 'CRM-3', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 开发中', {'task': 'CRM-3', 'status': 'in_progress', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 blocked by vendor', {'task': 'CRM-3', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 暂停', {'task': 'CRM-3', 'status': 'blocked', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 back to todo', {'task': 'CRM-3', 'status': 'todo', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 打回重做', {'task': 'CRM-3', 'status': 'todo', 'progress': None, 'assignees': None, 'due': None}),
    ('CRM-3 完成度 30%', {'task': 'CRM-3', 'status': None, 'progress': 30, 'assignees': None, 'due': None}),
    ('CRM-3 30% done', {'task': 'CRM-3', 'status': None, 'progress': 30, 'assignees': None, 'due': None}),
    ('CRM-3 差不多完成一半', {'task': 'CRM-3', 'status': None, 'progress': 50, 'assignees': None, 'due': None}),
    ('CRM-3 三分之一', {'task': 'CRM-3', 'status': None, 'progress': 33, 'assignees': None, 'due': None}),
    ('CRM-3 assign to @dave', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['dave'], 'due': None}),
    ('CRM-3 @dave', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['dave'], 'due': None}),
    ('CRM-3 给 @王五', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['王五'], 'due': None}),
    ('把 CRM-3 转给 @王五', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': ['王五'], 'due': None}),
    ('CRM-3 截止时间改成 12月5日 下午5点', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-05T17:00'}),
    ('CRM-3 due tomorrow 5pm', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-26T17:00'}),
    ('CRM-3 deadline next Wednesday', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-12-02'}),
    ('CRM-3 截止 周五', {'task': 'CRM-3', 'status': None, 'progress': None, 'assignees': None, 'due': '2026-11-27'}),
    # QA issue 3: out-of-range progress is reported as said (the bot refuses: progress must be 0-100).
    ('CRM-1 进度 -10%', {'task': 'CRM-1', 'status': None, 'progress': -10, 'assignees': None, 'due': None}),
    ('CRM-1 进度 150%', {'task': 'CRM-1', 'status': None, 'progress': 150, 'assignees': None, 'due': None}),
    ('CRM-1 progress 150%', {'task': 'CRM-1', 'status': None, 'progress': 150, 'assignees': None, 'due': None}),
    ('CRM-3 -10%', {'task': 'CRM-3', 'status': None, 'progress': -10, 'assignees': None, 'due': None}),
    ('CRM-3 进度 0%', {'task': 'CRM-3', 'status': None, 'progress': 0, 'assignees': None, 'due': None}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_update_task(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "update_task", **fields}
