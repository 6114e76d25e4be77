"""Questions and the everyday intents of issue 13 item 7, and the phrasings of issue 12 item 6.

Fixed clock: Wednesday 2026-11-25 10:00 in Asia/Shanghai. Each row is a message and the fields ``pmo-bot parse``
must print for it (a subset: fields not named are not checked).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse
from bot.nlu.suggest import closest, kind

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
WEEK = {"start": "2026-11-23", "end": "2026-11-29"}

CASES: list[tuple[str, dict[str, Any]]] = [
    # hours, by period
    ("我今天工时", {"intent": "query", "query": "hours", "person": "me", "period": "today", "start": "2026-11-25"}),
    ("我这周工时", {"query": "hours", "person": "me", "period": "this_week", **WEEK}),
    ("hrs this week", {"query": "hours", "period": "this_week", **WEEK}),
    ("上周工时", {"query": "hours", "period": "last_week", "start": "2026-11-16", "end": "2026-11-22"}),
    ("my hours last week", {"query": "hours", "person": "me", "period": "last_week"}),
    ("本月工时", {"query": "hours", "period": "this_month", "start": "2026-11-01", "end": "2026-11-30"}),
    ("hours last month", {"query": "hours", "period": "last_month", "start": "2026-10-01", "end": "2026-10-31"}),
    ("昨天的工时", {"query": "hours", "period": "yesterday", "start": "2026-11-24", "end": "2026-11-24"}),
    ("11月17日到11月24日的工时", {"query": "hours", "period": "range", "start": "2026-11-17", "end": "2026-11-24"}),
    # hours, by person, project, team
    ("张伟这周工时", {"query": "hours", "person": "张伟", "team": False, **WEEK}),
    ("@张伟 这周工时", {"query": "hours", "person": "张伟"}),
    ("<@U2> hours this week", {"query": "hours", "person": "U2"}),
    ("bob's hours last week", {"query": "hours", "person": "bob", "period": "last_week"}),
    ("how many hours did bob log this week", {"query": "hours", "person": "bob"}),
    ("hours from Dec 1 to Dec 5", {"query": "hours", "person": None, "period": "range"}),
    ("CRM 工时统计", {"query": "hours", "project": "CRM", "person": None, "team": False}),
    ("CRM 工时", {"query": "hours", "project": "CRM", "person": None}),
    ("CRM hours?", {"query": "hours", "project": "CRM", "person": None}),
    ("bob today hours", {"query": "hours", "person": "bob", "period": "today"}),
    ("team hours this week", {"query": "hours", "team": True}),
    ("团队本周工时", {"query": "hours", "team": True}),
    ("今天谁没填工时", {"query": "missing_hours", "period": "today", "start": "2026-11-25"}),
    ("who hasn't logged today", {"query": "missing_hours", "period": "today"}),
    ("昨天谁还没记工时", {"query": "missing_hours", "period": "yesterday", "start": "2026-11-24"}),
    # task lists and risks
    ("CRM 有哪些未完成任务", {"query": "tasks", "project": "CRM", "person": None, "scope": "open"}),
    ("CRM tasks", {"query": "tasks", "project": "CRM", "scope": "open"}),
    ("open tasks in CRM", {"query": "tasks", "project": "CRM", "scope": "open"}),
    ("bob 的任务", {"query": "tasks", "person": "bob", "scope": "open"}),
    ("@bob 的任务", {"query": "tasks", "person": "bob"}),
    ("本周到期的任务", {"query": "tasks", "scope": "due_this_week"}),
    ("what's due this week", {"query": "tasks", "scope": "due_this_week"}),
    ("下周到期任务", {"query": "tasks", "scope": "due_next_week"}),
    ("tasks due next week", {"query": "tasks", "scope": "due_next_week"}),
    ("本周完成的任务", {"query": "tasks", "scope": "done_this_week"}),
    ("what got done this week", {"query": "tasks", "scope": "done_this_week"}),
    ("我本周到期的任务", {"query": "tasks", "person": "me", "scope": "due_this_week"}),
    ("CRM 有没有风险", {"query": "risks", "project": "CRM"}),
    ("any risks in CRM?", {"query": "risks", "project": "CRM"}),
    ("CRM 逾期任务", {"query": "overdue", "project": "CRM"}),
    ("我的任务", {"query": "my_tasks"}),
    # project status, colloquial
    ("CRM 项目整体情况", {"query": "project_status", "project": "CRM"}),
    ("CRM 进度咋样了", {"query": "project_status", "project": "CRM"}),
    ("ERP项目现在啥情况", {"query": "project_status", "project": "ERP"}),
    # leave: not a new leave
    ("我的请假", {"intent": "leave_action", "action": "show", "person": None}),
    ("my leave", {"intent": "leave_action", "action": "show"}),
    ("bob 请假了吗", {"intent": "leave_action", "action": "show", "person": "bob", "start": None}),
    ("is bob on leave?", {"intent": "leave_action", "action": "show", "person": "bob"}),
    ("张伟明天请假吗", {"intent": "leave_action", "action": "show", "person": "张伟", "start": "2026-11-26"}),
    ("谁请假了", {"intent": "leave_action", "action": "show", "person": "team"}),
    ("who's off today?", {"intent": "leave_action", "action": "show", "person": "team", "start": "2026-11-25"}),
    ("取消请假", {"intent": "leave_action", "action": "cancel", "start": None, "end": None}),
    ("cancel my leave", {"intent": "leave_action", "action": "cancel", "start": None}),
    ("取消明天的请假", {"intent": "leave_action", "action": "cancel", "start": "2026-11-26", "end": "2026-11-26"}),
    ("别给我记请假", {"intent": "leave_action", "action": "cancel", "start": None}),  # a negation never records
    ("明天不请假了", {"intent": "leave_action", "action": "cancel", "start": "2026-11-26", "end": "2026-11-26"}),
    ("下周不休假了", {"intent": "leave_action", "action": "cancel", "start": "2026-11-30", "end": "2026-12-06"}),
    ("I'm not taking leave tomorrow", {"intent": "leave_action", "action": "cancel", "start": "2026-11-26"}),
    ("请个假", {"intent": "leave_action", "action": "ask"}),
    ("I need a day off", {"intent": "leave_action", "action": "ask"}),
    ("我下午请假半天", {"intent": "leave_action", "action": "part_day", "start": "2026-11-25"}),
    ("I'm out tomorrow afternoon", {"intent": "leave_action", "action": "part_day", "start": "2026-11-26"}),
    # leave: new phrasings
    ("请3天假", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-27"}),
    ("out sick today", {"intent": "leave", "start": "2026-11-25", "end": "2026-11-25"}),
    ("out all next week", {"intent": "leave", "start": "2026-11-30", "end": "2026-12-04"}),
    ("PTO Dec 21-23", {"intent": "leave", "start": "2026-12-21", "end": "2026-12-23"}),
    # help in words
    ("这个机器人咋用", {"intent": "help", "topic": None}),
    ("有哪些命令", {"intent": "help", "topic": None}),
    ("how do I use this", {"intent": "help", "topic": None}),
    ("what are the commands", {"intent": "help", "topic": None}),
    # standups under a header, a blocker without a colon
    ("【站会】昨天做了登录页 今天做导出 Blocked on 接口权限",
     {"intent": "standup", "yesterday": "做了登录页", "today": "做导出", "blockers": ["接口权限"]}),
    ("Yesterday: login. Today: export. Blocked on API keys",
     {"intent": "standup", "today": "export", "blockers": ["API keys"]}),
    # change requests: "CR for KEY:"
    ("CR for CRM-3: push to Dec 20", {"intent": "request_change", "task": "CRM-3", "new_due": "2026-12-20",
                                      "summary": "push to Dec 20"}),
    # IME slips in command words
    ("新建人物 登录页", {"intent": "create_task", "title": "登录页"}),
    ("新増任务 导出 @bob", {"intent": "create_task", "title": "导出", "assignees": ["bob"]}),
    ("CRM-3 完城了", {"intent": "update_task", "task": "CRM-3", "status": "done"}),
    ("新建任务 人物画像", {"intent": "create_task", "title": "人物画像"}),  # a title keeps its words
    # members and projects
    ("CRM 成员", {"intent": "admin", "action": "list_members", "project": "CRM"}),
    ("who is on CRM", {"intent": "admin", "action": "list_members", "project": "CRM"}),
    ("把 @vic 移出 CRM", {"intent": "admin", "action": "remove_member", "project": "CRM", "user": "vic"}),
    ("remove @vic from CRM", {"intent": "admin", "action": "remove_member", "project": "CRM", "user": "vic"}),
    ("项目列表", {"intent": "admin", "action": "list_projects"}),
    ("list projects", {"intent": "admin", "action": "list_projects"}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_questions(text: str, fields: dict[str, Any]) -> None:
    expected = {"intent": "query", **fields}  # rows without an intent are questions
    got = parse(text, now=NOW).to_dict()
    assert {k: got.get(k) for k in expected} == expected


KEYS = frozenset({"QA", "IT", "API", "PM", "OK", "TODO", "CRM"})


@pytest.mark.parametrize(("text", "project"), [("QA 进度", "QA"), ("qa 有哪些未完成任务", "QA"), ("IT 项目状态", "IT"),
                                               ("API 工时统计", "API"), ("TODO 有没有风险", "TODO")])
def test_known_keys_that_are_words(text: str, project: str) -> None:
    assert parse(text, now=NOW, known_keys=KEYS).to_dict()["project"] == project
    assert parse(text, now=NOW).to_dict().get("project") != project or project in ("TODO",)


@pytest.mark.parametrize("text", ["OK", "ok thanks", "QA 好的", "PM 来了吗"])
def test_known_keys_do_not_make_chatter_work(text: str) -> None:
    assert parse(text, now=NOW, known_keys=KEYS).to_dict()["intent"] in ("unknown", "leave_action", "query")
    assert parse(text, now=NOW, known_keys=KEYS).to_dict()["intent"] not in ("create_task", "update_task", "log_hours")


@pytest.mark.parametrize(("text", "expected"), [("你好", "hello"), ("good morning", "hello"), ("谢谢", "thanks"),
                                                ("ok thanks", "thanks"), ("thank you!", "thanks"), ("CRM 好", None)])
def test_greetings_stay_unknown_and_are_named(text: str, expected: str | None) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "unknown"} or expected is None
    assert kind(text) == expected


def test_closest_capabilities() -> None:
    assert closest("那个东西搞一下工时")[0] == "log_hours"
    assert closest("假期怎么弄")[0] == "leave"
    assert len(closest("blorp")) == 3


# Chatter near the new grammars stays chatter: no leave, no member list, no question it did not ask.
STAYS_UNKNOWN = ["out on a call", "I'm out of ideas", "who is on the call", "who is in the meeting", "这个改动有风险",
                 "风险可控", "bob 的任务我来做", "CRM 的任务很多", "取消会议", "cancel the meeting", "leave it to me",
                 "我的天", "my bad", "happy hours", "have a good weekend", "谢谢大家", "off to lunch", "out for lunch, back at 2"]


@pytest.mark.parametrize("text", STAYS_UNKNOWN)
def test_chatter_near_questions_stays_unknown(text: str) -> None:
    assert parse(text, now=NOW, known_keys=KEYS).to_dict() == {"intent": "unknown"}


@pytest.mark.parametrize("unit", ["移除 @a ", "remove @a", "bob ", "请个", "CR for ", "who ", "张伟", "【站会】"])
def test_long_repetitive_input_stays_fast(unit: str) -> None:
    # The question grammars must not backtrack quadratically either (see test_nlu_chatter.py).
    import time

    text = unit * (4000 // len(unit))
    start = time.perf_counter()
    parse(text, now=NOW, known_keys=KEYS)
    assert time.perf_counter() - start < 0.5
