"""Done is not accepted (issue 15): a task owned only by vendor members and marked done by them is "done,
awaiting verification" until the PM or the sponsor verifies it with the card's button. The task's status stays
`done` (reported work); the verification row says whether the client has checked it (verified work)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from bot.core.buttons import VerifyButton
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Card, Field, Reply
from bot.core.router import Router
from bot.domain import notify
from handlers import lookup, permissions
from storage import changes
from storage import contracts as store
from storage.models import Project, Task, TaskVerification

VERIFIERS = frozenset({"pm", "sponsor", "pmo"})


def card_tag(task: Task) -> str:
    return f"verify:{task.id}:card"


async def after_update(ctx: Ctx, task: Task, project: Project, after: dict[str, Any],
                       assignees: list[int]) -> list[Reply]:
    """Called by handlers/tasks.apply_update once a change is audited: start or drop a verification."""
    if "status" not in after or ctx.actor_id is None:
        return []
    if after["status"] != "done":
        await ctx.session.execute(delete(TaskVerification).where(TaskVerification.task_id == task.id,
                                                                  TaskVerification.verified_at.is_(None)))
        return []
    vendors = set(await store.vendor_people(ctx.session, project.id))
    if ctx.actor_id not in vendors or not assignees or not set(assignees) <= vendors:
        return []
    row = await store.verification(ctx.session, task.id)
    if row is None:
        ctx.session.add(TaskVerification(task_id=task.id, reported_by=ctx.actor_id, reported_at=ctx.now))
    else:
        row.reported_by, row.reported_at, row.verified_by, row.verified_at = ctx.actor_id, ctx.now, None, None
    await ctx.session.flush()
    key = lookup.task_key(project, task)
    await ctx.audit("task.done_reported", f"task:{key}", project_id=project.id, after={"awaiting": "verification"})
    checkers = sorted({*await changes.holders(ctx.session, project.id, "pm"),
                       *await changes.holders(ctx.session, project.id, "sponsor")} - vendors)

    async def render(reader: Ctx) -> tuple[str, Card | None]:
        return reader.t("verify.ask", key=key), _card(reader, task, key, verified=False)

    return [ctx.reply(ctx.t("verify.awaiting", key=key)),
            *await notify.direct(ctx, checkers, render, tag=card_tag(task))]


def _card(ctx: Ctx, task: Task, key: str, *, verified: bool, who: str = "") -> Card:
    status = ctx.t("status.done") if verified else ctx.t("status.done_unverified")
    fields = [Field(ctx.t("f.status"), status + (f" · {who}" if who else ""))]
    buttons = () if verified else (VerifyButton(key).button(ctx.t("b.verify"), "primary"),)
    return Card(title=f"{key} {task.title}", fields=tuple(fields), buttons=buttons)


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """`verify:ok:KEY`: the PM or the sponsor checks vendor-reported work."""
    task, project = await lookup.task(ctx, VerifyButton.unpack(action).key)
    key = lookup.task_key(project, task)
    role = await permissions.require_view(ctx, project)
    if role not in VERIFIERS:
        raise UserError("verify.who")
    row = await store.verification(ctx.session, task.id)
    if row is None or task.status != "done":
        raise UserError("verify.not_pending", key=key)
    if row.verified_at is not None or not await store.verify(ctx.session, task.id, by=ctx.actor_id, at=ctx.now):
        return [Reply(text=ctx.t("verify.already", key=key), ephemeral=True)]
    await ctx.audit("task.verified", f"task:{key}", project_id=project.id, after={"verified": True})
    who = ctx.actor.display_name if ctx.actor else "PMO"
    note = ctx.t("verify.done", who=who, key=key)
    replies = [Reply(text=note, card=_card(ctx, task, key, verified=True, who=who), update_tagged=card_tag(task))]

    async def tell(reader: Ctx) -> tuple[str, Card | None]:
        return reader.t("verify.done", who=who, key=key), None

    return replies + await notify.direct(ctx, [row.reported_by], tell)


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("verify")
router.on_action("verify", on_button)
