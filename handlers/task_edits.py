"""Task edits besides status (rename, priority, estimate, co-assignees, "我接了", done with hours) and remarks
kept in a task's history (a forecast, or news that unblocks it). Every field change goes through
`tasks.apply_update`, the one place task fields change and are permission-checked."""

from __future__ import annotations

from typing import Any

from bot.core.buttons import ConfirmFinish
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.nlu.intents import EditTask, LogEntry, LogHours, TaskNote
from handlers import lookup, permissions
from handlers.cards import task_card, user_refs
from handlers.tasks import apply_update
from storage import tasks


async def edit_task(intent: EditTask, ctx: Ctx) -> list[Reply]:
    """Rename, reprioritise, re-estimate, add people to, take, or finish-and-log a task."""
    if intent.task is None and intent.done_hours is not None:
        return await _which_finished(ctx, intent.done_hours)
    task, project = await lookup.task(ctx, intent.task)
    if intent.weak and intent.done_hours is not None:
        from handlers import confirm

        return await confirm.finish(ctx, lookup.task_key(project, task), task.title, intent.done_hours)
    changes: dict[str, Any] = {}
    if intent.title:
        changes["title"] = lookup.cut(ctx, intent.title, ctx.settings.max_title)
    if intent.priority:
        changes["priority"] = intent.priority
    if intent.estimate_hours is not None:
        changes["estimate_hours"] = intent.estimate_hours
    if intent.add_assignees or intent.take:
        current = (await tasks.assignees(ctx.session, [task.id])).get(task.id, [])
        refs = await user_refs(ctx, current)
        wanted = list(intent.add_assignees) if intent.add_assignees else [ctx.actor_ref]
        changes["assignees"] = list(dict.fromkeys([*refs, *wanted]))
    if intent.done_hours is not None:
        replies = await apply_update(ctx, task, project, {"status": "done"}) if task.status != "done" else []
        from handlers.worklogs import log_hours

        key = lookup.task_key(project, task)
        replies += await log_hours(LogHours(entries=[LogEntry(task=key, hours=intent.done_hours)]), ctx)
        return replies
    if not changes:
        raise UserError("task.nothing_to_update", key=lookup.task_key(project, task))
    return await apply_update(ctx, task, project, changes)


async def task_note(intent: TaskNote, ctx: Ctx) -> list[Reply]:
    """Keep a remark in each named task's history; a blocked (or not started) task that is resumed goes back in
    progress. A forecast never moves the due date: that is the PM's change, or a change request."""
    replies: list[Reply] = []
    for key in [intent.task, *intent.also]:
        task, project = await lookup.task(ctx, key)
        role = await permissions.require_act(ctx, project)
        tkey = lookup.task_key(project, task)
        note = lookup.cut(ctx, intent.note, ctx.settings.max_note)
        await ctx.audit("task.commented", f"task:{tkey}", project_id=project.id, after={"comment": note})
        if intent.resume and task.status in ("blocked", "todo"):
            current = (await tasks.assignees(ctx.session, [task.id])).get(task.id, [])
            if permissions.may_touch(role, task, current, ctx.actor_id):
                replies += await apply_update(ctx, task, project, {"status": "in_progress"})
                continue
        said = "safety.noted_resume" if intent.resume else "safety.noted"
        replies.append(ctx.reply(ctx.t(said, key=tkey, note=note), card=await task_card(ctx, task, project)))
    return replies


async def _which_finished(ctx: Ctx, hours: float) -> list[Reply]:
    """"done, took 30 mins" without a key: the writer's open tasks as buttons (`ok:fin:KEY:H`)."""
    mine = await tasks.open_assigned(ctx.session, ctx.actor.id) if ctx.actor else []
    said = f"{hours:g}"
    keys = [lookup.task_key(p, t) for t, p in mine[:4]]
    buttons = tuple(ConfirmFinish(k, float(said)).button(f"{k} ✓ {said}h") for k in keys)
    raise UserError("log.which_task", hint=", ".join(keys) or "-", buttons=buttons)


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("task_edits")
router.on_intent(TaskNote, task_note)
router.on_intent(EditTask, edit_task)
