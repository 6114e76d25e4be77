"""Time, peak memory, loop stalls and SQL statement counts of the PMO digest and the risk scan.

    python bench/digest_bench.py [--scale 1.0] [--backend sqlite|postgresql|both]

Scale 1.0: 200 projects, 5,000 people, 200,000 tasks, 2,000,000 work logs (seeded with executemany on
SQLite and COPY on PostgreSQL). Each backend runs with 100 and then 1,000 tasks per project (10 work logs
each) for the same projects and people, so the statement counts show they do not grow with the tasks. PostgreSQL: $PMO_TEST_POSTGRES_URL (a user that may create databases).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import sqlite3
import tempfile
import time
import tracemalloc
import uuid
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from jobs import digest, risks
from jobs.context import JobContext
from storage.db import Database
from storage.migrate import upgrade

UTC = dt.UTC
NOW_DIGEST = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai: the PMO's end of day
NOW_SCAN = dt.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: working hours


def rows(scale: float, tasks_per: int = 1000) -> dict[str, list[tuple[Any, ...]]]:
    rnd = random.Random(7)
    n_projects, n_people = max(2, int(200 * scale)), max(60, int(5000 * scale))
    logs_per = 10
    created = dt.datetime(2026, 10, 1, tzinfo=UTC)
    out: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
        "people", "identities", "projects", "memberships", "milestones", "tasks", "task_assignees", "work_logs",
        "change_requests")}
    for i in range(1, n_people + 1):
        out["people"].append((i, f"user{i}", None, None, None, "Asia/Shanghai", i == 1, created))
        out["identities"].append((i, i, None, "console", f"user{i}", f"user{i}"))
    tid = lid = 0
    for p in range(1, n_projects + 1):
        out["projects"].append((p, None, f"P{p}", f"项目{p}", "Asia/Shanghai", "zh",
                                "agile" if p % 2 else "waterfall", tasks_per + 1, created))
        team = rnd.sample(range(2, n_people + 1), 25)
        for j, person in enumerate(team):
            out["memberships"].append((len(out["memberships"]) + 1, p, person, "pm" if j == 0 else
                                       "sponsor" if j == 1 else "member", created))
        for m in range(5):
            out["milestones"].append(((p - 1) * 5 + m + 1, p, f"M{m}", dt.date(2026, 11, 1) + dt.timedelta(days=10 * m),
                                      "open", None, created))
        for s in range(1, tasks_per + 1):
            tid += 1
            status = rnd.choice(("todo", "in_progress", "blocked", "done", "done"))
            due = dt.date(2026, 10, 15) + dt.timedelta(days=rnd.randrange(90))
            out["tasks"].append((tid, p, s, f"任务 {s}", "", None, (p - 1) * 5 + rnd.randrange(5) + 1, status, "P2",
                                 due, None, 8, 100 if status == "done" else rnd.randrange(0, 100, 10), "{}", created,
                                 created + dt.timedelta(days=rnd.randrange(50)),
                                 created + dt.timedelta(days=rnd.randrange(50)) if status == "done" else None))
            out["task_assignees"].append((tid, rnd.choice(team[2:])))
            for _ in range(logs_per):
                lid += 1
                out["work_logs"].append((lid, tid, team[2], dt.date(2026, 10, 1) + dt.timedelta(days=rnd.randrange(55)),
                                         1.5, "", created))
        out["change_requests"].append((p, p, None, None, 2, "schedule", "延期", "", "{}", "{}", "pending",
                                       created, None))
    return out


COLUMNS = {
    "people": "id, display_name, email, locale, seen_locale, timezone, is_pmo, created_at",
    "identities": "id, person_id, tenant_id, platform, external_id, name",
    "projects": "id, tenant_id, key, name, timezone, locale, methodology, next_task_seq, created_at",
    "memberships": "id, project_id, person_id, role, created_at",
    "milestones": "id, project_id, name, due_date, status, accepted_at, created_at",
    "tasks": "id, project_id, seq, title, description, reporter_id, milestone_id, status, priority, due_date, "
             "due_time, estimate_hours, progress, custom_fields, created_at, updated_at, done_at",
    "task_assignees": "task_id, person_id",
    "work_logs": "id, task_id, person_id, work_date, hours, note, created_at",
    "change_requests": "id, project_id, task_id, milestone_id, requester_id, change_type, summary, reason, details, "
                       "impact, status, created_at, decided_at",
}


async def seed(db: Database, data: dict[str, list[tuple[Any, ...]]]) -> None:
    if db.sqlite:
        path = make_url(db.url).database
        await db.dispose()
        con = sqlite3.connect(str(path))
        for table, cols in COLUMNS.items():
            marks = ", ".join("?" * len(cols.split(",")))
            con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                            [tuple(v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v for v in r)
                             for r in data[table]])
        con.commit()
        con.close()
        return
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for table, cols in COLUMNS.items():
            names = [c.strip() for c in cols.split(",")]
            records = [tuple(v if not (isinstance(v, str) and v == "{}") else "{}" for v in r) for r in data[table]]
            await raw.copy_records_to_table(table, records=records, columns=names)  # type: ignore[union-attr]
        await conn.execute(text("ANALYZE"))
        await conn.commit()


async def measure(db: Database, label: str, job: Any, now: dt.datetime) -> str:
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    stall = 0.0
    running = True

    async def watch() -> None:
        nonlocal stall
        loop = asyncio.get_running_loop()
        while running:
            before = loop.time()
            await asyncio.sleep(0.005)
            stall = max(stall, loop.time() - before - 0.005)

    watcher = asyncio.create_task(watch())
    tracemalloc.start()
    started = time.perf_counter()
    ctx = JobContext(db=db, now=now, dry_run=True)
    await job(ctx)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    running = False
    await watcher
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    return (f"{label:<11} {elapsed * 1000:8.0f} ms  {statements:3d} statements  Python peak {peak / 2**20:6.1f} MiB  "
            f"max loop stall {stall * 1000:5.0f} ms  messages {len(ctx.sent)}")


async def run(backend: str, scale: float) -> None:
    for tasks_per in (100, 1000):  # the same projects and people, ten times the tasks and work logs
        data = rows(scale, tasks_per)
        url, drop = await _database(backend)
        db = Database(url)
        try:
            await upgrade(db.engine)
            t0 = time.perf_counter()
            await seed(db, data)
            db = Database(url) if db.sqlite else db
            print(f"\n{backend}: {len(data['projects'])} projects, {len(data['people'])} people, "
                  f"{len(data['tasks']):,} tasks, {len(data['work_logs']):,} work logs (seeded in "
                  f"{time.perf_counter() - t0:.1f} s)")
            print(await measure(db, "PMO digest", digest.daily, NOW_DIGEST))
            print(await measure(db, "risk scan", risks.scan, NOW_SCAN))
        finally:
            await db.dispose()
            await drop()
        del data
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


async def _database(backend: str) -> tuple[str, Any]:
    if backend == "sqlite":
        path = os.path.join(tempfile.mkdtemp(), "bench.db")

        async def nothing() -> None:
            os.remove(path)

        return f"sqlite:///{path}", nothing
    import asyncpg  # type: ignore[import-untyped]

    admin = make_url(os.environ.get("PMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"pmo_bench_{uuid.uuid4().hex[:8]}"

    async def sql(stmt: str) -> None:
        conn = await asyncpg.connect(host=admin.host, port=admin.port or 5432, user=admin.username,
                                     password=admin.password, database=admin.database or "postgres")
        try:
            await conn.execute(stmt)
        finally:
            await conn.close()

    await sql(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False), lambda: sql(f'DROP DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    for backend in (["postgresql", "sqlite"] if args.backend == "both" else [args.backend]):
        asyncio.run(run(backend, args.scale))


if __name__ == "__main__":
    main()
