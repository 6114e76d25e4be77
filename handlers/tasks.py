"""Create and update tasks, by message or by card button."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from bot.core.buttons import TaskButton
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.nlu.intents import CreateTask, UpdateTask
from handlers import lookup, permissions
from handlers.cards import names, show_change, task_card, user_refs
from storage import projects, tasks
from storage.models import Project, Task, WorkLog

UNDO_WINDOW = dt.timedelta(minutes=15)


async def _members(ctx: Ctx, project: Project, tokens: list[str]) -> list[int]:
    """Resolve mentions to people who are on the project (anyone else gets a clear refusal)."""
    ids = []
    for token in tokens:
        person = await lookup.person(ctx, token)
        if await projects.role(ctx.session, project.id, person.id) is None:
            raise UserError("task.assignee_not_member", name=person.display_name, project=project.key)
        ids.append(person.id)
    return list(dict.fromkeys(ids))


def _estimate(value: float | None) -> Decimal | None:
    if value is None:
        return None
    if not 0 < value <= 10000:
        raise UserError("task.bad_estimate", value=f"{value:g}")
    return Decimal(str(round(value, 2)))


def snapshot(task: Task, assignees: list[str] | None = None) -> dict[str, Any]:
    """The audited view of a task."""
    out: dict[str, Any] = {
        "title": task.title, "status": task.status, "priority": task.priority, "progress": task.progress,
        "due": lookup.iso_due(task.due_date, task.due_time),
        "estimate_hours": float(task.estimate_hours) if task.estimate_hours is not None else None,
    }
    if assignees is not None:
        out["assignees"] = assignees
    return out


async def _notify_assigned(ctx: Ctx, person_ids: list[int], key: str, title: str) -> list[Reply]:
    """Tell people other than the actor that a task is now theirs, by direct message."""
    from storage import people

    others = [p for p in person_ids if p != ctx.actor_id]
    refs = await people.external_ids(ctx.session, others, ctx.platform)
    by = ctx.actor.display_name if ctx.actor else "PMO"
    return [Reply(text=ctx.t("task.assigned_to_you", key=key, title=title, by=by), user=refs[p]) for p in others]


async def create_task(intent: CreateTask, ctx: Ctx) -> list[Reply]:
    """Create a task from a message; it is assigned to the sender unless someone is mentioned."""
    project = await lookup.project(ctx, intent.project)
    await permissions.require_act(ctx, project)
    permissions.require_open(project)
    title = lookup.cut(ctx, intent.title or "", ctx.settings.max_title)
    if not title:
        raise UserError("task.empty_title")
    assignee_ids = await _members(ctx, project, intent.assignees) if intent.assignees else []
    if not assignee_ids and ctx.actor is not None:
        assignee_ids = [ctx.actor.id]
    due_date, due_time = lookup.parse_when(intent.due) if intent.due else (None, None)
    seq = await projects.next_task_seq(ctx.session, project.id)
    task = Task(project_id=project.id, seq=seq, title=title, reporter_id=ctx.actor_id,
                priority=intent.priority or "P2", due_date=due_date, due_time=due_time,
                estimate_hours=_estimate(intent.estimate_hours), progress=0, status="todo",
                custom_fields={}, created_at=ctx.now, updated_at=ctx.now)
    ctx.session.add(task)
    await ctx.session.flush()
    await tasks.set_assignees(ctx.session, task.id, assignee_ids, new=True)
    key = lookup.task_key(project, task)
    await ctx.audit("task.created", f"task:{key}", project_id=project.id,
                    after=snapshot(task, await user_refs(ctx, assignee_ids)))
    card = await task_card(ctx, task, project, undo=True, assigned=sorted(assignee_ids), logged=Decimal(0))
    for warning in intent.warnings:  # "by Thursday, Dec 4": the date was kept; say that it is a Friday
        if warning.get("code") == "weekday_mismatch" and due_date is not None:
            ctx.notices.append(ctx.t("notice.weekday_mismatch", date=warning["date"], said=warning["said"],
                                     actual=ctx.t(f"weekday.{due_date.weekday()}")))
    replies = [ctx.reply(ctx.t("task.created", key=key, title=title), card=card)]
    return replies + await _notify_assigned(ctx, assignee_ids, key, title)


async def update_task(intent: UpdateTask, ctx: Ctx) -> list[Reply]:
    """Change a task's status, progress, assignees or due date; the same change to every key named."""
    if intent.weak and (intent.status == "done" or intent.due or intent.assignees):
        from handlers import confirm

        return await confirm.update(intent, ctx)
    if intent.also:
        return await _update_each(intent, ctx)
    return await _update_one(intent, ctx)


