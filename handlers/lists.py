"""Answer task-list questions: a project's open tasks, a person's, due this or next week, done this week; and a
project's current risks. Only projects the asker may see are listed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.replies import Reply
from bot.core.router import Router
from bot.nlu.intents import TaskList
from handlers import lookup, permissions
from handlers.queries import task_line, visible_projects, week_of
from storage import projects, questions
from storage.models import Person, Project

MAX_LISTED = 30


async def task_list(intent: TaskList, ctx: Ctx) -> list[Reply]:
    """Route a list question."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    if intent.query == "risks":
        return await _risks(ctx, intent.project)
    person = None
    if intent.person == "me":
        person = ctx.actor
    elif intent.person:
        person = await lookup.person(ctx, intent.person)
    scope = await _scope(ctx, intent.project, person)
    monday, sunday = week_of(ctx.today())
    due = None
    if intent.scope == "due_this_week":
        due = (monday, sunday)
    elif intent.scope == "due_next_week":
        due = (monday + dt.timedelta(days=7), sunday + dt.timedelta(days=7))
    done_since = None
    if intent.scope == "done_this_week":
        done_since = dt.datetime.combine(monday, dt.time(0), tzinfo=ZoneInfo(ctx.tz)).astimezone(dt.UTC)
    rows = await questions.tasks(ctx.session, [p.id for p in scope], person_id=person.id if person else None,
                                 done=done_since is not None, due=due, done_since=done_since)
    subject = _subject(ctx, intent.project, person, scope)
    what = ctx.t("list." + intent.scope)
    if subject:
        what = ctx.t("list.of", subject=subject, what=what)
    if not rows:
        return [ctx.reply(ctx.t("list.none", what=what))]
    lines = [task_line(ctx, task, project) for task, project in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        lines.append(ctx.t("list.more", n=len(rows) - MAX_LISTED))
    return [ctx.reply(ctx.t("list.header", what=what, n=len(rows)) + "\n" + "\n".join(lines))]


async def _scope(ctx: Ctx, key: str | None, person: Person | None) -> list[Project]:
    """The named project; else the chat's; else every project the asker sees (and the person is on)."""
    if key or (ctx.chat is not None and ctx.chat.project_id is not None):
        project = await lookup.project(ctx, key)
        await permissions.require_view(ctx, project)
        return [project]
    visible = await visible_projects(ctx)
    if person is not None and ctx.actor is not None and person.id != ctx.actor.id:
        theirs = {p.id for p, _ in await projects.memberships(ctx.session, person.id)}
        visible = [p for p in visible if p.id in theirs]
        if not visible:
            raise UserError("list.no_shared", name=person.display_name)
    return visible


def _subject(ctx: Ctx, key: str | None, person: Person | None, scope: list[Project]) -> str:
    who = ctx.t("hq.you") if person is not None and person.id == ctx.actor_id else (
        person.display_name if person else "")
    where = scope[0].key if len(scope) == 1 and (key or ctx.chat is not None) else ""
    return " ".join(x for x in (where, who) if x)


async def _risks(ctx: Ctx, key: str | None) -> list[Reply]:
    project = await lookup.project(ctx, key)
    await permissions.require_view(ctx, project)
    rows = await questions.open_risks(ctx.session, project.id)
    if not rows:
        return [ctx.reply(ctx.t("list.risks_none", key=project.key))]
    lines = [f"• {t(ctx.locale, 'risk.' + r.rule, **(r.detail or {}).get('params', {}))} ({r.raised_on.isoformat()})"
             for r in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        lines.append(ctx.t("list.more", n=len(rows) - MAX_LISTED))
    return [ctx.reply(ctx.t("list.risks", key=project.key, n=len(rows)) + "\n" + "\n".join(lines))]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("lists")
router.on_intent(TaskList, task_list)
