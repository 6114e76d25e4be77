"""The command line as scripts use it: admin, chat --json, export; and the service's HTTP side and SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, db: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args, "--db", db],
                          input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_scripted_scenario_through_chat_json_matches_export(db_url: str) -> None:
    assert cli("admin", "project", "create", "CRM", "--name", "客户关系系统", "--tz", "Asia/Shanghai",
               db=db_url).returncode == 0
    for user, role in (("lily", "pm"), ("bob", "member"), ("vic", "vendor")):
        assert cli("admin", "member", "add", "CRM", user, "--role", role, db=db_url).returncode == 0
    bound = cli("admin", "chat", "bind", "CRM", "crm-group", db=db_url)
    assert bound.returncode == 0, bound.stderr
    lines = [
        {"user": "lily", "chat": "crm-group", "text": "新建任务 登录页 @bob 下周五前 P1 预计8小时"},
        {"user": "bob", "chat": "crm-group", "text": "CRM-1 进度 50%"},
        {"user": "bob", "text": "log 3h on CRM-1 yesterday"},
        {"user": "bob", "chat": "crm-group", "action": "task:done:CRM-1"},
        {"user": "vic", "chat": "crm-group", "text": "CRM-1 截止改到12月20日"},
        {"user": "bob", "text": "log 30h on CRM-1"},
        {"user": "bob", "chat": "crm-group", "text": "CRM-99 完成"},
        "this is not json",
        {"user": "bob", "text": "my tasks"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    run = cli("chat", "--json", "--now", "2026-11-25T10:00:00", db=db_url, stdin=stdin)
    assert run.returncode == 0, run.stderr
    out = [json.loads(line) for line in run.stdout.splitlines()]
    texts = [o["text"] for o in out]
    assert out[0]["chat"] == "crm-group" and out[0]["card"]["title"] == "CRM-1 登录页"
    assert any(o["user"] == "bob" and o["chat"] is None and "CRM-1" in o["text"] for o in out)  # bob's DM
    assert any("只有" in t and "截止" in t for t in texts)  # the vendor may not move the due date
    assert any("at most 24" in t for t in texts)
    assert any("CRM-99" in t for t in texts)
    assert any(o.get("error") for o in out)  # the bad line is answered, not fatal
    assert "no open tasks" in texts[-1]

    export = cli("export", "--project", "CRM", "--format", "json", db=db_url)
    data = json.loads(export.stdout)
    task = data["tasks"][0]
    assert (task["key"], task["status"], task["progress"], task["due"], task["assignees"]) == (
        "CRM-1", "done", 100, "2026-12-04", ["bob"])
    assert [(w["task"], w["user"], w["hours"], w["date"]) for w in data["work_logs"]] == [
        ("CRM-1", "bob", 3.0, "2026-11-24")]
    actions = [a["action"] for a in data["audit"]]
    assert actions[:1] == ["project.created"] and "worklog.created" in actions and actions.count("task.updated") == 2
    assert all(a["actor"] in ("cli", "lily", "bob") for a in data["audit"])
    csv_out = cli("export", "--project", "CRM", "--format", "csv", "--table", "work_logs", db=db_url).stdout
    assert csv_out.startswith("\ufeff")  # the BOM Excel needs to read UTF-8
    assert csv_out.splitlines()[0] == "\ufefftask,user,hours,date,note" and "CRM-1,bob,3.0,2026-11-24" in csv_out


def test_admin_errors_are_clear(db_url: str) -> None:
    bad = cli("admin", "member", "add", "NOPE", "bob", "--role", "pm", db=db_url)
    assert bad.returncode == 1 and "No project NOPE" in bad.stderr
    bad_tz = cli("admin", "project", "create", "OA", "--name", "x", "--tz", "Mars/Base", db=db_url)
    assert bad_tz.returncode == 1 and "Unknown timezone" in bad_tz.stderr
    bad_key = cli("admin", "project", "create", "x", "--name", "x", db=db_url)
    assert bad_key.returncode == 1 and "not valid" in bad_key.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_service_health_metrics_and_clean_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'svc.db'}",
               LOG_FILE=str(tmp_path / "svc.log"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--console", "off", "--port", str(port), cwd=ROOT, env=env)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as r:
                        assert r.status == 200 and (await r.json())["status"] == "ok"
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("service did not start")
            async with session.get(f"http://127.0.0.1:{port}/metrics") as r:
                body = await r.text()
                assert "pmobot_events_total" in body and "pmobot_outbox_backlog" in body
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0
        assert '"stopped"' in (tmp_path / "svc.log").read_text()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_interactive_console_shows_cards_and_clicks_numbered_buttons(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'i.db'}"
    typed = "新建项目 CRM 客户关系系统 PM @lily\n新建任务 登录页 周五前\n2\nCRM-1 详情\n/quit\n"
    run = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--user", "lily", "--db", db,
                          "--now", "2026-11-25T10:00:00"], input=typed, capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert run.returncode == 0, run.stderr
    screen = run.stdout
    assert "已创建项目 CRM" in screen and "┌ CRM-1 登录页" in screen
    assert "[1] 开始" in screen and "[2] 完成" in screen  # numbered buttons
    assert "状态: 待办 → 已完成" in screen  # typing 2 clicked "完成"
    assert "│ 状态: 已完成" in screen


async def test_sigterm_with_the_console_open_exits_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
               LOG_FILE=str(tmp_path / "c.log"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--console", "on", "--port", str(port), cwd=ROOT, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        banner = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert b"pmo-bot is serving" in banner
        proc.send_signal(signal.SIGTERM)  # stdin stays open: the console is blocked reading it
        assert await asyncio.wait_for(proc.wait(), 20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_one_terminal_plays_a_team_with_user_and_chat_switches(tmp_path: Path) -> None:
    """`/user bob`, `/chat crm-group`, `/dm`: the same console speaks as several people, in DM or a chat."""
    db = f"sqlite:///{tmp_path / 't.db'}"
    typed = ("新建项目 CRM 客户关系系统\nadd @bob to CRM as member\n/chat crm-group\n本群绑定 CRM\n"
             "新建任务 登录页 @bob 周五前\n/user bob\n我的任务\n/user two words\n/dm\n/help\n/quit\n")
    run = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--user", "lily", "--db", db,
                          "--now", "2026-11-25T10:00:00"], input=typed, capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert run.returncode == 0 and run.stderr == "", run.stderr
    screen = run.stdout
    assert "你是 PMO" in screen and "你是项目经理" not in screen  # the first person is the PMO, and says so
    assert "lily@crm-group> 🤖 [crm-group] 本群已绑定到项目 CRM" in screen
    assert "(you are now bob · 现在你是 bob)" in screen
    assert "bob@crm-group> 🤖 [crm-group]" in screen and "CRM-1 登录页" in screen.split("bob@crm-group>", 1)[1]
    assert "需要一个不含空格的名字" in screen  # `/user two words` changed nobody
    assert "bob@DM> console commands · 控制台命令" in screen and "/chat ID" in screen


def test_run_reaches_the_console_prompt_with_nothing_else_printed(tmp_path: Path) -> None:
    """A newcomer's first screen on a new database: the banner and the prompt; no log, alembic or font lines."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PORT=str(_free_port()))
    for name in ("DATABASE_URL", "LOG_FILE", "LOG_LEVEL", "SLACK_BOT_TOKEN", "FEISHU_APP_ID"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "-m", "bot.cli", "run"], input="CRM 进度\n/quit\n", capture_output=True,
                         text=True, cwd=tmp_path, timeout=120, env=env)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("pmo-bot is serving http://127.0.0.1:") and lines[1].startswith("pmo-bot console")
    assert lines[2].startswith("me@DM> 🤖 [DM me]") and lines[3:] == ["me@DM> "], lines
    assert (tmp_path / "pmo-bot.db").exists() and '"alembic' not in (tmp_path / "pmo-bot.log").read_text()


def test_a_taken_port_is_named_with_the_setting_that_changes_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = cli("run", "--console", "off", "--port", str(port), db=f"sqlite:///{tmp_path / 'p.db'}")
    assert run.returncode == 1
    assert f"port 127.0.0.1:{port} is already in use" in run.stderr and "PORT=" in run.stderr
    assert f"端口 127.0.0.1:{port} 已被占用" in run.stderr and "database" not in run.stderr
    assert "Traceback" not in run.stderr


def test_migrate_on_a_new_database_prints_one_line(tmp_path: Path) -> None:
    run = cli("migrate", db=f"sqlite:///{tmp_path / 'm.db'}")
    assert run.returncode == 0 and run.stderr == "", run.stderr  # alembic's INFO lines stay out
    assert run.stdout.startswith("database at revision ") and len(run.stdout.splitlines()) == 1