async def _update_each(intent: UpdateTask, ctx: Ctx) -> list[Reply]:
    """"CRM-16,CRM-18 都完成了": each key in turn; the reply says which could not be changed and why."""
    replies: list[Reply] = []
    failed: list[str] = []
    for key in [intent.task, *intent.also]:
        try:
            async with ctx.session.begin_nested():  # a refused key leaves the others' changes standing
                replies += await _update_one(dataclasses.replace(intent, task=key, also=[]), ctx)
        except UserError as refusal:
            failed.append(f"{key}: {ctx.t(refusal.key, **refusal.params)}")
    if failed:
        replies.insert(0, ctx.reply(ctx.t("safety.some_failed", n=len(failed), lines="\n".join(failed))))
    return replies


async def _update_one(intent: UpdateTask, ctx: Ctx) -> list[Reply]:
    verb = {"done": "done", "in_progress": "start"}.get(intent.status or "")
    if verb and intent.progress is None and not intent.assignees and not intent.due:
        task, project = await lookup.task(
            ctx, intent.task, retry=lambda k: TaskButton(verb, k).button(f"{k} {ctx.t('b.' + verb)}"))
    else:
        task, project = await lookup.task(ctx, intent.task)
    changes: dict[str, Any] = {}
    if intent.status:
        changes["status"] = intent.status
    if intent.progress is not None:
        changes["progress"] = intent.progress
    if intent.assignees:
        changes["assignees"] = intent.assignees
    if intent.due:
        changes["due"] = intent.due
    if not changes:
        raise UserError("task.nothing_to_update", key=lookup.task_key(project, task))
    return await apply_update(ctx, task, project, changes)


_OWN_FIELDS = ("status", "progress", "title", "priority", "estimate_hours")


async def apply_update(ctx: Ctx, task: Task, project: Project, changes: dict[str, Any], *,
                       reverting: bool = False) -> list[Reply]:
    """The one place task fields change: permission checks, derived fields, audit and reply. ``reverting``
    marks an undo (audited as task.reverted, so a second undo does not redo it)."""
    role = await permissions.require_act(ctx, project)
    key = lookup.task_key(project, task)
    current = (await tasks.assignees(ctx.session, [task.id])).get(task.id, [])
    if any(f in changes for f in _OWN_FIELDS) and not permissions.may_touch(role, task, current, ctx.actor_id):
        raise UserError("perm.not_yours", key=key)
    new_assignees: list[int] | None = None
    if "assignees" in changes:
        # Handing your own task on is fine; anyone else's (a co-assignee's too) is the PM's call. Adding people
        # while keeping everyone is fine for an assignee ("加上 @张伟"), and adding yourself for anyone ("我接了").
        new_assignees = await _members(ctx, project, changes["assignees"])
        keeps = set(current) <= set(new_assignees)
        joins = keeps and set(new_assignees) - set(current) <= {ctx.actor_id}
        if role not in permissions.MANAGING and any(p != ctx.actor_id for p in current) \
                and not (keeps and ctx.actor_id in current) and not joins and not reverting:
            raise UserError("perm.manager_only", project=project.key, what=ctx.t("what.reassign"))
    if "due" in changes and not reverting:  # undoing your own due change (made as the PM) is not a new one
        await permissions.require_manage(ctx, project, what="what.due")
    current_refs = await user_refs(ctx, current)
    before = snapshot(task, current_refs)
    _apply_fields(ctx, task, changes)
    if new_assignees is not None:
        await tasks.set_assignees(ctx.session, task.id, new_assignees)
    after = snapshot(task, await user_refs(ctx, new_assignees) if new_assignees is not None else current_refs)
    diff_before = {k: v for k, v in before.items() if after.get(k) != v}
    diff_after = {k: after[k] for k in diff_before}
    if not diff_after:
        return [ctx.reply(ctx.t("task.unchanged", key=key), card=await task_card(ctx, task, project))]
    task.updated_at = ctx.now
    await ctx.audit("task.reverted" if reverting else "task.updated", f"task:{key}", project_id=project.id,
                    before=diff_before, after=diff_after)
    shown_before, shown_after = dict(diff_before), dict(diff_after)
    if "assignees" in diff_after:  # replies name people; the audit keeps their platform ids
        shown_before["assignees"] = await names(ctx, current)
        shown_after["assignees"] = await names(ctx, new_assignees or [])
    summary = show_change(ctx, shown_before, shown_after)
    card = await task_card(ctx, task, project, assigned=new_assignees if new_assignees is not None else current,
                           revert=not reverting)
    replies = [ctx.reply(ctx.t("task.reverted" if reverting else "task.updated", key=key, summary=summary), card=card)]
    if new_assignees is not None:
        replies += await _notify_assigned(ctx, [p for p in new_assignees if p not in current], key, task.title)
    from handlers import verify  # issue 15: vendor-reported done awaits the client's verification

    replies += await verify.after_update(ctx, task, project, diff_after,
                                         new_assignees if new_assignees is not None else current)
    return replies


