"""Record change requests and standup answers (their workflows build on these rows)."""

from __future__ import annotations

from bot.model import Reply
from bot.nlu.intents import RequestChange, Standup
from handlers import lookup, permissions
from handlers.context import Ctx
from handlers.errors import UserError
from storage.models import CHANGE_TYPES, ChangeRequest


async def request_change(intent: RequestChange, ctx: Ctx) -> list[Reply]:
    """Store a pending change request with what it asks for; approval is a separate workflow."""
    if intent.task:
        task, project = await lookup.task(ctx, intent.task)
        task_id: int | None = task.id
    else:
        project, task_id = await lookup.project(ctx, intent.project), None
    await permissions.require_act(ctx, project)
    if ctx.actor is None:
        raise UserError("q.no_user")
    change_type = intent.change_type if intent.change_type in CHANGE_TYPES else "scope"
    details = {"new_due": intent.new_due, "extra_hours": intent.extra_hours}
    summary = lookup.cut(ctx, intent.summary or "", 500)
    reason = lookup.cut(ctx, intent.reason or "", 1000)
    row = ChangeRequest(project_id=project.id, task_id=task_id, requester_id=ctx.actor.id, change_type=change_type,
                        summary=summary, reason=reason, details=details, impact={}, status="pending",
                        created_at=ctx.now)
    ctx.session.add(row)
    await ctx.session.flush()
    await ctx.audit("change.requested", f"change:{row.id}", project_id=project.id,
                    after={"type": change_type, "task": intent.task, **details, "reason": reason})
    return [ctx.reply(ctx.t("change.recorded", id=row.id, key=project.key, type=ctx.t("ct." + change_type)))]


async def standup(intent: Standup, ctx: Ctx) -> list[Reply]:
    """Keep a standup answer in the trail until scheduled standups collect them."""
    await ctx.audit("standup.submitted", f"person:{ctx.actor_ref}",
                    after={"yesterday": intent.yesterday, "today": intent.today, "blockers": intent.blockers})
    return [ctx.reply(ctx.t("standup.thanks", blockers=len(intent.blockers)))]
