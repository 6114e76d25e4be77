"""Answer questions: my tasks, a project's status, overdue tasks, one task's detail and history (hours questions:
handlers/hours.py; lists: handlers/lists.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Card, Field, Reply
from bot.core.router import Router
from bot.core.workdays import load_calendar
from bot.domain import metrics
from bot.nlu.intents import HoursQuery, Query, QueryKind
from handlers import lookup, permissions
from handlers.cards import hours, show_change, task_card
from handlers.hours import hours_query, week_of
from storage import projects, tasks, worklogs
from storage.models import AuditEntry, Person, Project, Task


def task_line(ctx: Ctx, task: Task, project: Project) -> str:
    due = lookup.format_due(task.due_date, task.due_time)
    late = lookup.is_overdue(task, ctx.local_now(project.timezone))
    parts = [f"{lookup.task_key(project, task)} {task.title}", f"[{ctx.t('status.' + task.status)}]", task.priority]
    if due:
        parts.append(ctx.t("q.due", due=due) + (f" ⚠️{ctx.t('q.overdue_mark')}" if late else ""))
    return " ".join(parts)


async def query(intent: Query, ctx: Ctx) -> list[Reply]:
    """Route a question to its answer (`_ANSWERS`, one per kind, at the bottom)."""
    return await _ANSWERS.get(intent.query, _ANSWERS["my_tasks"])(intent, ctx)


async def _my_tasks(ctx: Ctx) -> list[Reply]:
    if ctx.actor is None:
        raise UserError("q.no_user")
    rows = await tasks.open_assigned(ctx.session, ctx.actor.id)
    if not rows:
        return [ctx.reply(ctx.t("q.my_none"))]
    body = "\n".join(task_line(ctx, t, p) for t, p in rows)
    return [ctx.reply(ctx.t("q.my_tasks", n=len(rows)) + "\n" + body)]


async def visible_projects(ctx: Ctx) -> list[Project]:
    if ctx.is_pmo:
        return list((await ctx.session.scalars(select(Project).order_by(Project.key))).all())
    assert ctx.actor is not None
    return [p for p, _ in await projects.memberships(ctx.session, ctx.actor.id)]


async def _status(ctx: Ctx, key: str | None) -> list[Reply]:
    project = await lookup.project(ctx, key)
    await permissions.require_view(ctx, project)
    counts = await tasks.status_counts(ctx.session, project.id)
    total = sum(counts.values())
    now_local = ctx.local_now(project.timezone)
    cal = await load_calendar(ctx.session)
    figures, _ = await metrics.read(ctx.session, [project], now=ctx.now, cal=cal, hours=ctx.settings.working_hours)
    m = figures[project.id]
    late = m.overdue
    start, end = week_of(now_local.date())
    week_hours = await worklogs.project_hours_between(ctx.session, project.id, start, end)
    done = counts.get("done", 0)
    shown = metrics.shown(m)
    fields = [Field(ctx.t(f"status.{s}"), str(counts.get(s, 0))) for s in ("todo", "in_progress", "blocked", "done")]
    fields += [Field(ctx.t("q.overdue"), str(late)), Field(ctx.t("q.completion"), shown["completion"]),
               Field(ctx.t("q.week_hours"), hours(week_hours))]
    fields += [Field(ctx.t("metric." + name), shown[name]) for name in ("delay", "effort", "cycle", "standup",
                                                                        "at_risk", "lead")]
    card = Card(title=f"{project.key} {project.name}", fields=tuple(fields))
    text = ctx.t("q.status", key=project.key, total=total, done=done, late=late, hours=hours(week_hours))
    return [ctx.reply(text, card=card)]


async def _overdue(ctx: Ctx, key: str | None) -> list[Reply]:
    if key or (ctx.chat is not None and ctx.chat.project_id is not None):
        project = await lookup.project(ctx, key)
        await permissions.require_view(ctx, project)
        scope = [project]
    else:
        scope = await visible_projects(ctx)
    latest_today = max((ctx.local_now(p.timezone).date() for p in scope), default=ctx.today())
    candidates = await tasks.open_due_by(ctx.session, [p.id for p in scope], latest_today)
    rows = [(t, p) for t, p in candidates if lookup.is_overdue(t, ctx.local_now(p.timezone))]
    if not rows:
        return [ctx.reply(ctx.t("q.overdue_none"))]
    assigned = await tasks.assignees(ctx.session, [t.id for t, _ in rows])
    lines = []
    for t, p in rows:
        who = [(await ctx.session.get(Person, pid)) for pid in assigned.get(t.id, [])]
        owners = ", ".join(x.display_name for x in who if x) or "-"
        lines.append(f"{task_line(ctx, t, p)} @{owners}")
    return [ctx.reply(ctx.t("q.overdue_list", n=len(rows)) + "\n" + "\n".join(lines))]


async def _task(ctx: Ctx, key: str | None) -> list[Reply]:
    task, project = await lookup.task(ctx, key)
    await permissions.require_view(ctx, project)
    tkey = lookup.task_key(project, task)
    stmt = (select(AuditEntry, Person).outerjoin(Person, Person.id == AuditEntry.actor_id)
            .where(AuditEntry.entity == f"task:{tkey}").order_by(AuditEntry.id.desc()).limit(10))
    history = []
    for entry, who in reversed((await ctx.session.execute(stmt)).all()):
        when = entry.at.astimezone(ZoneInfo(project.timezone)).strftime("%m-%d %H:%M")
        change = show_change(ctx, entry.before, entry.after)
        name = who.display_name if who else "PMO"
        history.append(f"{when} {name} {ctx.t('a.' + entry.action)} {change if entry.action != 'task.created' else ''}".rstrip())
    text = ctx.t("q.task_history", key=tkey) + "\n" + ("\n".join(history) or "-")
    return [ctx.reply(text, card=await task_card(ctx, task, project))]


_ANSWERS: dict[QueryKind, Callable[[Query, Ctx], Awaitable[list[Reply]]]] = {
    "my_tasks": lambda _, ctx: _my_tasks(ctx),
    "task": lambda intent, ctx: _task(ctx, intent.task),
    "project_status": lambda intent, ctx: _status(ctx, intent.project),
    "overdue": lambda intent, ctx: _overdue(ctx, intent.project),
    "hours": lambda _, ctx: hours_query(HoursQuery(person="me"), ctx),  # the contract's bare hours question
}

# ---- routes ------------------------------------------------------------------------------------------------

router = Router("queries")
router.on_intent(Query, query)
