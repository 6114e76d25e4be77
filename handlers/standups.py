"""Standup answers (by message or form); leave is handlers/leave.py; the prompts and summaries are jobs (jobs/standup.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.domain.standups import belonging
from bot.nlu.intents import Standup
from handlers import permissions
from handlers.tasks import apply_update
from storage import projects, standups, tasks
from storage.models import Project, StandupEntry

# An answer fills the prompts of the last day; later ones (a prompt in another timezone) are separate.
ANSWER_WINDOW = dt.timedelta(hours=20)
_KEY = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9}-\d{1,9})(?![0-9])")


async def _entries(ctx: Ctx) -> list[StandupEntry]:
    """The entries this answer fills: today's prompts, else the chat's project, else the actor's projects."""
    assert ctx.actor is not None
    found = await standups.open_prompts(ctx.session, ctx.actor.id, ctx.now - ANSWER_WINDOW)
    here = ctx.chat.project_id if ctx.chat is not None else None
    if here is not None:  # said in a project's chat: an answer for that project only
        found = [e for e in found if e.project_id == here]
    if found:
        return found
    if here is not None:
        project_ids = [here]
    else:
        mine = await projects.memberships(ctx.session, ctx.actor.id)
        project_ids = [p.id for p, role in mine if role in permissions.ACTING]
    if not project_ids:
        raise UserError("project.none")
    return [await standups.entry(ctx.session, pid, ctx.actor.id, ctx.today()) for pid in project_ids]


async def standup(intent: Standup, ctx: Ctx) -> list[Reply]:
    """Record a standup answer; a blocker that names a task marks that task blocked."""
    return await record(ctx, yesterday=intent.yesterday, today=intent.today, blockers=intent.blockers)


async def from_form(values: dict[str, Any], ctx: Ctx) -> list[Reply]:
    """The standup card form: the same as a typed answer."""
    raw = values.get("blockers") or []
    blockers = [b.strip() for b in (raw.splitlines() if isinstance(raw, str) else raw) if str(b).strip()]
    return await record(ctx, yesterday=str(values.get("yesterday") or "").strip() or None,
                        today=str(values.get("today") or "").strip() or None, blockers=blockers)


async def record(ctx: Ctx, *, yesterday: str | None, today: str | None, blockers: list[str]) -> list[Reply]:
    if ctx.actor is None:
        raise UserError("q.no_user")
    items = [{"text": b[:500], "tasks": [k.upper() for k in _KEY.findall(b)]} for b in blockers]
    rows = await _entries(ctx)
    keys = {int(i): str(k) for i, k in (await ctx.session.execute(select(Project.id, Project.key).where(
        Project.id.in_({r.project_id for r in rows})))).all()}
    for row in rows:
        row.yesterday, row.today = (yesterday or "")[:2000] or None, (today or "")[:2000] or None
        row.blockers, row.answered_at = {"items": belonging(items, keys[row.project_id])}, ctx.now
    blocked, skipped = await _block_tasks(ctx, [k for item in items for k in item["tasks"]])
    await ctx.audit("standup.submitted", f"person:{ctx.actor_ref}",
                    after={"yesterday": yesterday, "today": today, "blockers": blockers, "blocked": blocked})
    lines = [ctx.t("standup.thanks", blockers=len(blockers))]
    if blocked:
        lines.append(ctx.t("standup.blocked_tasks", keys=", ".join(blocked)))
    if skipped:
        lines.append(ctx.t("standup.not_blocked", keys=", ".join(skipped)))
    return [ctx.reply("\n".join(lines))]


async def _block_tasks(ctx: Ctx, keys: list[str]) -> tuple[list[str], list[str]]:
    """Mark the named open tasks blocked, through the same rules as a typed update."""
    blocked, skipped = [], []
    for key in dict.fromkeys(keys):
        found = await tasks.by_key(ctx.session, key)
        if found is None or found[0].status in ("done", "blocked"):
            continue
        try:
            await apply_update(ctx, found[0], found[1], {"status": "blocked"})
        except UserError:  # not theirs to change, or not their project: the summary still names it
            skipped.append(key)
        else:
            blocked.append(key)
    return blocked, skipped


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("standups")
router.on_intent(Standup, standup)
router.on_form("standup", from_form)
