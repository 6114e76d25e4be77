"""Log hours against tasks: one or several entries per message, or a card button."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.buttons import LogButton, UndoLog
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Button, Card, Reply
from bot.core.router import Router
from bot.core.workdays import load_calendar
from bot.nlu.intents import LogEntry, LogHours
from handlers import lookup, permissions
from handlers.cards import hours as fmt_hours
from storage import people, tasks, worklogs
from storage.models import Project, Task, WorkLog

MAX_DAY = Decimal(24)
PROJECT_GRACE_DAYS = 1  # logs this many days before a project was created pass without asking


async def log_hours(intent: LogHours, ctx: Ctx, *, confirmed: bool = False) -> list[Reply]:
    """Record work logs; every entry is checked before any is written. An entry that looks wrong (long ago,
    before its project, more than a working day said without a log verb) is shown to confirm instead."""
    if not intent.entries:
        raise UserError("log.nothing")
    if ctx.actor is None:
        raise UserError("log.nothing")
    planned: list[tuple[Task, Project, Decimal, dt.date, str]] = []
    asks: list[Reply] = []
    for entry in intent.entries:
        checked = await _check(ctx, entry)
        reasons = [] if confirmed else _doubts(ctx, intent, *checked)
        if reasons:
            from handlers import confirm

            task, project, amount, day, _ = checked
            asks += await confirm.log(ctx, entry, lookup.task_key(project, task), float(amount), day, reasons)
        else:
            planned.append(checked)
    if not planned:
        return asks
    per_day: dict[dt.date, Decimal] = defaultdict(Decimal)
    for _, _, amount, day, _ in planned:
        per_day[day] += amount
    await people.lock(ctx.session, ctx.actor.id)  # concurrent logs of one person must not pass 24h together
    day_totals: dict[dt.date, Decimal] = {}
    for day, added in sorted(per_day.items()):
        already = await worklogs.hours_on(ctx.session, ctx.actor.id, day)
        if already + added > MAX_DAY:
            raise UserError("log.over_day", day=day.isoformat(), already=fmt_hours(already), added=fmt_hours(added))
        day_totals[day] = already + added
    lines = []
    undo: list[Button] = []
    calendar = await load_calendar(ctx.session)
    for task, project, amount, day, note in planned:
        row = WorkLog(task_id=task.id, person_id=ctx.actor.id, work_date=day, hours=amount, note=note,
                      created_at=ctx.now)
        ctx.session.add(row)
        await ctx.session.flush()
        key = lookup.task_key(project, task)
        await ctx.audit("worklog.created", f"worklog:{row.id}", project_id=project.id,
                        after={"task": key, "hours": float(amount), "date": day.isoformat(), "note": note})
        lines.append(ctx.t("log.line", key=key, hours=fmt_hours(amount), date=day.isoformat()))
        if not calendar.is_workday(day):
            lines.append(ctx.t("safety.log_not_workday", day=day.isoformat()))
        undo.append(UndoLog(row.id).button(f"{ctx.t('b.undo')} {key} {fmt_hours(amount)}", "danger",
                                           ctx.confirm("undo", key=key)))
    totals = ", ".join(f"{d.isoformat()}: {fmt_hours(h)}" for d, h in day_totals.items())
    card = Card(title="", buttons=tuple(undo[:5]))
    return [ctx.reply(ctx.t("log.done", lines="\n".join(lines), totals=totals), card=card), *asks]


def _doubts(ctx: Ctx, intent: LogHours, task: Task, project: Project, amount: Decimal, day: dt.date,
            note: str) -> list[str]:
    """Why a log may be a misreading: older than the window or the project, or a long day read weakly."""
    reasons = []
    if (ctx.today() - day).days > ctx.settings.log_window_days:
        reasons.append("old")
    # A project set up this morning may log yesterday's work; anything earlier predates it. A project "created"
    # after this event's clock (set up by the admin CLI on the wall clock, a replay with `--now`) says nothing.
    began = project.created_at.astimezone(ZoneInfo(project.timezone)).date()
    if project.created_at <= ctx.now and day < began - dt.timedelta(days=PROJECT_GRACE_DAYS):
        reasons.append("before_project")
    if "long" in intent.weak and amount > Decimal(str(ctx.settings.day_hours)):
        reasons.append("long")
    return reasons


def _log_button(entry: LogEntry) -> Callable[[str], Button]:
    """A "log these hours on that task" button; hours that could not be logged become 1h."""
    h = entry.hours
    said = f"{h:g}" if h is not None and math.isfinite(h) and 0 < h <= float(MAX_DAY) else "1"
    return lambda key: LogButton(float(said), key).button(f"{key} {said}h")


async def _check(ctx: Ctx, entry: LogEntry) -> tuple[Task, Project, Decimal, dt.date, str]:
    if entry.task is None:
        mine = await tasks.open_assigned(ctx.session, ctx.actor.id) if ctx.actor else []
        keys = [lookup.task_key(p, t) for t, p in mine[:4]]
        button = _log_button(entry)
        raise UserError("log.which_task", hint=", ".join(keys) or "-", buttons=tuple(button(k) for k in keys))
    task, project = await lookup.task(ctx, entry.task, retry=_log_button(entry))
    await permissions.require_act(ctx, project)
    if entry.hours is None:
        key = lookup.task_key(project, task)
        raise UserError("log.how_many", key=key, buttons=tuple(LogButton(h, key).button(f"{h}h") for h in (1, 2, 4)))
    if not math.isfinite(entry.hours):
        raise UserError("log.bad_hours", value=str(entry.hours))
    amount = Decimal(str(round(entry.hours, 2)))
    if amount <= 0 or amount > MAX_DAY:
        raise UserError("log.bad_hours", value=f"{entry.hours:g}")
    day = lookup.parse_when(entry.date)[0] if entry.date else ctx.today()
    if day > ctx.today():
        raise UserError("log.future", day=day.isoformat())
    note = lookup.cut(ctx, entry.note or "", ctx.settings.max_note)
    return task, project, amount, day, note


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """Card buttons `log:1:KEY` / `log:2:KEY`: log that many hours today."""
    clicked = LogButton.unpack(action)
    entry = LogEntry(task=clicked.key, hours=clicked.hours, date=None, note=None)
    return await log_hours(LogHours(entries=[entry]), ctx)


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("worklogs")
router.on_intent(LogHours, log_hours)
router.on_action("log", on_button)
