"""A project's data as plain rows, for `pmo-bot export` (JSON, CSV or .xlsx), with a summary of its metrics
(bot/domain/metrics.py). People appear by platform user id. Every timestamp is UTC ISO 8601 to the second, every
date YYYY-MM-DD, every time HH:MM: one format per column."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.workdays import WorkingHours, load_calendar
from bot.domain import metrics
from handlers import export_contracts
from handlers.lookup import iso_due
from storage import changes as change_store
from storage import people, projects, tasks
from storage.models import AuditEntry, ChangeRequest, Leave, Membership, Person, StandupEntry, Task, WorkLog

COLUMNS = {
    "tasks": ["key", "title", "status", "priority", "due_date", "due_time", "assignees", "estimate_hours",
              "progress", "reporter", "created_at", "done_at"],
    "work_logs": ["task", "user", "hours", "date", "note"],
    "change_requests": ["id", "task", "type", "status", "summary", "reason", "requester", "new_due", "extra_hours",
                        "budget", "people", "impact", "approvals", "created_at", "decided_at"],
    "baselines": ["version", "change", "created_at", "snapshot"],
    "leave": ["user", "start_date", "end_date", "note", "created_at"],
    "standups": ["user", "day", "asked_at", "answered_at", "yesterday", "today", "blockers"],
    "audit": ["actor", "action", "entity", "at", "before", "after"],
}
COLUMNS.update(export_contracts.COLUMNS)  # issue 15: vendors, contracts, acceptances
TABLES = tuple(COLUMNS)
METRICS = ("completion_pct", "delay_pct", "effort_deviation_pct", "cycle_time_days", "standup_participation_pct",
           "overdue", "at_risk", "approval_lead_time_hours")
_LABELS = dict(zip(METRICS, ("metric.completion", "metric.delay", "metric.effort", "metric.cycle", "metric.standup",
                             "metric.overdue", "metric.at_risk", "metric.lead"), strict=True))


def _ts(value: dt.datetime | None) -> str | None:
    """A timestamp as UTC ISO 8601 to the second (SQLite hands some back naive: they are UTC)."""
    if value is None:
        return None
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


async def _user_ids(session: AsyncSession) -> dict[int, str]:
    """Each person's platform user id (the first identity they were seen with)."""
    return await people.external_ids(session, list((await session.scalars(select(Person.id))).all()), platform="")


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


async def export_project(session: AsyncSession, key: str, *, now: dt.datetime | None = None,
                         hours: WorkingHours | None = None) -> dict[str, Any]:
    """Every table of one project, and its metrics at `now` (the clock; the wall clock when not given)."""
    project = await projects.by_key(session, key)
    if project is None:
        raise UserError("project.not_found", key=key.upper(), hint=", ".join(await projects.all_keys(session)))
    who = await _user_ids(session)
    names = {int(i): str(n) for i, n in (await session.execute(select(Person.id, Person.display_name))).all()}
    task_rows = list((await session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.seq))).all())
    keys = {t.id: f"{project.key}-{t.seq}" for t in task_rows}
    assigned = await tasks.assignees(session, keys)
    out_tasks = [{
        "key": keys[t.id], "title": t.title, "status": t.status, "priority": t.priority,
        "due": iso_due(t.due_date, t.due_time),  # the parser's form; the tables use due_date and due_time
        "due_date": t.due_date.isoformat() if t.due_date else None,
        "due_time": t.due_time.strftime("%H:%M") if t.due_time else None,
        "assignees": [who[p] for p in assigned.get(t.id, [])],
        "assignee_names": [names.get(p, who[p]) for p in assigned.get(t.id, [])],  # what the sheets show
        "estimate_hours": _num(t.estimate_hours), "progress": t.progress, "reporter": who.get(t.reporter_id or 0),
        "created_at": _ts(t.created_at), "done_at": _ts(t.done_at),
    } for t in task_rows]
    logs = (await session.scalars(select(WorkLog).where(WorkLog.task_id.in_(list(keys)))
                                  .order_by(WorkLog.work_date, WorkLog.id))).all() if keys else []
    out_logs = [{"task": keys[w.task_id], "user": who[w.person_id], "hours": float(w.hours),
                 "date": w.work_date.isoformat(), "note": w.note} for w in logs]
    changes = (await session.scalars(select(ChangeRequest).where(ChangeRequest.project_id == project.id)
                                     .order_by(ChangeRequest.id))).all()  # drafts too (status "draft")
    steps = await change_store.steps_of(session, [c.id for c in changes])
    out_changes = [{"id": c.id, "task": keys.get(c.task_id or 0), "type": c.change_type, "status": c.status,
                    "summary": c.summary, "reason": c.reason, "requester": who[c.requester_id],
                    "new_due": c.details.get("new_due"), "extra_hours": c.details.get("extra_hours"),
                    "budget": c.details.get("budget"), "people": c.details.get("people"), "impact": c.impact,
                    "approvals": [{"role": s.role, "status": s.status, "by": who.get(s.decided_by or 0),
                                   "at": _ts(s.decided_at), "reason": s.reason or None} for s in steps.get(c.id, [])],
                    "created_at": _ts(c.created_at), "decided_at": _ts(c.decided_at)} for c in changes]
    out_baselines = [{"version": b.version, "change": b.change_request_id, "created_at": _ts(b.created_at),
                      "snapshot": b.snapshot} for b in await change_store.baselines(session, project.id)]
    members = select(Membership.person_id).where(Membership.project_id == project.id)
    out_leave = [{"user": who.get(v.person_id), "start_date": v.start_date.isoformat(),
                  "end_date": v.end_date.isoformat(), "note": v.note, "created_at": _ts(v.created_at)}
                 for v in (await session.scalars(select(Leave).where(Leave.person_id.in_(members))
                                                 .order_by(Leave.start_date, Leave.id))).all()]
    out_standups = [{"user": who.get(e.person_id), "day": e.day.isoformat(), "asked_at": _ts(e.asked_at),
                     "answered_at": _ts(e.answered_at), "yesterday": e.yesterday, "today": e.today,
                     "blockers": [i.get("text", "") for i in (e.blockers or {}).get("items", [])]}
                    for e in (await session.scalars(select(StandupEntry).where(StandupEntry.project_id == project.id)
                                                    .order_by(StandupEntry.day, StandupEntry.id))).all()]
    moment = now or dt.datetime.now(dt.UTC)
    figures, _ = await metrics.read(session, [project], now=moment, cal=await load_calendar(session),
                                    hours=hours or WorkingHours())
    summary = {"at": _ts(moment), **metrics.as_row(figures[project.id])}
    trail = (await session.scalars(select(AuditEntry).where(AuditEntry.project_id == project.id)
                                   .order_by(AuditEntry.id))).all()
    out_audit = [{"actor": who.get(a.actor_id) if a.actor_id else "cli", "action": a.action, "entity": a.entity,
                  "at": _ts(a.at), "before": a.before, "after": a.after} for a in trail]
    return {"project": {"key": project.key, "name": project.name, "timezone": project.timezone,
                        "locale": project.locale},
            "summary": summary, "tasks": out_tasks, "work_logs": out_logs, "change_requests": out_changes,
            "baselines": out_baselines, "leave": out_leave, "standups": out_standups, "audit": out_audit,
            **await export_contracts.tables(session, project, who)}


