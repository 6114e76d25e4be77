"""The home view (Slack App Home): my open tasks, what waits on me, my hours this week."""

from __future__ import annotations

from decimal import Decimal

from bot.core.context import Ctx
from bot.core.replies import Card, Field, Reply
from bot.core.router import Router
from handlers import changes, lookup
from handlers.cards import hours
from handlers.hours import week_of
from storage import tasks, worklogs

MAX_LISTED = 15


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
    # What waits on me: requests whose current step I may decide (the approval policy's rule, one home).
    waiting = [f"CR-{cr.id} {p.key} {ctx.t('ct.' + cr.change_type)}: {cr.summary or cr.reason}"
               for cr, p in (await changes.waiting_on(ctx))[:MAX_LISTED]]
    start, end = week_of(ctx.today())
    logged = sum((w.hours for w, _, _ in await worklogs.by_person_between(ctx.session, ctx.actor.id, start, end)),
                 Decimal(0))
    fields = (
        Field(ctx.t("home.tasks", n=len(mine)), "\n".join(task_lines) or ctx.t("q.my_none")),
        Field(ctx.t("home.approvals", n=len(waiting)), "\n".join(waiting) or "-"),
        Field(ctx.t("q.week_hours"), hours(logged)),
    )
    return [Reply(text=ctx.t("home.title"), card=Card(title=ctx.t("home.title"), fields=fields), home=True)]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("home")
router.on_home(home)
