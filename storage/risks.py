"""The facts the risk rules need, aggregated in SQL, and the risks raised and resolved: a fixed number of
statements however many tasks and risks there are; big results streamed in chunks. Never commits."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, bindparam, case, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.db import core, one_of
from storage.models import ApprovalStep, ChangeRequest, Milestone, Risk, Task, TaskAssignee, WorkLog

_CHUNK = 1000  # rows turned into Python objects between two turns of the event loop: a few ms of work


@dataclass(frozen=True, slots=True)
class TaskFact:
    id: int
    project_id: int
    seq: int
    title: str
    status: str
    progress: int
    due_date: dt.date | None
    due_time: dt.time | None
    estimate: float | None
    updated_at: dt.datetime
    logged: float = 0.0
    last_log: dt.date | None = None


@dataclass(slots=True)
class Facts:
    """Everything one scan reads, for every project in scope (as rows until `materialize`)."""

    due: list[TaskFact]  # open tasks due by the horizon (overdue and due soon)
    blocked: list[TaskFact]
    overrun: list[TaskFact]  # open tasks with more hours logged than the smallest threshold allows
    idle: list[TaskFact]  # in progress, with the last day hours were logged
    milestones: list[dict[str, Any]]  # open milestones: remaining estimate, assignees, open and late tasks
    approvals: list[dict[str, Any]]  # pending change requests
    assignees: dict[int, list[int]]


def _fact(row: Any, **extra: Any) -> TaskFact:
    return TaskFact(int(row.id), int(row.project_id), int(row.seq), row.title, row.status, int(row.progress),
                    row.due_date, row.due_time, float(row.estimate_hours) if row.estimate_hours is not None else None,
                    row.updated_at, **extra)


_COLS = (Task.id, Task.project_id, Task.seq, Task.title, Task.status, Task.progress, Task.due_date, Task.due_time,
         Task.estimate_hours, Task.updated_at)


async def _chunks(conn: AsyncConnection, stmt: Any, size: int = _CHUNK) -> AsyncIterator[Sequence[Any]]:
    """A big result in chunks, with the event loop let through between them: the rows of a whole portfolio
    are turned into Python objects a few thousand at a time, never in one long stall."""
    result = await conn.stream(stmt.execution_options(yield_per=size))
    async for part in result.partitions(size):
        yield part
        await asyncio.sleep(0)


async def facts(session: AsyncSession, project_ids: Sequence[int], *, horizon: dt.date,
                min_overrun: float) -> Facts:
    """Seven statements for the whole portfolio, whatever its size; each result streamed in chunks."""
    conn = await core(session)
    pids = sorted(set(project_ids))
    in_scope = Task.project_id.in_(pids)
    open_ = Task.status != "done"

    async def tasks(stmt: Any) -> list[Any]:  # rows: `materialize` makes them TaskFacts
        out: list[Any] = []
        async for part in _chunks(conn, stmt):
            out += part
        return out

    due = await tasks(select(*_COLS).where(in_scope, open_, Task.due_date <= horizon))
    blocked = await tasks(select(*_COLS).where(in_scope, Task.status == "blocked"))
    logged = func.sum(WorkLog.hours)
    overrun = await tasks(
        select(*_COLS, logged.label("logged")).join(WorkLog, WorkLog.task_id == Task.id)
        .where(in_scope, open_, Task.estimate_hours > 0).group_by(*_COLS)
        .having(logged > Task.estimate_hours * Decimal(str(min_overrun / 100))))
    last = func.max(WorkLog.work_date)
    idle = await tasks(
        select(*_COLS, last.label("last_log")).outerjoin(WorkLog, WorkLog.task_id == Task.id)
        .where(in_scope, Task.status == "in_progress").group_by(*_COLS))
    remaining = func.sum(func.coalesce(Task.estimate_hours, 0) * (100 - Task.progress) / 100)
    milestones = [dict(r._mapping) for r in (await conn.execute(
        select(Milestone.id, Milestone.project_id, Milestone.name, Milestone.due_date,
               remaining.label("remaining"), func.count(func.distinct(Task.id)).label("open_tasks"),
               func.count(func.distinct(case((Task.due_date > Milestone.due_date, Task.id)))).label("late_tasks"),
               func.max(Task.due_date).label("latest_due"),
               func.count(func.distinct(TaskAssignee.person_id)).label("people"))
        .join(Task, and_(Task.milestone_id == Milestone.id, open_))
        .outerjoin(TaskAssignee, TaskAssignee.task_id == Task.id)
        .where(Milestone.project_id.in_(pids), Milestone.status == "open", Milestone.due_date.is_not(None))
        .group_by(Milestone.id, Milestone.project_id, Milestone.name, Milestone.due_date))).all()]
    # Pending requests with their current step (the one that has started and is not decided).
    approvals = [dict(r._mapping) for r in (await conn.execute(
        select(ChangeRequest.id, ChangeRequest.project_id, ChangeRequest.summary, ChangeRequest.requester_id,
               ApprovalStep.role, ApprovalStep.started_at)
        .join(ApprovalStep, and_(ApprovalStep.change_request_id == ChangeRequest.id,
                                 ApprovalStep.status == "pending", ApprovalStep.started_at.is_not(None)))
        .where(ChangeRequest.project_id.in_(pids), ChangeRequest.status == "pending"))).all()]
    # The owners of every task above, in one statement (a join, not an IN list that grows with the tasks).
    flagged = or_(and_(open_, Task.due_date <= horizon), Task.status.in_(["blocked", "in_progress"]),
                  and_(open_, Task.estimate_hours > 0))
    owners: dict[int, list[int]] = {}
    async for part in _chunks(conn, select(TaskAssignee.task_id, TaskAssignee.person_id)
                              .join(Task, Task.id == TaskAssignee.task_id).where(in_scope, flagged)
                              .order_by(TaskAssignee.task_id, TaskAssignee.person_id)):
        for tid, pid in part:
            owners.setdefault(int(tid), []).append(int(pid))
    return Facts(due, blocked, overrun, idle, milestones, approvals, owners)


def materialize(facts: Facts) -> Facts:
    """The rows `facts` read as TaskFacts; pure (run it in a thread: a portfolio has 100k such rows)."""
    return Facts([_fact(r) for r in facts.due], [_fact(r) for r in facts.blocked],
                 [_fact(r, logged=float(r.logged)) for r in facts.overrun],
                 [_fact(r, last_log=r.last_log) for r in facts.idle], facts.milestones, facts.approvals,
                 facts.assignees)


Key = tuple[int, str, str]  # project, rule, entity


async def open_keys(session: AsyncSession, project_ids: Sequence[int]) -> dict[Key, int]:
    """The open risks of these projects: (project, rule, entity) -> risk id (streamed; no JSON decoded)."""
    conn = await core(session)
    out: dict[Key, int] = {}
    async for part in _chunks(conn, select(Risk.id, Risk.project_id, Risk.rule, Risk.entity).where(
            Risk.project_id.in_(sorted(set(project_ids))), Risk.resolved_at.is_(None))):
        out.update({(int(p), r, e): int(i) for i, p, r, e in part})
    return out


async def resolved_on(session: AsyncSession, days: dict[int, dt.date]) -> set[Key]:
    """Risks raised on each project's day and resolved since: not raised again that day."""
    if not days:
        return set()
    conn = await core(session)
    stmt = (select(Risk.project_id, Risk.rule, Risk.entity, Risk.raised_on)
            .where(Risk.project_id.in_(sorted(days)), Risk.raised_on >= min(days.values()),
                   Risk.resolved_at.is_not(None)))
    return {(int(p), r, e) for p, r, e, d in (await conn.execute(stmt)).all() if days.get(int(p)) == d}


