"""Two `pmo-bot run` processes on one PostgreSQL, ticking every second: every standup prompt and digest is
claimed and delivered exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from storage.db import Database

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _cli(db: str, *args: str) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", *args, "--db", db, cwd=ROOT,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, (args, out.decode(), err.decode())


async def _counts(db: Database) -> dict[str, int]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT job, count(*) FROM job_runs GROUP BY job UNION ALL "
            "SELECT 'sent:' || (CAST(payload AS jsonb)->>'job'), count(*) FROM outbox WHERE status = 'sent' "
            "GROUP BY 1 UNION ALL SELECT 'outbox', count(*) FROM outbox"))).all()
    return {str(k): int(v) for k, v in rows}


async def test_two_processes_send_each_prompt_and_digest_once(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("replicas share PostgreSQL")
    tz = ZoneInfo("Asia/Shanghai")
    now = dt.datetime.now(tz)
    due = (now - dt.timedelta(minutes=2)).strftime("%H:%M")
    await _cli(db_url, "admin", "project", "create", "CRM", "--name", "客户关系系统", "--tz", "Asia/Shanghai")
    for user, role in (("lily", "pm"), ("bob", "member"), ("alice", "member"), ("sam", "sponsor"),
                       ("val", "viewer")):
        await _cli(db_url, "admin", "member", "add", "CRM", user, "--role", role)
    await _cli(db_url, "admin", "chat", "bind", "CRM", "crm-group")
    for day in {now.date(), (now - dt.timedelta(minutes=2)).date()}:  # whatever day CI runs on, it is a workday
        await _cli(db_url, "admin", "calendar", "add", day.isoformat(), "workday")
    await _cli(db_url, "jobs", "settings", "CRM", "--set", f"standup.time={due}", "--set", "standup.days=1,2,3,4,5,6,7",
               "--set", f"digest.time={due}", "--set", "standup.summary_time=00:00", "--set", "risks.enabled=off",
               "--set", "weekly.enabled=off")
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=db_url, PMO_JOB_TICK_SECONDS="0.5", PMO_JOBS="on")
    procs = []
    for i in range(2):
        procs.append(await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--console", "off", "--port", str(_port()), cwd=ROOT,
            env=dict(env, LOG_FILE=str(tmp_path / f"run{i}.log")), stdout=asyncio.subprocess.PIPE))
    db = Database(db_url)
    try:
        expected = {"standup.prompt": 3, "digest.daily": 2, "sent:standup.prompt": 3, "sent:digest.daily": 4}
        counts: dict[str, int] = {}
        for _ in range(240):
            counts = await _counts(db)
            if all(counts.get(k, 0) >= v for k, v in expected.items()):
                break
            await asyncio.sleep(0.25)
        await asyncio.sleep(3)  # a few more ticks in both processes: nothing more may go out
        counts = await _counts(db)
        assert {k: counts.get(k, 0) for k in expected} == expected, counts
        assert counts["outbox"] == 7, counts
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        outputs = [(await asyncio.wait_for(p.communicate(), 30))[0].decode() for p in procs]
        await db.dispose()
    delivered = "".join(outputs)
    for user in ("lily", "bob", "alice"):
        assert delivered.count(f"[DM {user}] {user}，早上好") == 1, delivered
    assert delivered.count("[DM sam] 📊") == 1 and delivered.count("[DM lily] 📊") == 1
