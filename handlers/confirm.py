"""Confirm before a write that rests on weak cues: show the reading, write only on the click.

Buttons carry small typed payloads (design rule 9), prefix `ok` (bot/core/buttons.py, `Confirm*`):
`ok:done:KEY`, `ok:start:KEY`, `ok:due:KEY:YYYYMMDD`, `ok:as:KEY:ID.ID`, `ok:log:KEY:H:YYYYMMDD`,
`ok:leave:YYYYMMDD:YYYYMMDD`, `ok:fin:KEY:H` (done, and H hours logged), `ok:no`. On a click the task is read again and the clicker's permission checked
again by the same functions a typed message goes through.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.core.buttons import (
    ConfirmAssign,
    ConfirmDue,
    ConfirmFinish,
    ConfirmLeave,
    ConfirmLog,
    ConfirmNo,
    ConfirmStatus,
    unpack_any,
)
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.nlu.intents import EditTask, Leave, LogEntry, LogHours, TaskStatus, UpdateTask
from handlers import lookup
from handlers.cards import confirm_card, names
from storage import people


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value[:10])


def _why(ctx: Ctx, weak: list[str]) -> tuple[str, ...]:
    return tuple(ctx.t("weak." + w) for w in weak if w in ("leftover", "far", "dated", "long", "old", "hedged",
                                                             "before_project"))


async def update(intent: UpdateTask, ctx: Ctx) -> list[Reply]:
    """A done / due / reassignment read from a message that says more than that: ask first."""
    task, project = await lookup.task(ctx, intent.task)
    key = lookup.task_key(project, task)
    notes = _why(ctx, intent.weak)
    title = f"{key} {task.title}"
    if intent.assignees:
        found = [await lookup.person(ctx, token) for token in intent.assignees]
        reading = ctx.t("confirm.assign", key=key, names=", ".join(p.display_name for p in found))
        card = confirm_card(ctx, title, reading, yes=ConfirmAssign(key, tuple(p.id for p in found)), notes=notes)
    elif intent.due:
        reading = ctx.t("confirm.due", key=key, due=intent.due.replace("T", " "))
        card = confirm_card(ctx, title, reading, yes=ConfirmDue(key, _date(intent.due)), notes=notes)
    else:
        reading = ctx.t("confirm.done", key=key)
        card = confirm_card(ctx, title, reading, yes=ConfirmStatus("done", key),
                            other=(ConfirmStatus("start", key), ctx.t("b.still_doing")), notes=notes)
    replies = [ctx.reply(ctx.t("confirm.ask"), card=card)]
    for other in intent.also:  # "CRM-1,CRM-2 …": one card per key, each written on its own click
        replies += await update(dataclasses.replace(intent, task=other, also=[]), ctx)
    return replies


async def log(ctx: Ctx, entry: LogEntry, key: str, hours: float, day: dt.date, reasons: list[str]) -> list[Reply]:
    """One log that looks wrong (more than a working day, long ago, before the project): ask first."""
    said = f"{hours:g}"
    reading = ctx.t("confirm.log", key=key, hours=said, day=day.isoformat())
    card = confirm_card(ctx, key, reading, yes=ConfirmLog(key, float(said), day), notes=_why(ctx, reasons))
    return [ctx.reply(ctx.t("confirm.ask"), card=card)]


async def finish(ctx: Ctx, key: str, title: str, hours: float) -> list[Reply]:
    """"CRM-3 完成 2h": done and 2h logged (Yes), or only 2h logged (the other reading)."""
    said = f"{hours:g}"
    reading = ctx.t("confirm.finish", key=key, hours=said)
    card = confirm_card(ctx, f"{key} {title}", reading, yes=ConfirmFinish(key, float(said)),
                        other=(ConfirmLog(key, float(said), ctx.today()), ctx.t("b.only_log", hours=said)))
    return [ctx.reply(ctx.t("confirm.ask"), card=card)]


async def leave(intent: Leave, ctx: Ctx) -> list[Reply]:
    """Leave said with a hedge ("可能要请假"): ask first."""
    start = intent.start or ctx.today().isoformat()
    end = intent.end or start
    reading = ctx.t("confirm.leave", start=start, end=end)
    card = confirm_card(ctx, ctx.t("confirm.leave_title"), reading, yes=ConfirmLeave(_date(start), _date(end)),
                        notes=_why(ctx, intent.weak))
    return [ctx.reply(ctx.t("confirm.ask"), card=card)]


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """The confirm card's buttons: do what the card showed, through the ordinary handlers."""
    from handlers import leave, tasks, worklogs

    clicked = unpack_any(action, ConfirmNo, ConfirmStatus, ConfirmDue, ConfirmAssign, ConfirmLog, ConfirmFinish,
                         ConfirmLeave)
    if isinstance(clicked, ConfirmNo):
        return [ctx.reply(ctx.t("confirm.cancelled"), replace=True)]
    if isinstance(clicked, ConfirmStatus):
        status: TaskStatus = "done" if clicked.verb == "done" else "in_progress"
        replies = await tasks.update_task(UpdateTask(task=clicked.key, status=status), ctx)
    elif isinstance(clicked, ConfirmDue):
        replies = await tasks.update_task(UpdateTask(task=clicked.key, due=clicked.due.isoformat()), ctx)
    elif isinstance(clicked, ConfirmAssign):
        ids = list(clicked.people)
        refs = await people.external_ids(ctx.session, ids, ctx.platform)
        if len(refs) != len(ids):
            raise UserError("person.not_found", name=", ".join(await names(ctx, ids)))
        replies = await tasks.update_task(UpdateTask(task=clicked.key, assignees=[refs[i] for i in ids]), ctx)
    elif isinstance(clicked, ConfirmLog):
        entry = LogEntry(task=clicked.key, hours=clicked.hours, date=clicked.day.isoformat(), note=None)
        replies = await worklogs.log_hours(LogHours(entries=[entry]), ctx, confirmed=True)
    elif isinstance(clicked, ConfirmFinish):
        from handlers.task_edits import edit_task

        replies = await edit_task(EditTask(task=clicked.key, done_hours=clicked.hours), ctx)
    else:
        assert isinstance(clicked, ConfirmLeave)
        replies = await leave.record(Leave(start=clicked.start.isoformat(), end=clicked.end.isoformat()), ctx)
    return [dataclasses.replace(replies[0], replace=True), *replies[1:]] if replies else replies


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("confirm")
router.on_action("ok", on_button)
