"""Answer hours questions for what was asked: whose hours (mine; another person's or the team's for their PM or the
PMO), on what (a project), over which days (today, a week, a month, a range); and who has not logged a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.core.workdays import load_calendar
from bot.nlu.intents import HoursQuery
from handlers import lookup, permissions
from handlers.cards import hours
from storage import projects, questions, standups
from storage.models import Person, Project, Task, WorkLog

MAX_DAYS = 366  # one question covers at most a year of logs
MAX_MISSING_DAYS = 31


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday..Sunday of the week holding `day` (weeks start on Monday)."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def _period(ctx: Ctx, intent: HoursQuery) -> tuple[dt.date, dt.date]:
    if intent.start and intent.end:
        start, end = sorted((dt.date.fromisoformat(intent.start), dt.date.fromisoformat(intent.end)))
    else:
        start, end = week_of(ctx.today())
    if (end - start).days >= MAX_DAYS:
        raise UserError("hq.too_long", days=MAX_DAYS)
    return start, end


def _when(ctx: Ctx, intent: HoursQuery, start: dt.date, end: dt.date) -> str:
    span = start.isoformat() if start == end else f"{start.isoformat()} ~ {end.isoformat()}"
    return ctx.t("hq.when", label=ctx.t("period." + (intent.period or "range")), span=span)


async def hours_query(intent: HoursQuery, ctx: Ctx) -> list[Reply]:
    """Route an hours question: missing logs, a person's, the team's, a project's, or mine."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    start, end = _period(ctx, intent)
    if intent.query == "missing_hours":
        return await _missing(ctx, intent, start, end)
    if intent.person and intent.person != "me":
        return await _person(ctx, intent, start, end)
    if intent.team or (intent.project and intent.person is None):
        return await _project(ctx, intent, start, end)
    project_ids = None
    if intent.project:
        project = await lookup.project(ctx, intent.project)
        await permissions.require_view(ctx, project)
        project_ids = [project.id]
    rows = await questions.hours(ctx.session, start, end, person_ids=[ctx.actor.id], project_ids=project_ids)
    return [ctx.reply(_summary(ctx, ctx.t("hq.you"), _when(ctx, intent, start, end), rows))]


def _summary(ctx: Ctx, who: str, when: str, rows: list[tuple[WorkLog, Task, Project]]) -> str:
    if not rows:
        return ctx.t("hq.none", who=who, when=when)
    by_day: dict[dt.date, Decimal] = defaultdict(Decimal)
    by_task: dict[str, Decimal] = defaultdict(Decimal)
    for w, t, p in rows:
        by_day[w.work_date] += w.hours
        by_task[lookup.task_key(p, t)] += w.hours
    total = sum(by_day.values(), Decimal(0))
    days = ", ".join(f"{d.strftime('%m-%d')} {hours(h)}" for d, h in sorted(by_day.items()))
    tasks = ", ".join(f"{k} {hours(h)}" for k, h in by_task.items())
    return ctx.t("hq.summary", who=who, when=when, total=hours(total), days=days, tasks=tasks)


async def _managed(ctx: Ctx, person: Person) -> list[int] | None:
    """The projects on which the actor may see `person`'s hours: all for the PMO (None), else the projects the
    actor runs as PM and the person is on."""
    if ctx.is_pmo:
        return None
    assert ctx.actor is not None
    theirs = {p.id for p, _ in await projects.memberships(ctx.session, person.id)}
    return [p.id for p, role in await projects.memberships(ctx.session, ctx.actor.id)
            if role in permissions.MANAGING and p.id in theirs]


async def _person(ctx: Ctx, intent: HoursQuery, start: dt.date, end: dt.date) -> list[Reply]:
    assert ctx.actor is not None and intent.person is not None
    person = await lookup.person(ctx, intent.person)
    scope: list[int] | None = None
    if person.id != ctx.actor.id:
        scope = await _managed(ctx, person)
        if scope is not None and not scope:
            raise UserError("hq.others_refused", name=person.display_name)
    if intent.project:
        project = await lookup.project(ctx, intent.project)
        if scope is not None and project.id not in scope:
            raise UserError("hq.others_refused", name=person.display_name)
        scope = [project.id]
    rows = await questions.hours(ctx.session, start, end, person_ids=[person.id], project_ids=scope)
    return [ctx.reply(_summary(ctx, person.display_name, _when(ctx, intent, start, end), rows))]


