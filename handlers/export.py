"""A project's data as plain rows, for `pmo-bot export` (JSON or CSV). People appear by platform user id."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import export_contracts
from handlers.errors import UserError
from handlers.lookup import iso_due
from storage import changes as change_store
from storage import people, projects, tasks
from storage.models import AuditEntry, ChangeRequest, Person, Task, WorkLog

COLUMNS = {
    "tasks": ["key", "title", "status", "priority", "due", "assignees", "estimate_hours", "progress", "reporter",
              "created_at", "done_at"],
    "work_logs": ["task", "user", "hours", "date", "note"],
    "change_requests": ["id", "task", "type", "status", "summary", "reason", "requester", "new_due", "extra_hours",
                        "budget", "people", "impact", "approvals", "created_at", "decided_at"],
    "baselines": ["version", "change", "created_at", "snapshot"],
    "audit": ["actor", "action", "entity", "at", "before", "after"],
}
COLUMNS.update(export_contracts.COLUMNS)  # issue 15: vendors, contracts, acceptances
TABLES = tuple(COLUMNS)


async def _user_ids(session: AsyncSession) -> dict[int, str]:
    """Each person's platform user id (the first identity they were seen with)."""
    return await people.external_ids(session, list((await session.scalars(select(Person.id))).all()), platform="")


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


async def export_project(session: AsyncSession, key: str) -> dict[str, Any]:
    project = await projects.by_key(session, key)
    if project is None:
        raise UserError("project.not_found", key=key.upper(), hint=", ".join(await projects.all_keys(session)))
    who = await _user_ids(session)
    task_rows = list((await session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.seq))).all())
    keys = {t.id: f"{project.key}-{t.seq}" for t in task_rows}
    assigned = await tasks.assignees(session, keys)
    out_tasks = [{
        "key": keys[t.id], "title": t.title, "status": t.status, "priority": t.priority,
        "due": iso_due(t.due_date, t.due_time), "assignees": [who[p] for p in assigned.get(t.id, [])],
        "estimate_hours": _num(t.estimate_hours), "progress": t.progress, "reporter": who.get(t.reporter_id or 0),
        "created_at": t.created_at.isoformat(), "done_at": t.done_at.isoformat() if t.done_at else None,
    } for t in task_rows]
    logs = (await session.scalars(select(WorkLog).where(WorkLog.task_id.in_(list(keys)))
                                  .order_by(WorkLog.work_date, WorkLog.id))).all() if keys else []
    out_logs = [{"task": keys[w.task_id], "user": who[w.person_id], "hours": float(w.hours),
                 "date": w.work_date.isoformat(), "note": w.note} for w in logs]
    changes = (await session.scalars(select(ChangeRequest).where(ChangeRequest.project_id == project.id,
                                                                 ChangeRequest.status != "draft")
                                     .order_by(ChangeRequest.id))).all()
    steps = await change_store.steps_of(session, [c.id for c in changes])
    out_changes = [{"id": c.id, "task": keys.get(c.task_id or 0), "type": c.change_type, "status": c.status,
                    "summary": c.summary, "reason": c.reason, "requester": who[c.requester_id],
                    "new_due": c.details.get("new_due"), "extra_hours": c.details.get("extra_hours"),
                    "budget": c.details.get("budget"), "people": c.details.get("people"), "impact": c.impact,
                    "approvals": [{"role": s.role, "status": s.status, "by": who.get(s.decided_by or 0),
                                   "at": s.decided_at.isoformat() if s.decided_at else None,
                                   "reason": s.reason or None} for s in steps[c.id]],
                    "created_at": c.created_at.isoformat(),
                    "decided_at": c.decided_at.isoformat() if c.decided_at else None} for c in changes]
    out_baselines = [{"version": b.version, "change": b.change_request_id, "created_at": b.created_at.isoformat(),
                      "snapshot": b.snapshot} for b in await change_store.baselines(session, project.id)]
    trail = (await session.scalars(select(AuditEntry).where(AuditEntry.project_id == project.id)
                                   .order_by(AuditEntry.id))).all()
    out_audit = [{"actor": who.get(a.actor_id) if a.actor_id else "cli", "action": a.action, "entity": a.entity,
                  "at": a.at.isoformat(), "before": a.before, "after": a.after} for a in trail]
    return {"project": {"key": project.key, "name": project.name, "timezone": project.timezone,
                        "locale": project.locale},
            "tasks": out_tasks, "work_logs": out_logs, "change_requests": out_changes, "baselines": out_baselines,
            "audit": out_audit, **await export_contracts.tables(session, project, who)}


def to_csv(data: dict[str, Any], table: str) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS[table], lineterminator="\n")
    writer.writeheader()
    for row in data[table]:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                         for k, v in row.items()})
    return buf.getvalue()


__all__ = ["TABLES", "export_project", "to_csv"]
