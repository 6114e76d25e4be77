"""Time, peak memory, loop stalls and SQL statement counts of the PMO digest and the risk scan.

    python bench/digest_bench.py [--scale 1.0] [--backend sqlite|postgresql|both] [--repeat 3] [--keep]
                                 [--sizes 100,1000] [--drop] [--seed-only]

Scale 1.0: 200 projects, 5,000 people, 200,000 tasks, 2,000,000 work logs (seeded with executemany in one
transaction on SQLite and COPY on PostgreSQL). Each backend runs with 100 and then 1,000 tasks per project (10
work logs each) for the same projects and people, so the statement counts show they do not grow with the tasks.

Each job runs dry (its transaction rolls back, so every run does the same work) `--repeat` times with a loop
watchdog (a 5 ms sleep that measures how late it wakes): min and median time, the worst stall, statements
(on every engine the job uses, and in its worker process). Then once more under tracemalloc for the bot
process's Python peak (tracemalloc slows Python several-fold, so that run is not timed; the job workers'
peak RSS is printed at the end). Then "risk scan, steady": the first scan committed, a second one
15 minutes later (what every later scan of the day does), rolled back afterwards.

PostgreSQL: $PMO_TEST_POSTGRES_URL (a user that may create databases). `--keep` keeps the seeded databases
(PostgreSQL `pmo_bench_<scale>_<tasks per project>`, SQLite files in $TMPDIR/pmo-bench) and reuses them on the
next run; `--drop` drops them and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import os
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from jobs import digest, risks, workers
from jobs.context import JobContext
from storage.db import Database
from storage.migrate import upgrade

UTC = dt.UTC
NOW_DIGEST = dt.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai: the PMO's end of day
NOW_SCAN = dt.datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: working hours
LOGS_PER_TASK = 10
KEEP_DIR = os.path.join(tempfile.gettempdir(), "pmo-bench")


def sizes(scale: float) -> tuple[int, int]:
    return max(2, int(200 * scale)), max(60, int(5000 * scale))


def rows(scale: float, tasks_per: int = 1000) -> dict[str, Any]:
    """Every table's rows; work logs as a generator (2M tuples would take ~400 MB)."""
    rnd = random.Random(7)
    n_projects, n_people = sizes(scale)
    created = dt.datetime(2026, 10, 1, tzinfo=UTC)
    out: dict[str, Any] = {k: [] for k in (
        "people", "identities", "projects", "memberships", "milestones", "tasks", "task_assignees",
        "change_requests")}
    for i in range(1, n_people + 1):
        out["people"].append((i, f"user{i}", None, None, None, "Asia/Shanghai", i == 1, created))
        out["identities"].append((i, i, None, "console", f"user{i}", f"user{i}"))
    loggers: list[int] = []
    tid = 0
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
            loggers.append(team[2])
        out["change_requests"].append((p, p, None, None, 2, "schedule", "延期", "", "{}", "{}", "pending",
                                       created, None))

    def work_logs() -> Iterator[tuple[Any, ...]]:
        days = random.Random(11)
        lid = 0
        for task, person in enumerate(loggers, start=1):
            for _ in range(LOGS_PER_TASK):
                lid += 1
                yield (lid, task, person, dt.date(2026, 10, 1) + dt.timedelta(days=days.randrange(55)), 1.5, "",
                       created)

    out["work_logs"] = work_logs()
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


async def seed(db: Database, data: dict[str, Any]) -> None:
    if db.sqlite:
        path = make_url(db.url).database
        await db.dispose()
        con = sqlite3.connect(str(path))
        for table, cols in COLUMNS.items():
            marks = ", ".join("?" * len(cols.split(",")))
            con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                            (tuple(v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v for v in r)
                             for r in data[table]))
        con.commit()
        con.execute("ANALYZE")
        con.close()
        return
    async with db.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for table, cols in COLUMNS.items():
            names = [c.strip() for c in cols.split(",")]
            await raw.copy_records_to_table(table, records=data[table], columns=names)  # type: ignore[union-attr]
        for table in ("people", "identities", "projects", "memberships", "milestones", "tasks", "work_logs",
                      "change_requests"):
            await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
        await conn.commit()
        await conn.execute(text("ANALYZE"))
        await conn.commit()