def pack(rows: Sequence[tuple[int, str, str, dt.date, dict[str, Any]]]) -> str:
    """New risks (project, rule, entity, day, detail) as one JSON document, the single parameter of one INSERT
    (PostgreSQL's json_array_elements, SQLite's json_each). Pure: run it off the event loop. ASCII (escaped),
    so drivers bind its megabytes without re-encoding them."""
    return json.dumps([[r[0], r[1], r[2], r[3].isoformat(), r[4]] for r in rows])


Packed = str | Path  # `pack`'s document, or a file holding it (how a job worker hands megabytes back)


def spill(packed: str) -> Path:
    """`pack`'s document in a temporary file (the caller removes it). A worker process returns the file instead
    of the string: unpickling tens of MB in the bot's process holds the GIL, and so the event loop."""
    fd, name = tempfile.mkstemp(prefix="pmo-risks-", suffix=".json")
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(packed + "\n")
    return Path(name)


def pack_only(packed: Packed, project_ids: Sequence[int]) -> Packed:
    """`pack`'s document, with only these projects' risks (a file again when it came as one)."""
    keep = set(project_ids)
    text_ = packed.read_text(encoding="ascii") if isinstance(packed, Path) else packed
    only = json.dumps([r for r in json.loads(text_) if r[0] in keep])
    return spill(only) if isinstance(packed, Path) else only