def _apply_fields(ctx: Ctx, task: Task, changes: dict[str, Any]) -> None:
    status, progress = changes.get("status"), changes.get("progress")
    if progress is not None:
        if not 0 <= int(progress) <= 100:
            raise UserError("task.bad_progress", value=progress)
        task.progress = int(progress)
        if status is None:
            if task.progress == 100:
                status = "done"
            elif task.progress > 0 and task.status in ("todo", "done"):
                status = "in_progress"
    if status is not None:
        if status == "done":
            task.progress, task.done_at = 100, task.done_at or ctx.now
        elif task.status == "done":  # reopened
            task.done_at = None
            if progress is None and task.progress == 100:
                task.progress = 0
        task.status = status
    if "due" in changes:
        task.due_date, task.due_time = lookup.parse_when(changes["due"]) if changes["due"] else (None, None)
    if changes.get("title"):
        task.title = str(changes["title"])
    if changes.get("priority") in ("P0", "P1", "P2", "P3"):
        task.priority = changes["priority"]
    if "estimate_hours" in changes:
        value = changes["estimate_hours"]
        task.estimate_hours = _estimate(float(value)) if value is not None else None


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """Card buttons `task:start:KEY`, `task:done:KEY`, `task:undo:KEY`."""
    clicked = TaskButton.unpack(action)
    verb, key = clicked.verb, clicked.key
    task, project = await lookup.task(ctx, key)
    wanted = {"start": "in_progress", "done": "done"}.get(verb)
    if wanted is not None:
        if task.status == wanted or (verb == "start" and task.status != "todo"):
            # A second click (or a stale card) changes nothing; only the clicker hears about it.
            return [Reply(text=ctx.t("task.already", key=key, status=ctx.t(f"status.{task.status}")), ephemeral=True)]
        replies = await apply_update(ctx, task, project, {"status": wanted})
        return [dataclasses.replace(replies[0], replace=True), *replies[1:]]
    if verb == "undo":
        return await _undo_create(ctx, task, project)
    raise UserError("action.unknown")


async def from_form(values: dict[str, Any], ctx: Ctx) -> list[Reply]:
    """The "create task" form (Slack modal): the same rules as a typed request."""
    estimate = values.get("estimate_hours")
    try:
        hours = float(estimate) if estimate not in (None, "") else None
    except (TypeError, ValueError):
        raise UserError("task.bad_estimate", value=str(estimate)[:20]) from None
    intent = CreateTask(title=str(values.get("title") or "").strip() or None,
                        assignees=[str(a) for a in values.get("assignees") or []],
                        due=values.get("due") or None, priority=values.get("priority") or None,
                        estimate_hours=hours, project=values.get("project") or None)
    return await create_task(intent, ctx)


async def _undo_create(ctx: Ctx, task: Task, project: Project) -> list[Reply]:
    """Delete a just-created task: only its reporter, within the undo window, before any hours are logged."""
    key = lookup.task_key(project, task)
    logged = (await ctx.session.execute(select(func.count()).where(WorkLog.task_id == task.id))).scalar_one()
    if task.reporter_id != ctx.actor_id or ctx.now - task.created_at > UNDO_WINDOW or logged:
        raise UserError("task.undo_refused", key=key)
    before = snapshot(task)
    await ctx.session.execute(delete(Task).where(Task.id == task.id))
    await ctx.audit("task.deleted", f"task:{key}", project_id=project.id, before=before)
    return [ctx.reply(ctx.t("task.undone", key=key), replace=True)]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("tasks")
router.on_intent(CreateTask, create_task)
router.on_intent(UpdateTask, update_task)
router.on_action("task", on_button)
router.on_form("create_task", from_form)
