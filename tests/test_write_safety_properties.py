"""Property: the question form and the negated form of every write command change no row (issue 13, items 1-2).

Generated from each write intent's plain command, in both languages, said by the PM (who may do the most);
bounded examples, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ChatHarness

# The plain command of every write intent (each does write when said as is: see the other transcripts).
WRITES_ZH = ["CRM-1 完成", "CRM-1 进度 60%", "CRM-1 改给 @alice", "CRM-1 截止改到下周五", "CRM-1 3小时", "记工时 CRM-1 2小时",
             "明天请假", "新建任务 登录页", "变更申请 CRM-1 延期到12月20日 原因 接口晚到", "CRM-1 估时改成 24小时",
             "CRM-1 优先级改成 P0", "CRM-1 加上 @alice", "批准 CR-1", "CRM-1 阻塞了", "CRM-1 明天能搞完"]
WRITES_EN = ["CRM-1 done", "CRM-1 60%", "assign CRM-1 to @alice", "move CRM-1 due to Dec 20", "log 2h on CRM-1",
             "OOO tomorrow", "new task login page", "change request CRM-1 delay to Dec 20 because the API is late",
             "set CRM-1 priority to P0", "approve CR-1", "mark CRM-1 as done", "CRM-1 blocked", "I'll take CRM-1"]


def _questions_zh(cmd: str) -> list[str]:
    return [cmd + "吗", cmd + "了吗", cmd + "了没有", cmd + "呢", cmd + "？", "是否" + cmd, "请问" + cmd + "了吗"]


def _questions_en(cmd: str) -> list[str]:
    return [cmd + "?", "did I " + cmd + "?", "did you " + cmd + "?", "is it " + cmd + "?", "should I " + cmd + "?"]


def _negations_zh(cmd: str) -> list[str]:
    if cmd.startswith("CRM-1 "):
        rest = cmd[6:]
        return ["CRM-1 不要" + rest, "CRM-1 先不" + rest, "别给 CRM-1 " + rest]
    return ["别" + cmd, "不要" + cmd, "先不要" + cmd, "别给我" + cmd]


def _negations_en(cmd: str) -> list[str]:
    return ["don't " + cmd, "do not " + cmd, "please don't " + cmd]


FORMS = sorted({f for c in WRITES_ZH for f in _questions_zh(c) + _negations_zh(c)}
               | {f for c in WRITES_EN for f in _questions_en(c) + _negations_en(c)})

# Writes whose own words cancel or decide (leave, membership) and the contract writes (issue 15): their question
# and negated forms, through the parser (the CRM fixture has no contract for the database property above).
MORE_WRITES_ZH = ["取消请假", "把 @bob 移出 CRM", "HT-1 初验款 已付款 2026-12-20", "提交初验 CRM，交付物：部署手册",
                  "YS-1 通过", "YS-1 不通过：缺文档"]
MORE_WRITES_EN = ["cancel my leave", "remove @bob from CRM", "HT-1 mark 初验款 paid 480000 on 2026-12-20",
                  "submit CRM for preliminary acceptance: manual", "pass YS-1", "fail YS-1: no manual"]
MORE_FORMS = sorted({f for c in MORE_WRITES_ZH for f in _questions_zh(c) + _negations_zh(c)}
                    | {f for c in MORE_WRITES_EN for f in _questions_en(c) + _negations_en(c)})


async def _state(bot: ChatHarness) -> Any:
    data = await bot.export("CRM")
    tasks = [(t["key"], t["title"], t["status"], t["progress"], t["due"], t["priority"], t["estimate_hours"],
              tuple(t["assignees"])) for t in data["tasks"]]
    counts = [await bot.scalar(f"select count(*) from {table}") for table in
              ("tasks", "work_logs", "leaves", "change_requests", "approval_steps", "baselines")]
    changes = await bot.scalar("select status from change_requests where id = 1")
    notes = await bot.scalar("select count(*) from audit_log where action like 'task.%' or action like 'worklog.%' "
                             "or action like 'leave.%' or action like 'change.%'")
    return tasks, counts, changes, notes


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=st.sampled_from(FORMS))
async def test_question_and_negated_forms_change_nothing(crm: ChatHarness, form: str) -> None:
    if await crm.scalar("select count(*) from tasks") == 0:  # the fixture is shared by the examples
        await crm.say("lily", "新建任务 接口联调 @bob 12月4日前")
        await crm.say("bob", "变更申请 CRM-1 延期到12月8日，原因 文档晚到")
    before = await _state(crm)
    replies = await crm.say("lily", form)
    assert replies, form
    assert await _state(crm) == before, form


def test_every_form_is_a_question_or_a_negation_the_gate_reads() -> None:
    """The same forms, through the parser alone: never a write intent."""
    import datetime as dt

    from bot.nlu import parse
    from bot.nlu.gate import is_write

    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    wrote = [f for f in FORMS if is_write(parse(f, now=now))]
    assert wrote == []
    assert all(is_write(parse(c, now=now)) for c in MORE_WRITES_ZH + MORE_WRITES_EN)  # the plain commands write
    wrote = [f for f in MORE_FORMS if is_write(parse(f, now=now))]
    assert wrote == []
