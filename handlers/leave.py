"""Leave: record it, show it (mine, someone's on a shared project, who is away), cancel all or some days of it,
ask which days when none were said; part of a day is not leave (the standup still comes)."""

from __future__ import annotations

import datetime as dt

from bot.core.buttons import LeaveAdd, LeaveUndo, unpack_any
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Card, Reply
from bot.core.router import Router
from bot.nlu.intents import Leave, LeaveAction
from handlers import lookup, permissions
from storage import projects, questions, standups
from storage.models import Person

MAX_LEAVE_DAYS = 366
MAX_SHOWN = 10


async def record(intent: Leave, ctx: Ctx) -> list[Reply]:
    """Record leave: no standup prompts from its first to its last day."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    if intent.weak:  # "可能要请假": shown to confirm first (handlers/confirm.py)
        from handlers import confirm

        return await confirm.leave(intent, ctx)
    if not intent.start:
        return _ask(ctx)
    start = dt.date.fromisoformat(intent.start)
    end = dt.date.fromisoformat(intent.end) if intent.end else start
    return await _add(ctx, min(start, end), max(start, end))


async def _add(ctx: Ctx, start: dt.date, end: dt.date) -> list[Reply]:
    assert ctx.actor is not None
    if (end - start).days >= MAX_LEAVE_DAYS:
        raise UserError("leave.too_long", days=MAX_LEAVE_DAYS)
    await standups.add_leave(ctx.session, ctx.actor.id, start, end, note="", now=ctx.now)
    await ctx.audit("leave.added", f"person:{ctx.actor_ref}", after={"start": start.isoformat(), "end": end.isoformat()})
    return [ctx.reply(ctx.t("leave.recorded", start=start.isoformat(), end=end.isoformat()),
                      card=Card(title="", buttons=(LeaveUndo(start, end).button(
                          ctx.t("b.undo"), "danger",
                          ctx.confirm("undo_leave", start=start.isoformat(), end=end.isoformat())),)))]


def _ask(ctx: Ctx) -> list[Reply]:
    """Which days? The two likeliest answers as buttons; any other answer can be typed ("下周一到周三请假")."""
    today = ctx.today()
    tomorrow = today + dt.timedelta(days=1)
    buttons = (LeaveAdd(today).button(ctx.t("leave.b_today")), LeaveAdd(tomorrow).button(ctx.t("leave.b_tomorrow")))
    return [ctx.reply(ctx.t("leave.which_days"), card=Card(title="", buttons=buttons))]


async def leave_action(intent: LeaveAction, ctx: Ctx) -> list[Reply]:
    """Show, cancel, ask which days, or explain that part of a day is not leave."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    if intent.action == "ask":
        return _ask(ctx)
    if intent.action == "part_day":
        return [ctx.reply(ctx.t("leave.part_day"))]
    if intent.action == "cancel":
        first = dt.date.fromisoformat(intent.start) if intent.start else ctx.today()
        last = dt.date.fromisoformat(intent.end) if intent.end else dt.date.max
        return await _cancel(ctx, first, last)
    if intent.person == "team":
        return await _who_is_away(ctx, intent)
    if intent.person:
        return await _theirs(ctx, await lookup.person(ctx, intent.person), intent)
    return await _mine(ctx)


def _span(a: dt.date, b: dt.date) -> str:
    return a.isoformat() if a == b else f"{a.isoformat()} ~ {b.isoformat()}"


async def _mine(ctx: Ctx) -> list[Reply]:
    assert ctx.actor is not None
    rows = await questions.leave_from(ctx.session, [ctx.actor.id], ctx.today())
    if not rows:
        return [ctx.reply(ctx.t("leave.mine_none"))]
    lines = [f"• {_span(r.start_date, r.end_date)}" for r in rows[:MAX_SHOWN]]
    return [ctx.reply(ctx.t("leave.mine", n=len(rows)) + "\n" + "\n".join(lines))]