async def _project(ctx: Ctx, intent: HoursQuery, start: dt.date, end: dt.date) -> list[Reply]:
    """A project's hours: the total and by task for anyone on it; by person for its PM and the PMO."""
    project = await lookup.project(ctx, intent.project)
    role = await permissions.require_view(ctx, project)
    managing = role in permissions.MANAGING
    if intent.team and not managing:
        raise UserError("perm.manager_only", project=project.key, what=ctx.t("what.team_hours"))
    rows = await questions.hours(ctx.session, start, end, project_ids=[project.id])
    when = _when(ctx, intent, start, end)
    total = sum((w.hours for w, _, _ in rows), Decimal(0))
    by_task: dict[str, Decimal] = defaultdict(Decimal)
    by_person: dict[int, Decimal] = defaultdict(Decimal)
    for w, t, p in rows:
        by_task[lookup.task_key(p, t)] += w.hours
        by_person[w.person_id] += w.hours
    lines = [ctx.t("hq.project", key=project.key, when=when, total=hours(total))]
    if managing:
        members = [(m, r) for m, r in await projects.members(ctx.session, project.id) if r in permissions.ACTING]
        names = {m.id: m.display_name for m, _ in members}
        people = sorted(set(by_person) | (set(names) if intent.team else set()),
                        key=lambda pid: (-by_person.get(pid, Decimal(0)), names.get(pid, "")))
        shown = [f"{names.get(pid) or await _name(ctx, pid)} {hours(by_person.get(pid, Decimal(0)))}" for pid in people]
        lines.append(ctx.t("hq.by_person", people=", ".join(shown) or "-"))
    if by_task:
        top = sorted(by_task.items(), key=lambda kv: -kv[1])[:15]
        lines.append(ctx.t("hq.by_task", tasks=", ".join(f"{k} {hours(h)}" for k, h in top)))
    return [ctx.reply("\n".join(lines))]


async def _name(ctx: Ctx, person_id: int) -> str:
    person = await ctx.session.get(Person, person_id)
    return person.display_name if person else "?"


async def _missing(ctx: Ctx, intent: HoursQuery, start: dt.date, end: dt.date) -> list[Reply]:
    """Who on the projects the actor runs logged nothing on a working day of the period (leave excused)."""
    assert ctx.actor is not None
    if (end - start).days >= MAX_MISSING_DAYS:
        raise UserError("hq.too_long", days=MAX_MISSING_DAYS)
    if intent.project or (ctx.chat is not None and ctx.chat.project_id is not None):
        project = await lookup.project(ctx, intent.project)
        await permissions.require_manage(ctx, project, what="what.team_hours")
        scope = [project]
    elif ctx.is_pmo:  # the portfolio office looks after every project
        scope = list((await ctx.session.scalars(select(Project).order_by(Project.key))).all())
    else:
        scope = [p for p, role in await projects.memberships(ctx.session, ctx.actor.id)
                 if role in permissions.MANAGING]
        if not scope:
            raise UserError("hq.missing_refused")
    calendar = await load_calendar(ctx.session)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    workdays = [d for d in days if calendar.is_workday(d) and d <= ctx.today()]
    when = _when(ctx, intent, start, end)
    if not workdays:
        return [ctx.reply(ctx.t("hq.no_workday", when=when))]
    logs = await questions.hours(ctx.session, workdays[0], workdays[-1], project_ids=[p.id for p in scope])
    logged = {(t.project_id, w.person_id, w.work_date) for w, t, _ in logs}
    lines = []
    for project in scope:
        members = [m for m, r in await projects.members(ctx.session, project.id) if r in ("pm", "member", "vendor")]
        away = await standups.on_leave(ctx.session, [m.id for m in members], workdays[0], workdays[-1])
        missing, excused = [], []
        for m in members:
            gaps = [d for d in workdays if (project.id, m.id, d) not in logged]
            on_leave = [d for d in gaps if any(a <= d <= b for a, b in away.get(m.id, []))]
            gaps = [d for d in gaps if d not in on_leave]
            if gaps:
                missing.append(m.display_name if len(workdays) == 1 else
                               f"{m.display_name} ({', '.join(d.strftime('%m-%d') for d in gaps)})")
            elif on_leave:
                excused.append(m.display_name)
        if missing:
            line = ctx.t("hq.missing", key=project.key, when=when, names=", ".join(missing))
        else:
            line = ctx.t("hq.missing_none", key=project.key, when=when)
        if excused:
            line += " " + ctx.t("hq.excused", names=", ".join(excused))
        lines.append(line)
    return [ctx.reply("\n".join(lines))]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("hours")
router.on_intent(HoursQuery, hours_query)
