"""Taking things back, and the honest answers to messages that must not write.

"撤销" / "undo" / "never mind" undo the writer's latest undoable act (an open draft request first, then the
newest of: a work log, a task update, a task just created); "undo CRM-19", "撤销工时", "取消变更" name which.
Buttons `undo:log:ID` and `undo:upd:KEY` are the Undo on log and update replies. Everything is re-read from the
database and re-checked (only the writer undoes their own act, within UNDO_WINDOW).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select

from bot.core.buttons import UndoLog, UndoUpdate, unpack_any
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.nlu.intents import Cancel, Negated, Unanswered
from handlers import lookup, permissions
from handlers.cards import hours as fmt_hours
from storage import changes, tasks
from storage.models import AuditEntry, ChangeRequest, Leave, Project, Task, WorkLog

UNDO_WINDOW = dt.timedelta(hours=2)  # how far back a text "撤销" reaches
_ACTIONS = {"log": ("worklog.created",), "task": ("task.created", "task.updated", "worklog.created"),
            "update": ("task.updated",), "last": ("task.created", "task.updated", "worklog.created", "leave.added")}
_TAKEN_BACK = ("task.reverted", "task.deleted", "worklog.deleted", "leave.removed", "leave.cancelled")


async def negated(intent: Negated, ctx: Ctx) -> list[Reply]:
    """"别给我记 CRM-21 2小时": say that nothing was done, and how to undo if something had been."""
    what = ctx.t("act." + intent.act) if intent.act else "-"
    task = intent.task or ""
    if task and ctx.locale == "zh":
        task += " "
    return [ctx.reply(ctx.t("safety.negated", what=what, task=task).replace("  ", " "))]


async def unanswered(intent: Unanswered, ctx: Ctx) -> list[Reply]:
    """A question the bot cannot answer yet: say so; never turn it into a write."""
    if intent.looks_like == "leave_other":
        return [ctx.reply(ctx.t("safety.leave_own_only"))]
    return [ctx.reply(ctx.t("safety.cant_answer"))]


async def cancel(intent: Cancel, ctx: Ctx) -> list[Reply]:
    """Cancel or undo the thing named, and say what happened."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    if intent.what == "leave":  # one home for cancelling leave: handlers/leave.py (all of it from today on)
        from bot.nlu.intents import LeaveAction
        from handlers import leave

        return await leave.leave_action(LeaveAction(action="cancel"), ctx)
    if intent.what in ("change", "last"):
        from handlers.changes import drop_reject

        kept = await drop_reject(ctx)
        if kept is not None:
            return kept
    if intent.what in ("change", "last"):
        draft = await changes.open_draft(ctx.session, ctx.actor.id, ctx.now - dt.timedelta(minutes=30))
        if draft is not None:
            from handlers.changes import decide

            return await decide(ctx, draft.id, "withdraw", reason=None, clicked=False)
        if intent.what == "change":
            # "撤回我的变更申请": the writer's one pending request; with several, they name it (CR-n).
            from sqlalchemy import select as sel

            mine = (await ctx.session.scalars(sel(ChangeRequest).where(
                ChangeRequest.requester_id == ctx.actor.id, ChangeRequest.status == "pending").limit(2))).all()
            if len(mine) == 1:
                from handlers.changes import decide

                return await decide(ctx, mine[0].id, "withdraw", reason=None, clicked=False)
            return [ctx.reply(ctx.t("safety.no_draft"))]
    entry = await _latest(ctx, _ACTIONS.get(intent.what, _ACTIONS["last"]), intent.task)
    if entry is None:
        return [ctx.reply(ctx.t("safety.nothing_to_undo"))]
    return await _undo(ctx, entry)


async def _latest(ctx: Ctx, actions: tuple[str, ...], key: str | None) -> AuditEntry | None:
    """The writer's newest act of these kinds (on `key`'s task) that is still there to undo."""
    stmt = (select(AuditEntry).where(AuditEntry.actor_id == ctx.actor_id, AuditEntry.at >= ctx.now - UNDO_WINDOW,
                                     AuditEntry.action.in_([*actions, *_TAKEN_BACK]))
            .order_by(AuditEntry.id.desc()).limit(50))
    rows = (await ctx.session.scalars(stmt)).all()
    taken_back: set[str] = set()
    for row in rows:
        if row.action in _TAKEN_BACK:
            taken_back.add(_undo_ref(row))
            continue
        if row.action not in actions or _undo_ref(row) in taken_back:
            continue
        if key is not None and _task_key(row) != key.upper():
            continue
        if row.action == "task.updated":
            taken_back.add(row.entity)  # only the newest update of a task can be reverted
        return row
    return None


