"""The write gate and its cues (issue 13): what each message becomes, as `pmo-bot parse` prints it.

Fixed clock: Wednesday 2026-11-25 10:00 in Asia/Shanghai.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES: list[tuple[str, dict[str, Any]]] = [
    # questions: a query reading, else "unanswered"; never a write
    ("bob 请假了吗", {"intent": "leave_action", "action": "show", "person": "bob", "start": None, "end": None}),
    ("我的请假", {"intent": "leave_action", "action": "show", "person": None, "start": None, "end": None}),
    ("CRM-3 完成了吗", {"intent": "query", "query": "task", "task": "CRM-3", "project": None}),
    ("is CRM-3 done?", {"intent": "query", "query": "task", "task": "CRM-3", "project": None}),
    ("谁负责 CRM-2", {"intent": "query", "query": "task", "task": "CRM-2", "project": None}),
    ("批准 CR-1 吗", {"intent": "change_action", "action": "show", "change": 1, "project": None, "reason": None}),
    ("bob 这周请假", {"intent": "unanswered", "looks_like": "leave_other", "task": None}),
    ("张三明天请假", {"intent": "unanswered", "looks_like": "leave_other", "task": None}),
    ("CRM-5 isnt done", {"intent": "unknown"}),
    ("CRM-5 要不要改给 @alice", {"intent": "query", "query": "task", "task": "CRM-5", "project": None}),
    # negations
    ("别给我记 CRM-21 2小时", {"intent": "negated", "act": "log_hours", "task": "CRM-21"}),
    ("don't log 2h on CRM-11", {"intent": "negated", "act": "log_hours", "task": "CRM-11"}),
    ("CRM-8 不要标完成", {"intent": "negated", "act": "update_task", "task": "CRM-8"}),
    ("明天不请假了", {"intent": "leave_action", "action": "cancel", "person": None, "start": "2026-11-26",
                  "end": "2026-11-26"}),
    # cancellations
    ("撤销", {"intent": "cancel", "what": "last", "task": None}),
    ("undo CRM-19", {"intent": "cancel", "what": "task", "task": "CRM-19"}),
    ("撤销工时", {"intent": "cancel", "what": "log", "task": None}),
    ("never mind", {"intent": "cancel", "what": "last", "task": None}),
    ("取消请假", {"intent": "leave_action", "action": "cancel", "person": None, "start": None, "end": None}),
    ("取消请假了吗", {"intent": "leave_action", "action": "show", "person": None, "start": None, "end": None}),
    ("不要取消请假", {"intent": "negated", "act": "leave_action", "task": None}),
    ("要把 @vic 移出 CRM 吗", {"intent": "unanswered", "looks_like": "admin", "task": None}),
    ("别把 @vic 移出 CRM", {"intent": "negated", "act": "admin", "task": None}),
    ("my timezone is Asia/Tokyo", {"intent": "admin", "action": "set_timezone", "project": None, "name": "me",
                                   "user": None, "role": None, "value": "Asia/Tokyo"}),
    ("刚才那条记错了，撤销", {"intent": "cancel", "what": "last", "task": None}),
    # partial, resume, forecast
    ("CRM-2完成一大半了", {"intent": "update_task", "task": "CRM-2", "status": None, "progress": 70, "assignees": None,
                        "due": None}),
    ("CRM-2 almost done", {"intent": "update_task", "task": "CRM-2", "status": None, "progress": 90, "assignees": None,
                           "due": None}),
    ("CRM-13 好了，运维回复了，继续", {"intent": "task_note", "task": "CRM-13", "note": "CRM-13 好了,运维回复了,继续",
                                "resume": True}),
    ("CRM-3 unblocked", {"intent": "task_note", "task": "CRM-3", "note": "CRM-3 unblocked", "resume": True}),
    ("CRM-2 明天能搞完", {"intent": "task_note", "task": "CRM-2", "note": "CRM-2 明天能搞完", "resume": False}),
    ("CRM-3 完成了，继续下一个", {"intent": "update_task", "task": "CRM-3", "status": "done", "progress": None,
                             "assignees": None, "due": None}),
    # several keys
    ("CRM-16,CRM-18 都完成了", {"intent": "update_task", "task": "CRM-16", "status": "done", "progress": None,
                             "assignees": None, "due": None, "also": ["CRM-18"]}),
    # weak cues
    ("CRM-3 周五完成", {"intent": "update_task", "task": "CRM-3", "status": "done", "progress": None, "assignees": None,
                      "due": None, "weak": ["dated"]}),
    ("我明天可能要请假", {"intent": "leave", "start": "2026-11-26", "end": "2026-11-26", "weak": ["hedged"]}),
    # a log, not a scope change
    ("and another 1h on HRM-1 for the design review",
     {"intent": "log_hours", "entries": [{"task": "HRM-1", "hours": 1.0, "date": None, "note": "design review"}]}),
    # task edits
    ("CRM-2 估时改成 24小时", {"intent": "edit_task", "task": "CRM-2", "title": None, "priority": None,
                          "estimate_hours": 24.0, "add_assignees": [], "take": False, "done_hours": None}),
    ("I'll take CRM-9", {"intent": "edit_task", "task": "CRM-9", "title": None, "priority": None, "estimate_hours": None,
                         "add_assignees": [], "take": True, "done_hours": None}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_gate(text: str, expected: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == expected