class Probe:
    """Statements on every engine a job uses, and the event loop's worst late wake-up."""

    def __init__(self, db: Database) -> None:
        self.engines = {id(e): e for e in (db.engine, db.threaded().engine)}.values()
        self.statements = 0
        self.stall = 0.0
        self._running = False
        self._task: asyncio.Task[None] | None = None

    def _count(self, *_: Any) -> None:
        self.statements += 1

    async def __aenter__(self) -> Probe:
        for e in self.engines:
            event.listen(e.sync_engine, "before_cursor_execute", self._count)
        self._running = True
        self._task = asyncio.create_task(self._watch())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._running = False
        if self._task is not None:
            await self._task
        for e in self.engines:
            event.remove(e.sync_engine, "before_cursor_execute", self._count)

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._running:
            before = loop.time()
            await asyncio.sleep(0.005)
            self.stall = max(self.stall, loop.time() - before - 0.005)


async def once(db: Database, job: Any, now: dt.datetime, *, dry: bool = True) -> tuple[float, Probe, int]:
    ctx = JobContext(db=db, now=now, dry_run=dry)
    async with Probe(db) as probe:
        started = time.perf_counter()
        await job(ctx)
        elapsed = time.perf_counter() - started
    probe.statements += ctx.counters.get("worker_statements", 0)  # run by a job worker process
    return elapsed, probe, len(ctx.sent)


async def measure(db: Database, label: str, job: Any, now: dt.datetime, repeat: int) -> None:
    times, stalls, counts, sent = [], [], set(), 0
    for _ in range(repeat):
        elapsed, probe, sent = await once(db, job, now)
        times.append(elapsed)
        stalls.append(probe.stall)
        counts.add(probe.statements)
    tracemalloc.start()
    await once(db, job, now)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<18} min {min(times) * 1000:7.0f} ms  median {statistics.median(times) * 1000:7.0f} ms  "
          f"{'/'.join(map(str, sorted(counts))):>7} statements  Python peak {peak / 2**20:6.1f} MiB  "
          f"loop stall max {max(stalls) * 1000:4.0f} ms (median of runs {statistics.median(stalls) * 1000:3.0f})  "
          f"messages {sent}", flush=True)


async def steady(db: Database, repeat: int) -> None:
    """The first scan of the day committed; the next ones (15 minutes apart) find the same risks open."""
    elapsed, _probe, sent = await once(db, risks.scan, NOW_SCAN, dry=False)
    print(f"{'risk scan, commit':<18} {elapsed * 1000:7.0f} ms  {_probe.statements} statements  loop stall "
          f"{_probe.stall * 1000:4.0f} ms  messages {sent}", flush=True)
    try:
        await measure(db, "risk scan, steady", risks.scan, NOW_SCAN + dt.timedelta(minutes=15), repeat)
    finally:
        async with db.unit_of_work() as session:
            for table in ("risks", "job_runs", "outbox"):
                await session.execute(text(f"DELETE FROM {table}"))


async def run(backend: str, scale: float, repeat: int, keep: bool, per_project: list[int],
              seed_only: bool = False) -> None:
    for tasks_per in per_project:  # the same projects and people, ten times the tasks and work logs
        url, drop, seeded = await _database(backend, scale, tasks_per, keep)
        db = Database(url)
        try:
            t0 = time.perf_counter()
            if not seeded:
                await upgrade(db.engine)
                await seed(db, rows(scale, tasks_per))
                db = Database(url) if db.sqlite else db
                if keep:
                    await _mark_seeded(url, backend, scale, tasks_per)
            n_projects, n_people = sizes(scale)
            n_tasks = n_projects * tasks_per
            how = f"seeded in {time.perf_counter() - t0:.1f} s" if not seeded else "kept from an earlier run"
            print(f"\n{backend}: {n_projects} projects, {n_people} people, {n_tasks:,} tasks, "
                  f"{n_tasks * LOGS_PER_TASK:,} work logs ({how})", flush=True)
            if seed_only:
                continue
            # What the bot does once started (bot/app.py): the heap so far is moved out of the collector's
            # reach. Without it every full collection walks the seeding's leftovers too (~35 ms here): a stall
            # of the bench, not of the job.
            gc.collect()
            gc.freeze()
            await measure(db, "PMO digest", digest.daily, NOW_DIGEST, repeat)
            await measure(db, "risk scan", risks.scan, NOW_SCAN, repeat)
            await steady(db, repeat)
        finally:
            await db.dispose()
            if not keep:
                await drop()
    worker_rss = workers.peak_rss_mib()
    workers.shutdown()
    print(f"max RSS: bench {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (with seeding), "
          f"largest job worker {worker_rss:.0f} MiB")


