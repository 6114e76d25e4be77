"""``pmo-bot parse``: one message, and the streaming ``--jsonl`` mode."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from bot.nlu.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], stdin: str = "") -> tuple[int, list[dict[str, object]]]:
    out = io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_single_message() -> None:
    code, rows = _run(["--now", "2026-11-25T10:00:00", "--tz", "Asia/Shanghai", "新建任务 登录页 @张三 下周五前"])
    assert code == 0
    assert rows == [{"intent": "create_task", "title": "登录页", "assignees": ["张三"], "due": "2026-12-04",
                     "priority": None, "estimate_hours": None, "project": None, "warnings": []}]


def test_leading_parse_word_and_bot_id() -> None:
    code, rows = _run(["parse", "--now", "2026-11-25T10:00:00", "--bot-id", "UBOT", "<@UBOT>", "CRM-3", "done"])
    assert code == 0 and rows[0]["intent"] == "update_task" and rows[0]["status"] == "done"


def test_known_keys_that_are_words() -> None:
    code, rows = _run(["--now", "2026-11-25T10:00:00", "--keys", "qa, it", "QA 进度"])
    assert code == 0 and rows[0]["project"] == "QA"
    assert _run(["--now", "2026-11-25T10:00:00", "QA 进度"])[1][0]["intent"] == "unknown"


def test_jsonl_in_order_with_defaults_and_bad_lines() -> None:
    lines = [
        json.dumps({"text": "CRM-3 done"}),
        "not json",
        json.dumps({"text": "新建任务 x 明天", "now": "2026-11-25T10:00:00", "tz": "Asia/Shanghai"}),
        json.dumps({"text": "x", "tz": "Bad/Zone"}),
        json.dumps({"now": "2026-11-25T10:00:00"}),
        json.dumps(["a list"]),
        json.dumps({"text": "新建任务 y 明天", "now": "2026-11-25T20:00:00-05:00"}),
    ]
    code, rows = _run(["--jsonl", "--now", "2026-11-25T10:00:00"], "\n".join(lines) + "\n")
    assert code == 0 and len(rows) == len(lines)
    assert rows[0]["intent"] == "update_task"
    assert rows[1]["intent"] == "unknown" and "error" in rows[1]
    assert rows[2]["due"] == "2026-11-26"
    assert rows[3]["intent"] == "unknown" and "error" in rows[3]
    assert rows[4]["intent"] == "unknown" and "error" in rows[4]
    assert rows[5]["intent"] == "unknown" and "error" in rows[5]
    assert rows[6]["due"] == "2026-11-27"  # 01:00 Thursday in Shanghai


def test_bad_now_in_single_mode_reports_error() -> None:
    code, rows = _run(["--now", "yesterday-ish", "CRM-3 done"])
    assert code == 2 and rows[0]["intent"] == "unknown" and "error" in rows[0]


def test_module_entry_point_streams_utf8() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.nlu.cli", "--jsonl", "--now", "2026-11-25T10:00:00"],
        input=json.dumps({"text": "CRM-3 完成了"}, ensure_ascii=False) + "\n",
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=30, check=True,
    )
    assert json.loads(proc.stdout)["status"] == "done"
    assert "完成" not in proc.stdout  # plain JSON, nothing echoed
