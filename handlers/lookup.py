"""Finding what a message names: its project, its task, the people it mentions; shared by every handler."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Button
from bot.domain import metrics
from handlers import permissions
from storage import people, projects, tasks
from storage.models import Milestone, Person, Project, Task


async def project(ctx: Ctx, key: str | None) -> Project:
    """The named project, else the chat's bound project, else the actor's only project."""
    if key:
        found = await projects.by_key(ctx.session, key)
        if found is None:
            keys = await _visible_keys(ctx)
            raise UserError("project.not_found", key=key.upper(), hint=_closest(key.upper(), keys) or "-")
        return found
    if ctx.chat is not None and ctx.chat.project_id is not None:
        bound = await ctx.session.get(Project, ctx.chat.project_id)
        if bound is not None:
            return bound
    if ctx.actor is not None:
        mine = await projects.memberships(ctx.session, ctx.actor.id)
        if len(mine) == 1:
            return mine[0][0]
        if not mine:
            raise UserError("project.none")
        raise UserError("project.which", keys=", ".join(p.key for p, _ in mine))
    raise UserError("project.none")


async def task(ctx: Ctx, key: str | None, *,
               retry: Callable[[str], Button] | None = None) -> tuple[Task, Project]:
    """The task named by `key`, which the actor may see. When it does not exist, `retry` turns each of the
    closest keys into a button that does the same thing to that task ("did you mean CRM-9?")."""
    if not key:
        raise UserError("task.which")
    found = await tasks.by_key(ctx.session, key)
    if found is not None:
        await permissions.require_view(ctx, found[1])  # nothing about a task reaches outsiders
        return found
    parts = tasks.split_key(key)
    hint = ""
    if parts is not None:
        proj = await projects.by_key(ctx.session, parts[0])
        if proj is not None and await permissions.role_of(ctx, proj) is not None:
            hint = _closest(key.upper(), await tasks.keys_like(ctx.session, proj.id, proj.key))
    buttons = tuple(retry(k) for k in hint.split(", ") if k) if retry and hint else ()
    raise UserError("task.not_found", key=key.upper(), hint=hint or "-", buttons=buttons)


async def _visible_keys(ctx: Ctx) -> list[str]:
    if ctx.is_pmo:
        return await projects.all_keys(ctx.session)
    assert ctx.actor is not None
    return [p.key for p, _ in await projects.memberships(ctx.session, ctx.actor.id)]


def _closest(key: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.5)
    if not close and candidates:
        close = candidates[-3:]
    return ", ".join(close)


async def person(ctx: Ctx, token: str, *, create: bool = False) -> Person:
    """A mentioned person by platform id or name; `create` registers an unknown id (admin seeding)."""
    found = await people.find(ctx.session, ctx.platform, token)
    if found is None and create:
        found, _ = await people.get_or_create(ctx.session, platform=ctx.platform, external_id=token, name=token)
    if found is None:
        raise UserError("person.not_found", name=token)
    return found


async def milestone(ctx: Ctx, project: Project, name: str) -> Milestone:
    """The project's milestone of that name."""
    found = await projects.milestone_by_name(ctx.session, project.id, name)
    if found is None:
        raise UserError("milestone.not_found", name=name, key=project.key)
    return found


def parse_when(value: str) -> tuple[dt.date, dt.time | None]:
    """Parse the NLU's `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`."""
    if "T" in value:
        stamp = dt.datetime.fromisoformat(value)
        return stamp.date(), stamp.time().replace(second=0, microsecond=0)
    return dt.date.fromisoformat(value), None


def format_due(day: dt.date | None, at: dt.time | None) -> str:
    if day is None:
        return ""
    return f"{day.isoformat()} {at.strftime('%H:%M')}" if at else day.isoformat()


def iso_due(day: dt.date | None, at: dt.time | None) -> str | None:
    """The machine form of a due date, as the parser writes it: YYYY-MM-DD or YYYY-MM-DDTHH:MM."""
    if day is None:
        return None
    return f"{day.isoformat()}T{at.strftime('%H:%M')}" if at else day.isoformat()


def task_key(project: Project, task: Task) -> str:
    return f"{project.key}-{task.seq}"


def is_overdue(task: Task, now_local: dt.datetime) -> bool:
    """Overdue, by the one definition (bot/domain/metrics.py)."""
    return metrics.is_overdue(task.status, task.due_date, task.due_time, now_local)


def cut(ctx: Ctx, text: str, limit: int) -> str:
    """Cut over-long text, leaving a notice for the reply."""
    text = text.strip()
    if len(text) <= limit:
        return text
    ctx.notices.append(ctx.t("notice.cut", limit=limit))
    return text[:limit]
