"""The home view (Slack App Home): my open tasks, what waits on me, my hours this week."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.model import Card, Field, Reply
from handlers import lookup
from handlers.cards import hours
from handlers.context import Ctx
from handlers.queries import week_of
from storage import projects, tasks, worklogs
from storage.models import ChangeRequest, Project

MAX_LISTED = 15
APPROVING = ("pmo", "pm", "sponsor")


async def home(_: None, ctx: Ctx) -> list[Reply]:
    """Build the actor's home view."""
    if ctx.actor is None:
        return []
    mine = await tasks.open_assigned(ctx.session, ctx.actor.id)
    task_lines = []
    for task, project in mine[:MAX_LISTED]:
        late = " ⚠️" if lookup.is_overdue(task, ctx.local_now(project.timezone)) else ""
        due = lookup.format_due(task.due_date, task.due_time)
        task_lines.append(f"{lookup.task_key(project, task)} {task.title}" + (f" · {due}" if due else "") + late)
    approving = [p.id for p, role in await projects.memberships(ctx.session, ctx.actor.id) if role in APPROVING]
    waiting = []
    if approving or ctx.actor.is_pmo:
        stmt = (select(ChangeRequest, Project).join(Project, Project.id == ChangeRequest.project_id)
                .where(ChangeRequest.status == "pending", ChangeRequest.requester_id != ctx.actor.id)
                .order_by(ChangeRequest.id).limit(MAX_LISTED))
        if not ctx.actor.is_pmo:
            stmt = stmt.where(ChangeRequest.project_id.in_(approving))
        waiting = [f"#{cr.id} {p.key} {ctx.t('ct.' + cr.change_type)}: {cr.summary or cr.reason}"
                   for cr, p in (await ctx.session.execute(stmt)).all()]
    start, end = week_of(ctx.today())
    logged = sum((w.hours for w, _, _ in await worklogs.by_person_between(ctx.session, ctx.actor.id, start, end)),
                 Decimal(0))
    fields = (
        Field(ctx.t("home.tasks", n=len(mine)), "\n".join(task_lines) or ctx.t("q.my_none")),
        Field(ctx.t("home.approvals", n=len(waiting)), "\n".join(waiting) or "-"),
        Field(ctx.t("q.week_hours"), hours(logged)),
    )
    return [Reply(text=ctx.t("home.title"), card=Card(title=ctx.t("home.title"), fields=fields), home=True)]
