"""Card layouts, one home each: every reply that shows a task uses `task_card`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.model import Button, Card, Field
from handlers.context import Ctx
from handlers.lookup import format_due, task_key
from storage import people, tasks, worklogs
from storage.models import Project, Task


def hours(value: Decimal | float | None) -> str:
    if value is None:
        return "-"
    return f"{float(value):g}h"


async def names(ctx: Ctx, person_ids: list[int]) -> list[str]:
    """Display names in the given order, in one query."""
    known = await people.display_names(ctx.session, person_ids)
    return [known.get(pid, str(pid)) for pid in person_ids]


def show_value(ctx: Ctx, field: str, value: Any) -> str:
    """One audited field value as people read it (the one home for that, for replies and history)."""
    if value is None or value == []:
        return "-"
    if field == "status":
        return ctx.t(f"status.{value}")
    if field == "assignees" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if field == "progress":
        return f"{value}%"
    if field == "estimate_hours":
        return hours(value)
    return str(value).replace("T", " ") if field == "due" else str(value)


def show_change(ctx: Ctx, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """`Status: to do → done; Progress: 0% → 100%`."""
    before = before or {}
    return "; ".join(f"{ctx.t('f.' + k)}: {show_value(ctx, k, before.get(k))} → {show_value(ctx, k, v)}"
                     for k, v in (after or {}).items())


async def user_refs(ctx: Ctx, person_ids: list[int]) -> list[str]:
    """People as their platform user ids (how the audit trail and exports name them)."""
    refs = await people.external_ids(ctx.session, person_ids, ctx.platform)
    return [refs[p] for p in person_ids]


async def task_card(ctx: Ctx, task: Task, project: Project, *, undo: bool = False,
                    assigned: list[int] | None = None, logged: Decimal | None = None) -> Card:
    """The task card; pass `assigned`/`logged` when the caller already knows them."""
    key = task_key(project, task)
    if assigned is None:
        assigned = (await tasks.assignees(ctx.session, [task.id])).get(task.id, [])
    if logged is None:
        logged = await worklogs.task_total(ctx.session, task.id)
    fields = [
        Field(ctx.t("f.status"), ctx.t(f"status.{task.status}")),
        Field(ctx.t("f.priority"), task.priority),
        Field(ctx.t("f.assignees"), ", ".join(await names(ctx, assigned)) or "-"),
        Field(ctx.t("f.due"), format_due(task.due_date, task.due_time) or "-"),
        Field(ctx.t("f.estimate"), hours(task.estimate_hours)),
        Field(ctx.t("f.progress"), f"{task.progress}%"),
        Field(ctx.t("f.logged"), hours(logged)),
    ]
    buttons = []
    if task.status == "todo":
        buttons.append(Button(f"task:start:{key}", ctx.t("b.start")))
    if task.status != "done":
        buttons.append(Button(f"task:done:{key}", ctx.t("b.done"), "primary"))
        buttons.append(Button(f"log:1:{key}", ctx.t("b.log", h=1)))
        buttons.append(Button(f"log:2:{key}", ctx.t("b.log", h=2)))
    if undo:
        buttons.append(Button(f"task:undo:{key}", ctx.t("b.undo"), "danger"))
    return Card(title=f"{key} {task.title}", fields=tuple(fields), buttons=tuple(buttons))
