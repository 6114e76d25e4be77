"""Card layouts, one home each: every reply that shows a task uses `task_card`."""

from __future__ import annotations

from decimal import Decimal

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