_COLUMNS = "INSERT INTO risks (project_id, rule, entity, raised_on, raised_at, detail) "
_INSERT = {
    "postgresql": text(
        _COLUMNS + "SELECT CAST(v->>0 AS INTEGER), v->>1, v->>2, CAST(v->>3 AS DATE), :at, v->4 "
        "FROM risk_rows, json_array_elements(CAST(risk_rows.doc AS JSON)) AS v "
        "ON CONFLICT (project_id, rule, entity, raised_on) DO NOTHING"),
    "sqlite": text(  # "WHERE true": SQLite would read ON CONFLICT as a join constraint
        _COLUMNS + "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
        "json_extract(value, '$[3]'), :at, json_extract(value, '$[4]') FROM json_each(:rows) WHERE true "
        "ON CONFLICT (project_id, rule, entity, raised_on) DO NOTHING"),
}
_COPY_CHUNK = 1 << 20  # bytes of the document per COPY message: short enough a turn of the event loop


async def insert_packed(session: AsyncSession, packed: Packed, *, now: dt.datetime) -> None:
    """Insert the risks `pack` prepared, in one statement however many there are (one raised earlier the
    same day, and cleared since, is not raised again: see `resolved_on`).

    SQLite binds the document in the job's thread (`Database.threaded`). PostgreSQL's driver would encode and
    send it as one bound value on the event loop (tens of MB on the first scan of the day), so
    there it is streamed a megabyte at a time with COPY into a temporary table that the INSERT reads. The
    COPY is a statement SQLAlchemy does not see (and so do not count)."""
    conn = await core(session)
    stmt = _INSERT[conn.dialect.name].bindparams(bindparam("at", type_=Risk.__table__.c.raised_at.type))
    if conn.dialect.name != "postgresql":
        if isinstance(packed, Path):
            packed = await asyncio.to_thread(packed.read_text, encoding="ascii")
        await conn.execute(stmt, {"rows": packed, "at": now})
        return
    await conn.execute(text("CREATE TEMPORARY TABLE risk_rows (doc TEXT) ON COMMIT DROP"))
    driver: Any = (await conn.get_raw_connection()).driver_connection  # asyncpg, in this transaction

    async def chunks(document: str) -> AsyncIterator[bytes]:
        for start in range(0, len(document), _COPY_CHUNK):
            yield document[start:start + _COPY_CHUNK].encode()
            await asyncio.sleep(0)
        yield b"\n"

    # CSV with a quote and a delimiter that ASCII JSON never holds (json.dumps escapes control characters),
    # so the document goes as it is: no escaping, one row, one field. A file is read by asyncpg in a thread.
    await driver.copy_to_table("risk_rows", source=packed if isinstance(packed, Path) else chunks(packed),
                               columns=["doc"], format="csv", quote="\x01", delimiter="\x02")
    await conn.execute(stmt, {"at": now})
    await conn.execute(text("DROP TABLE risk_rows"))


async def resolve(session: AsyncSession, risk_ids: Sequence[int], *, now: dt.datetime) -> None:
    """Mark these risks resolved, in one statement."""
    if risk_ids:
        conn = await core(session)
        await conn.execute(update(Risk).where(one_of(Risk.id, risk_ids, conn.dialect.name)).values(resolved_at=now))


async def details(session: AsyncSession, risk_ids: Sequence[int]) -> list[Any]:
    """These risks' (id, project_id, rule, detail), in one statement."""
    if not risk_ids:
        return []
    conn = await core(session)
    stmt = (select(Risk.id, Risk.project_id, Risk.rule, Risk.detail)
            .where(one_of(Risk.id, risk_ids, conn.dialect.name)).order_by(Risk.id))
    return list((await conn.execute(stmt)).all())


async def set_threads(session: AsyncSession, threads: dict[int, tuple[dt.date, int]]) -> None:
    """Each project's risks of its day that have no thread yet get this outbox id (one executemany)."""
    if threads:
        conn = await core(session)
        await conn.execute(_SET_THREAD, [{"pid": p, "day": d, "tid": t} for p, (d, t) in sorted(threads.items())])


_SET_THREAD = (update(Risk).where(Risk.project_id == bindparam("pid"), Risk.raised_on == bindparam("day"),
                                  Risk.thread_id.is_(None)).values(thread_id=bindparam("tid")))


async def day_threads(session: AsyncSession, days: dict[int, dt.date]) -> dict[int, int]:
    """The outbox id of each project's first risk message of its day (later messages reply in its thread)."""
    if not days:
        return {}
    stmt = (select(Risk.project_id, Risk.raised_on, func.min(Risk.thread_id))
            .where(Risk.project_id.in_(sorted(days)), Risk.raised_on >= min(days.values()),
                   Risk.thread_id.is_not(None)).group_by(Risk.project_id, Risk.raised_on))
    return {int(p): int(t) for p, d, t in (await session.execute(stmt)).all() if t is not None and days[int(p)] == d}