def _admin() -> Any:
    return make_url(os.environ.get("PMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))


async def _pg(stmt: str) -> Any:
    import asyncpg  # type: ignore[import-untyped]

    admin = _admin()
    conn = await asyncpg.connect(host=admin.host, port=admin.port or 5432, user=admin.username,
                                 password=admin.password, database=admin.database or "postgres")
    try:
        return await conn.fetch(stmt)
    finally:
        await conn.close()


def _sqlite_file(scale: float, tasks_per: int, keep: bool) -> tuple[str, bool]:
    if not keep:
        return os.path.join(tempfile.mkdtemp(), "bench.db"), False
    os.makedirs(KEEP_DIR, exist_ok=True)
    path = os.path.join(KEEP_DIR, f"{_kept_name(scale, tasks_per)}.db")
    return path, os.path.exists(path + ".done")


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm", ".done"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def _touch(path: str) -> None:
    open(path, "w").close()


def _kept_name(scale: float, tasks_per: int) -> str:
    return f"pmo_bench_{str(scale).replace('.', '_')}_{tasks_per}"


async def _database(backend: str, scale: float, tasks_per: int, keep: bool) -> tuple[str, Any, bool]:
    """(URL, drop it, already seeded)."""
    if backend == "sqlite":
        path, seeded = _sqlite_file(scale, tasks_per, keep)

        async def remove() -> None:
            _remove(path)

        if keep and not seeded:
            _remove(path)
        return f"sqlite:///{path}", remove, seeded
    name = _kept_name(scale, tasks_per) if keep else f"pmo_bench_{uuid.uuid4().hex[:8]}"
    exists = bool(await _pg(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    seeded = exists and keep and bool(await _pg(f"SELECT 1 FROM pg_database WHERE datname = '{name}' AND "
                                                f"shobj_description(oid, 'pg_database') = 'seeded'"))
    if exists and not seeded:
        await _pg(f'DROP DATABASE "{name}"')
    if not seeded:
        await _pg(f'CREATE DATABASE "{name}"')
    url = _admin().set(database=name).render_as_string(hide_password=False)
    return url, lambda: _pg(f'DROP DATABASE IF EXISTS "{name}"'), seeded


async def _mark_seeded(url: str, backend: str, scale: float, tasks_per: int) -> None:
    if backend == "postgresql":
        await _pg(f"COMMENT ON DATABASE \"{_kept_name(scale, tasks_per)}\" IS 'seeded'")
    else:
        _touch(f"{make_url(url).database}.done")


async def _drop_kept(scale: float, per_project: list[int]) -> None:
    for tasks_per in per_project:
        await _pg(f'DROP DATABASE IF EXISTS "{_kept_name(scale, tasks_per)}"')
    shutil.rmtree(KEEP_DIR, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="100,1000", help="tasks per project, one run each")
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases and reuse them")
    parser.add_argument("--drop", action="store_true", help="drop the kept databases and exit")
    parser.add_argument("--seed-only", action="store_true", help="with --keep: seed and exit")
    args = parser.parse_args()
    per_project = [int(n) for n in args.sizes.split(",")]
    if args.drop:
        asyncio.run(_drop_kept(args.scale, per_project))
        return
    for backend in (["postgresql", "sqlite"] if args.backend == "both" else [args.backend]):
        asyncio.run(run(backend, args.scale, args.repeat, args.keep, per_project, args.seed_only))


if __name__ == "__main__":
    main()
