"""The admin CLI as an operator uses it: members listed and removed, chats unbound, projects archived, job
settings checked; every write in the audit trail, every refusal a clear line and nothing changed."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import text

from storage.db import Database
from tests.test_cli import cli

NOW = "2026-11-25T10:00:00"  # a Wednesday, Asia/Shanghai


async def _rows(db_url: str, query: str) -> list[Any]:
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            return list((await conn.execute(text(query))).all())
    finally:
        await db.dispose()


def _audit(db_url: str) -> list[str]:
    out = cli("export", "--project", "CRM", db=db_url)
    assert out.returncode == 0, out.stderr
    return [a["action"] for a in json.loads(out.stdout)["audit"]]


def _crm(db_url: str, *members: tuple[str, str]) -> None:
    assert cli("admin", "project", "create", "CRM", "--name", "客户关系系统", db=db_url).returncode == 0
    for user, role in members:
        added = cli("admin", "member", "add", "CRM", user, "--role", role, db=db_url)
        assert added.returncode == 0, added.stderr


async def test_members_are_listed_and_removed(db_url: str) -> None:
    _crm(db_url, ("lily", "pm"), ("bob", "member"), ("slack:U0123", "viewer"))
    listed = cli("admin", "member", "list", "CRM", db=db_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["CRM: 3 member(s)", "lily\tpm\tlily", "bob\tmember\tbob",
                                          "slack:U0123\tviewer\tU0123"]

    removed = cli("admin", "member", "remove", "CRM", "bob", db=db_url)
    assert removed.returncode == 0 and removed.stdout.strip() == "bob (member) is no longer on CRM"
    assert "bob" not in cli("admin", "member", "list", "CRM", db=db_url).stdout
    # bob writes in: he is no longer on the project
    said = cli("chat", "--json", "--user", "bob", db=db_url, stdin=json.dumps({"text": "新建任务 [CRM] 登录页"}))
    assert "不是项目 CRM 的成员" in said.stdout

    again = cli("admin", "member", "remove", "CRM", "bob", db=db_url)
    assert again.returncode == 1 and "bob is not on CRM" in again.stderr
    nobody = cli("admin", "member", "remove", "CRM", "slack:UNKNOWN", db=db_url)
    assert nobody.returncode == 1 and "slack:UNKNOWN is not a member of CRM" in nobody.stderr
    assert _audit(db_url).count("member.removed") == 1
    assert len(await _rows(db_url, "SELECT id FROM memberships")) == 2


async def test_a_chat_is_unbound_from_its_project(db_url: str) -> None:
    _crm(db_url, ("lily", "pm"))
    assert cli("admin", "chat", "bind", "CRM", "crm-group", db=db_url).returncode == 0
    wrong = cli("admin", "chat", "unbind", "CRM", "other-group", db=db_url)
    assert wrong.returncode == 1 and "console:other-group is not bound to CRM" in wrong.stderr

    unbound = cli("admin", "chat", "unbind", "CRM", "crm-group", db=db_url)
    assert unbound.returncode == 0 and unbound.stdout.strip() == "console:crm-group is no longer bound to CRM"
    assert await _rows(db_url, "SELECT project_id FROM chats WHERE external_id = 'crm-group'") == [(None,)]
    again = cli("admin", "chat", "unbind", "CRM", "crm-group", db=db_url)
    assert again.returncode == 1 and "not bound to CRM" in again.stderr
    assert _audit(db_url).count("chat.unbound") == 1


def _jobs(db_url: str, name: str, now: str) -> str:
    run = cli("jobs", "run", name, "--now", now, "--dry-run", db=db_url)
    assert run.returncode == 0, run.stderr
    return run.stderr.strip()  # "<job> at <time>: would send N message(s)"


async def test_an_archived_project_gets_no_jobs_and_no_new_tasks(db_url: str) -> None:
    _crm(db_url, ("lily", "pm"), ("bob", "member"))
    made = cli("chat", "--json", "--user", "lily", "--now", "2026-11-18T10:00:00", db=db_url,
               stdin=json.dumps({"text": "新建任务 [CRM] 登录页 @bob 11月20日前"}))
    assert "CRM-1" in made.stdout
    # open: bob is asked for his standup, the overdue task is a risk, lily gets her digest
    assert _jobs(db_url, "standup.prompt", "2026-11-25T09:31:00").endswith("would send 2 message(s)")
    assert not _jobs(db_url, "risks.scan", "2026-11-25T10:00:00").endswith(" 0 message(s)")
    assert not _jobs(db_url, "digest.daily", "2026-11-25T18:01:00").endswith(" 0 message(s)")

    archived = cli("admin", "project", "archive", "CRM", db=db_url)
    assert archived.returncode == 0 and archived.stdout.startswith("CRM is archived")
    for job, at in (("standup.prompt", "2026-11-25T09:31:00"), ("risks.scan", "2026-11-25T10:00:00"),
                    ("digest.daily", "2026-11-25T18:01:00"), ("standup.summary", "2026-11-25T10:31:00")):
        assert _jobs(db_url, job, at).endswith("would send 0 message(s)"), job
    refused = cli("chat", "--json", "--user", "lily", "--now", NOW, db=db_url,
                  stdin=json.dumps({"text": "new task [CRM] export report"}) + "\n"
                  + json.dumps({"text": "新建任务 [CRM] 导出报表"}))
    replies = [json.loads(line)["text"] for line in refused.stdout.splitlines()]
    assert "Project CRM is archived: no new tasks" in replies[0] and "项目 CRM 已归档，不能再新建任务" in replies[1]
    assert await _rows(db_url, "SELECT count(*) FROM tasks") == [(1,)]
    listed = cli("admin", "member", "list", "CRM", db=db_url).stdout
    assert listed.startswith("CRM (archived): 2 member(s)")
    assert cli("admin", "project", "archive", "CRM", db=db_url).stdout.strip().endswith("(it already was)")

    reopened = cli("admin", "project", "unarchive", "CRM", db=db_url)
    assert reopened.returncode == 0 and reopened.stdout.strip() == "CRM is open again"
    assert _jobs(db_url, "standup.prompt", "2026-11-25T09:31:00").endswith("would send 2 message(s)")
    actions = _audit(db_url)
    assert actions.count("project.archived") == 1 and actions.count("project.unarchived") == 1


async def test_job_times_in_chinese_are_understood_and_bad_ones_refused_in_both_languages(db_url: str) -> None:
    _crm(db_url)

    def standup_time(value: str) -> tuple[int, str, str]:
        run = cli("jobs", "settings", "CRM", "--set", f"standup.time={value}", db=db_url)
        shown = json.loads(run.stdout)["standup"]["time"] if run.returncode == 0 else ""
        return run.returncode, shown, run.stderr

    assert standup_time("9点")[:2] == (0, "09:00")
    assert standup_time("9点半")[:2] == (0, "09:30")
    assert standup_time("9:15")[:2] == (0, "09:15")
    assert standup_time("08:45")[:2] == (0, "08:45")
    for bad in ("9am", "25:00", "明天"):
        code, _, err = standup_time(bad)
        assert code == 2 and "not a time of day" in err and "不是时间" in err, err
        assert "int()" not in err and "invalid literal" not in err and "Traceback" not in err
    number = cli("jobs", "settings", "CRM", "--set", "risks.overrun_pct=lots", db=db_url)
    assert number.returncode == 2 and "not a number" in number.stderr and "需要一个数字" in number.stderr
    shown = cli("jobs", "settings", "CRM", db=db_url)
    assert json.loads(shown.stdout)["standup"]["time"] == "08:45"  # the refusals changed nothing
    assert _audit(db_url).count("project.job_settings_set") == 4


def test_every_subcommand_has_a_help_line() -> None:
    from bot.cli import build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {a.dest: a.help for a in action._choices_actions}
                for name, sub in action.choices.items():
                    if not helped.get(name):
                        missing.append(f"{path} {name}".strip())
                    walk(sub, f"{path} {name}")
            elif action.option_strings != ["-h", "--help"] and not action.help and action.dest != "command":
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(build_parser(), "")
    assert missing == []