async def _shares_project(ctx: Ctx, person: Person) -> bool:
    if ctx.is_pmo:
        return True
    assert ctx.actor is not None
    mine = {p.id for p, _ in await projects.memberships(ctx.session, ctx.actor.id)}
    return any(p.id in mine for p, _ in await projects.memberships(ctx.session, person.id))


async def _theirs(ctx: Ctx, person: Person, intent: LeaveAction) -> list[Reply]:
    """Whether `person` is away on the day asked (today unless said), and their next leave; only for people who
    share a project with the asker."""
    if ctx.actor is not None and person.id == ctx.actor.id:
        return await _mine(ctx)
    if not await _shares_project(ctx, person):
        raise UserError("leave.not_shared", name=person.display_name)
    day = dt.date.fromisoformat(intent.start) if intent.start else ctx.today()
    rows = await questions.leave_from(ctx.session, [person.id], min(day, ctx.today()))
    now = [r for r in rows if r.start_date <= day <= r.end_date]
    if now:
        text = ctx.t("leave.is_away", name=person.display_name, day=day.isoformat(),
                     span=_span(now[0].start_date, now[0].end_date))
    else:
        text = ctx.t("leave.not_away", name=person.display_name, day=day.isoformat())
        later = [r for r in rows if r.start_date > day]
        if later:
            text += " " + ctx.t("leave.next", span=_span(later[0].start_date, later[0].end_date))
    return [ctx.reply(text)]


async def _who_is_away(ctx: Ctx, intent: LeaveAction) -> list[Reply]:
    """Who is away on a day, among the people of the chat's project or of the asker's projects."""
    assert ctx.actor is not None
    day = dt.date.fromisoformat(intent.start) if intent.start else ctx.today()
    if ctx.chat is not None and ctx.chat.project_id is not None:
        project = await lookup.project(ctx, None)
        await permissions.require_view(ctx, project)
        scope = [project]
    else:
        scope = [p for p, _ in await projects.memberships(ctx.session, ctx.actor.id)]
    people: dict[int, str] = {}
    for project in scope:
        people.update({m.id: m.display_name for m, _ in await projects.members(ctx.session, project.id)})
    away = await standups.on_leave(ctx.session, list(people), day, day)
    names = sorted(people[pid] for pid in away)
    if not names:
        return [ctx.reply(ctx.t("leave.nobody", day=day.isoformat()))]
    return [ctx.reply(ctx.t("leave.away_list", day=day.isoformat(), names=", ".join(names)))]


async def _cancel(ctx: Ctx, first: dt.date, last: dt.date) -> list[Reply]:
    """Take days out of the actor's leave and say exactly what changed; past days stay (they happened)."""
    assert ctx.actor is not None
    changed = await questions.cancel_leave(ctx.session, ctx.actor.id, first, last, now=ctx.now)
    if not changed:
        asked = ctx.t("leave.all_upcoming") if last == dt.date.max else _span(first, last)
        return [ctx.reply(ctx.t("leave.nothing_to_cancel", what=asked))]
    lines = []
    for (a, b), left in changed:
        await ctx.audit("leave.cancelled", f"person:{ctx.actor_ref}", before={"start": a.isoformat(), "end": b.isoformat()},
                        after={"left": [[x.isoformat(), y.isoformat()] for x, y in left]})
        kept = ", ".join(_span(x, y) for x, y in left)
        lines.append(f"• {_span(a, b)}" + (f" → {ctx.t('leave.kept', spans=kept)}" if kept else f" → {ctx.t('leave.removed')}"))
    return [ctx.reply(ctx.t("leave.cancelled", n=len(changed)) + "\n" + "\n".join(lines))]


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """leave:add:<day> (an answer to "which days?"), leave:undo:<start>:<end> (cancel what was just recorded)."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    clicked = unpack_any(action, LeaveAdd, LeaveUndo)
    if isinstance(clicked, LeaveAdd):
        return await _add(ctx, clicked.day, clicked.day)
    assert isinstance(clicked, LeaveUndo)
    return await _cancel(ctx, clicked.start, clicked.end)


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("leave")
router.on_intent(Leave, record)
router.on_intent(LeaveAction, leave_action)
router.on_action("leave", on_button)
