"""Card layouts, one home each: every reply that shows a task uses `task_card`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import forms
from bot.core.buttons import (
    ButtonData,
    ChangeDecision,
    ChangeNew,
    ConfirmNo,
    LogButton,
    TaskButton,
    UndoUpdate,
)
from bot.core.context import Ctx
from bot.core.replies import Button, Card, Field
from handlers.lookup import format_due, task_key
from storage import people, tasks, worklogs
from storage.models import ApprovalStep, ChangeRequest, Project, Task


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


async def task_card(ctx: Ctx, task: Task, project: Project, *, undo: bool = False, revert: bool = False,
                    assigned: list[int] | None = None, logged: Decimal | None = None) -> Card:
    """The task card; pass `assigned`/`logged` when the caller already knows them. `undo` offers to delete a
    just-created task, `revert` to undo the update just made."""
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
        buttons.append(TaskButton("start", key).button(ctx.t("b.start")))
    if task.status != "done":
        buttons.append(TaskButton("done", key).button(ctx.t("b.done"), "primary"))
        buttons.append(LogButton(1, key).button(ctx.t("b.log", h=1)))
        buttons.append(LogButton(2, key).button(ctx.t("b.log", h=2)))
        buttons.append(ChangeNew(key).button(ctx.t("b.change"), form=forms.CHANGE_REQUEST))
    if undo:
        buttons.append(TaskButton("undo", key).button(ctx.t("b.undo"), "danger", ctx.confirm("undo", key=key)))
    elif revert:
        buttons.append(UndoUpdate(key).button(ctx.t("b.undo"), "danger", ctx.confirm("undo", key=key)))
    if task.due_date is not None and task.status != "done":
        from bot.core.workdays import load_calendar

        if not (await load_calendar(ctx.session)).is_workday(task.due_date):
            fields.append(Field(ctx.t("f.note"), ctx.t("safety.due_not_workday", day=task.due_date.isoformat())))
    return Card(title=f"{key} {task.title}", fields=tuple(fields), buttons=tuple(buttons))


def confirm_card(ctx: Ctx, title: str, reading: str, *, yes: ButtonData, other: tuple[ButtonData, str] | None = None,
                 notes: tuple[str, ...] = ()) -> Card:
    """"Did you mean …?": the reading, then Yes / the other reading / Cancel. Nothing is written until a click;
    the click's handler re-reads the task and re-checks the clicker's permission."""
    fields = [Field(ctx.t("f.reading"), reading), *(Field(ctx.t("f.note"), n) for n in notes)]
    buttons = [yes.button(ctx.t("b.yes"), "primary")]
    if other is not None:
        buttons.append(other[0].button(other[1]))
    buttons.append(ConfirmNo().button(ctx.t("b.cancel")))
    return Card(title=title, fields=tuple(fields), buttons=tuple(buttons))


def change_lines(ctx: Ctx, change: ChangeRequest, *, budget: bool = True) -> list[str]:
    """What a change request asks for and what it costs, one line each (card field and list entries).
    `budget=False` (a vendor reader, permissions.sees_budget) leaves out the budget figures."""
    impact, lines = change.impact or {}, []
    if impact.get("new_due"):
        lines.append(ctx.t("impact.due", old=impact.get("old_due") or "-", new=impact["new_due"]))
    if impact.get("due_not_workday"):
        lines.append(ctx.t("safety.due_not_workday", day=impact["new_due"]))
    if impact.get("slip_days") is not None:
        lines.append(ctx.t("impact.slip", days=impact["slip_days"]))
    if impact.get("calendar_note"):
        lines.append(ctx.t("impact.calendar_unknown", year=impact["calendar_note"]))
    moves = impact.get("moves") or []
    if moves:
        lines.append(ctx.t("impact.moves", n=len(moves),
                           tasks=", ".join(f"{m['task']} {m['from']}→{m['to']}" for m in moves[:5])
                           + (" …" if len(moves) > 5 else "")))
    for m in impact.get("milestones") or []:
        lines.append(ctx.t("impact.breach", name=m["name"], due=m["due"]))
    if impact.get("extra_hours"):
        pct = impact.get("effort_pct")
        lines.append(ctx.t("impact.effort", hours=hours(impact["extra_hours"]), base=hours(impact.get("baseline_hours")),
                           pct=f"{pct:g}%" if pct is not None else "-"))
    if impact.get("budget_delta") and budget:
        pct, amount = impact.get("budget_pct"), f"{impact['budget_delta']:,.0f}"
        if impact.get("budget") is None or pct is None:
            lines.append(ctx.t("impact.budget_new", amount=amount))
        else:
            lines.append(ctx.t("impact.budget", amount=amount, base=f"{impact['budget']:,.0f}", pct=f"{pct:g}%"))
    if impact.get("people"):
        lines.append(ctx.t("impact.people", n=impact["people"]))
    if impact.get("reassessed_at"):
        was = ChangeRequest(impact=impact.get("previous") or {})
        at = f"{dt.datetime.fromisoformat(impact['reassessed_at']).astimezone(ZoneInfo(ctx.tz)):%m-%d %H:%M}"
        lines.append(ctx.t("impact.reassessed", at=at, was="; ".join(change_lines(ctx, was, budget=budget)) or "-"))
    return lines


def chain_note(ctx: Ctx, note: dict[str, str]) -> str:
    """Why a step of the policy is not on the chain as itself (bot/domain/approvals.merged)."""
    role = ctx.t("role." + note["role"])
    if note.get("why") in ("same", "again"):
        return ctx.t(f"change.merged_{note['why']}", role=role, by=ctx.t("role." + note.get("by", "pm")))
    return ctx.t("change.merged_none", role=role)


async def change_card(ctx: Ctx, change: ChangeRequest, project: Project, *, target: str,
                      steps: list[ApprovalStep], budget: bool = True) -> Card:
    """The approval card: what is asked, why, what it costs, who decides (and who did, when); without the
    budget figures for a vendor reader (`budget=False`)."""
    requester = (await names(ctx, [change.requester_id]))[0]
    deciders = await people.display_names(ctx.session, [s.decided_by for s in steps if s.decided_by])
    tz = ZoneInfo(project.timezone)
    chain = []
    for step in steps:
        mark = {"approved": "✅", "rejected": "❌"}.get(step.status, "⏳" if change.status == "pending" else "·")
        who = ""
        if step.decided_by and step.decided_at:
            who = f" {deciders.get(step.decided_by, '')} {step.decided_at.astimezone(tz):%m-%d %H:%M}"
        chain.append(f"{ctx.t('role.' + step.role)} {mark}{who}")
    fields = [
        Field(ctx.t("f.requester"), requester),
        Field(ctx.t("f.target"), target),
        Field(ctx.t("f.change"), change.summary or "-"),
        Field(ctx.t("f.reason"), change.reason or "-"),
        Field(ctx.t("f.impact"), "\n".join(change_lines(ctx, change, budget=budget)) or "-"),
        Field(ctx.t("f.chain"), " → ".join(chain) or "-"),
        Field(ctx.t("f.status"), ctx.t("cr_status." + change.status)),
    ]
    notes = [chain_note(ctx, n) for n in (change.details or {}).get("chain_notes") or []]
    if notes:
        fields.append(Field(ctx.t("f.chain_note"), "\n".join(notes)))
    comments = [f"{ctx.t('role.' + s.role)}: {s.reason}" for s in steps if s.status == "approved" and s.reason]
    if comments:
        fields.append(Field(ctx.t("f.approve_comment"), "\n".join(comments)))
    rejected = next((s for s in steps if s.status == "rejected"), None)
    if rejected is not None and rejected.reason:
        fields.append(Field(ctx.t("f.reject_reason"), rejected.reason))
    buttons: tuple[Button, ...] = ()
    if change.status == "pending":
        buttons = (ChangeDecision("approve", change.id).button(ctx.t("b.approve"), "primary"),
                   ChangeDecision("reject", change.id).button(ctx.t("b.reject"), "danger",
                                                              ctx.confirm("reject", id=change.id),
                                                              form=forms.CHANGE_REJECT),
                   ChangeDecision("withdraw", change.id).button(ctx.t("b.withdraw"),
                                                                confirm=ctx.confirm("withdraw", id=change.id)))
    title = f"CR-{change.id} {ctx.t('ct.' + change.change_type)} · {target}"
    return Card(title=title, fields=tuple(fields), buttons=buttons)
