"""The weekly report (周报): done this week, the plan for next week, risks, hours, approved changes.
Posted to each project chat on the last working day of the week; `pmo-bot report weekly` prints it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import t
from bot.core.workdays import WorkCalendar, load_calendar
from bot.domain import metrics
from jobs import common, steps
from jobs.config import GRACE, merged, parse_time
from jobs.context import JobContext, due_slot, zone
from storage import jobruns, projects, standups
from storage.models import ChangeRequest, Person, Project, Risk, Task, WorkLog

WEEKLY = "report.weekly"
LIMIT = 30  # lines per section; the rest is counted


def report_day(cal: WorkCalendar, day: dt.date, weekday: object) -> dt.date:
    """The week's report day: its last working day, or a fixed ISO weekday (1-7)."""
    monday = day - dt.timedelta(days=day.weekday())
    if str(weekday).isdigit():
        return monday + dt.timedelta(days=int(str(weekday)) - 1)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    return next((d for d in reversed(days) if cal.is_workday(d)), days[4])


async def weekly(ctx: JobContext) -> None:
    """Post each project's weekly report to its chats on the week's report day."""
    await steps.run(ctx, Weekly)


class Weekly(steps.Steps[Project]):
    name = WEEKLY
    one_transaction = True

    async def due(self, session: AsyncSession) -> dict[str, Project]:
        """`YYYY-Www:project` of each project whose report day and time have come."""
        ctx = self.ctx
        cal = await load_calendar(session)
        stored = await jobruns.project_settings(session)
        due: dict[str, Project] = {}
        for p in await common.all_projects(session):
            cfg = merged(stored.get(p.id))["weekly"]
            day = due_slot(ctx.local(p.timezone), parse_time(cfg["time"]), GRACE["weekly"])
            if cfg["enabled"] and day is not None and day == report_day(cal, day, cfg["weekday"]):
                year, week, _ = day.isocalendar()
                due[f"{year}-W{week:02d}:{p.id}"] = p
        return dict(sorted(due.items()))

    async def send(self, session: AsyncSession, won: dict[str, Project]) -> steps.Rows:
        """The report to every chat of the project."""
        todo = list(won.values())
        chats = await standups.project_chats(session, [p.id for p in todo])
        rows = []
        for p in todo:
            text = await weekly_markdown(session, self.ctx, p.key)
            rows += [common.to_chat(plat, chat, text or "", job=WEEKLY) for plat, chat in chats.get(p.id, [])]
        return rows


async def weekly_markdown(session: AsyncSession, ctx: JobContext, key: str) -> str | None:
    """The week's report for one project as Markdown, in the project's language."""
    p = await projects.by_key(session, key)
    if p is None:
        return None
    loc = p.locale or ctx.settings.default_locale
    tz = zone(p.timezone)
    today = ctx.local(p.timezone).date()
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=tz).astimezone(dt.UTC)
    next_monday, next_sunday = monday + dt.timedelta(days=7), monday + dt.timedelta(days=13)
    done = (await session.execute(select(Task.seq, Task.title).where(
        Task.project_id == p.id, Task.status == "done", Task.done_at >= start).order_by(Task.done_at))).all()
    plan = (await session.execute(select(Task.seq, Task.title, Task.due_date, Task.status).where(
        Task.project_id == p.id, Task.status != "done", Task.due_date <= next_sunday)
        .order_by(Task.due_date, Task.seq))).all()
    risks = (await session.execute(select(Risk.rule, Risk.detail).where(
        Risk.project_id == p.id, Risk.resolved_at.is_(None)).order_by(Risk.id))).all()
    hours = (await session.execute(select(Person.display_name, func.sum(WorkLog.hours))
                                   .join(WorkLog, WorkLog.person_id == Person.id)
                                   .join(Task, Task.id == WorkLog.task_id)
                                   .where(Task.project_id == p.id, WorkLog.work_date >= monday,
                                          WorkLog.work_date <= today)
                                   .group_by(Person.display_name).order_by(Person.display_name))).all()
    changes = (await session.execute(select(ChangeRequest.id, ChangeRequest.summary).where(
        ChangeRequest.project_id == p.id, ChangeRequest.status == "approved",
        ChangeRequest.decided_at >= start).order_by(ChangeRequest.id))).all()

    def section(title: str, lines: list[str]) -> list[str]:
        shown = lines[:LIMIT] + ([t(loc, "report.more", n=len(lines) - LIMIT)] if len(lines) > LIMIT else [])
        return ["", f"## {title}", *(shown or [t(loc, "report.none")])]

    figures, _ = await metrics.read(session, [p], now=ctx.now, cal=await load_calendar(session),
                                    hours=ctx.settings.working_hours)
    shown = metrics.shown(figures[p.id])
    by_person = defaultdict(float, {n: float(h or 0) for n, h in hours})
    out = [f"# {t(loc, 'report.title', key=p.key, name=p.name, start=monday.isoformat(), end=today.isoformat())}"]
    out += section(t(loc, "report.metrics"), [f"- {t(loc, 'metric.' + name)}: {shown[name]}" for name in (
        "completion", "delay", "effort", "cycle", "standup", "overdue", "at_risk", "lead")])
    out += section(t(loc, "report.done", n=len(done)), [f"- {p.key}-{s} {title}" for s, title in done])
    out += section(t(loc, "report.plan", start=next_monday.isoformat(), end=next_sunday.isoformat()),
                   [f"- {p.key}-{s} {title} ({d}{', ' + t(loc, 'status.' + st) if st != 'todo' else ''})"
                    for s, title, d, st in plan])
    out += section(t(loc, "report.risks", n=len(risks)),
                   [f"- {t(loc, 'risk.' + rule, **(detail or {}).get('params', {}))}" for rule, detail in risks])
    out += section(t(loc, "report.hours", total=f"{sum(by_person.values()):g}"),
                   [f"- {n}: {h:g}h" for n, h in by_person.items()])
    out += section(t(loc, "report.changes", n=len(changes)), [f"- #{i} {s}" for i, s in changes])
    from jobs import contract_digest  # issue 15: the contracts section

    contract_lines = contract_digest.section(loc, [p.id], await contract_digest.read(session, [p.id], today),
                                             portfolio=False)
    if contract_lines:
        out += ["", f"## {contract_lines[0]}", *contract_lines[1:]]
    return "\n".join(out)