def _joiner(data: dict[str, Any]) -> str:
    return ", " if data["project"].get("locale") == "en" else "、"


def cell(value: Any, joiner: str) -> Any:
    """A value as a spreadsheet cell: a list of names or texts joined ("bob、alice"), other structures as JSON."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return joiner.join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def rows(data: dict[str, Any], table: str) -> list[list[Any]]:
    """One table as a header and rows of cells (what both CSV and .xlsx write)."""
    joiner = _joiner(data)
    shown = {"assignees": "assignee_names"}  # people by name in a sheet ("张三、李四"), by id in JSON
    return [COLUMNS[table]] + [[cell(r.get(shown.get(c, c), r.get(c)), joiner) for c in COLUMNS[table]]
                               for r in data[table]]


def summary_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The metrics sheet: metric id, its name in the project's language, value."""
    loc = data["project"].get("locale") or "zh"
    return [["metric", "name", "value"], ["at", "", data["summary"]["at"]]] + [
        [m, t(loc, _LABELS[m]), data["summary"][m]] for m in METRICS]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> Any:
    """A text cell that Excel or another spreadsheet would run as a formula ("=HYPERLINK(…)", "+1", "@SUM") gets
    a leading apostrophe, the spreadsheets' own mark for "this is text" (CSV injection; the workbook instead
    stores such cells as strings). Numbers are not text and stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(data: dict[str, Any], table: str) -> str:
    """One table as CSV, with a UTF-8 BOM: without it Excel reads the file as ANSI and shows mojibake."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    lines = summary_rows(data) if table == "summary" else rows(data, table)
    writer.writerows([csv_text(v) for v in line] for line in lines)
    return "\ufeff" + buf.getvalue()


def to_xlsx(data: dict[str, Any]) -> bytes:
    """The workbook the PMO forwards: a summary sheet of the metrics, then one sheet per table."""
    from openpyxl import Workbook  # only when a workbook is asked for
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    sheets = [("summary", summary_rows(data))] + [(table, rows(data, table)) for table in TABLES]
    for title, lines in sheets:
        ws = book.create_sheet(title)
        for line in lines:
            # Control characters are not allowed in a sheet (openpyxl refuses them): dropped, not fatal.
            ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in line])
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    c.data_type = "s"  # a title like "=1+1" is text the user wrote, never a formula
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["COLUMNS", "METRICS", "TABLES", "export_project", "rows", "summary_rows", "to_csv", "to_xlsx"]