def _undo_ref(row: AuditEntry) -> str:
    """What an act and its undoing have in common: the entity, and for leave (entity: the person) its dates."""
    if row.action.startswith("leave."):
        dates = row.after or row.before or {}
        return f"{row.entity}:{dates.get('start')}:{dates.get('end')}"
    return row.entity


def _task_key(row: AuditEntry) -> str | None:
    if row.entity.startswith("task:"):
        return row.entity[5:]
    return str((row.after or {}).get("task") or "") or None


async def _undo(ctx: Ctx, row: AuditEntry) -> list[Reply]:
    if row.action == "worklog.created":
        return await undo_log(ctx, int(row.entity.split(":", 1)[1]))
    if row.action == "leave.added":
        return await _undo_leave(ctx, row)
    key = row.entity.split(":", 1)[1]
    if row.action == "task.created":
        from handlers.tasks import _undo_create

        task, project = await lookup.task(ctx, key)
        return await _undo_create(ctx, task, project)
    return await revert(ctx, key, row)


async def _undo_leave(ctx: Ctx, row: AuditEntry) -> list[Reply]:
    """Remove the leave the writer just recorded ("明天请假" then "撤销")."""
    after = row.after or {}
    start, end = dt.date.fromisoformat(after["start"]), dt.date.fromisoformat(after["end"])
    await ctx.session.execute(delete(Leave).where(Leave.person_id == ctx.actor_id, Leave.start_date == start,
                                                  Leave.end_date == end))
    await ctx.audit("leave.removed", row.entity, before={"start": after["start"], "end": after["end"]})
    return [ctx.reply(ctx.t("safety.leave_undone", start=after["start"], end=after["end"]))]


async def undo_log(ctx: Ctx, log_id: int) -> list[Reply]:
    """Delete one of the writer's own work logs."""
    row = await ctx.session.get(WorkLog, log_id)
    if row is None:
        return [Reply(text=ctx.t("safety.already_undone"), ephemeral=True)]
    if row.person_id != ctx.actor_id:
        raise UserError("safety.not_your_log")
    task = await ctx.session.get(Task, row.task_id)
    project = await ctx.session.get(Project, task.project_id) if task is not None else None
    if task is None or project is None:
        raise UserError("safety.nothing_to_undo")
    await permissions.require_act(ctx, project)
    key = lookup.task_key(project, task)
    before = {"task": key, "hours": float(row.hours), "date": row.work_date.isoformat(), "note": row.note}
    await ctx.session.execute(delete(WorkLog).where(WorkLog.id == row.id))
    await ctx.audit("worklog.deleted", f"worklog:{log_id}", project_id=project.id, before=before)
    return [ctx.reply(ctx.t("safety.log_undone", key=key, hours=fmt_hours(row.hours), day=row.work_date.isoformat()),
                      replace=True)]


async def revert(ctx: Ctx, key: str, row: AuditEntry | None = None) -> list[Reply]:
    """Put back what the writer's latest update of the task changed, if nobody changed it since."""
    if row is None:
        row = await _latest(ctx, ("task.updated",), key)
    if row is None:
        return [Reply(text=ctx.t("safety.nothing_to_undo"), ephemeral=True)]
    from handlers.tasks import apply_update, snapshot

    task, project = await lookup.task(ctx, key)
    assignees = (await tasks.assignees(ctx.session, [task.id])).get(task.id, [])
    from handlers.cards import user_refs

    now_state = snapshot(task, await user_refs(ctx, assignees))
    after: dict[str, Any] = row.after or {}
    if any(now_state.get(k) != v for k, v in after.items()):
        raise UserError("safety.changed_since", key=key)
    back = dict(row.before or {})
    if "assignees" in back and not back["assignees"]:
        back.pop("assignees")  # "nobody" is not a reassignment the update path can make
    return await apply_update(ctx, task, project, back, reverting=True)


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """Undo buttons: `undo:log:ID` (a work log), `undo:upd:KEY` (the update just made)."""
    clicked = unpack_any(action, UndoLog, UndoUpdate)
    if isinstance(clicked, UndoLog):
        return await undo_log(ctx, clicked.log)
    assert isinstance(clicked, UndoUpdate)
    return await revert(ctx, clicked.key)


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("undo")
router.on_intent(Cancel, cancel)
router.on_intent(Negated, negated)
router.on_intent(Unanswered, unanswered)
router.on_action("undo", on_button)
