"""`pmo-bot admin ...` and `pmo-bot export`: the same rules as chat, run as the CLI (a PMO) with an audit trail."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from bot.core import i18n, workdays
from bot.core.context import Ctx, Settings
from bot.core.errors import UserError
from bot.domain import approvals
from bot.platforms import CONSOLE as PLATFORM
from bot.platforms import NAMES as PLATFORM_NAMES
from handlers import projects as project_admin
from handlers.export import export_project, to_csv, to_xlsx
from storage import calendar as calendar_store
from storage import people, projects
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Milestone, Project


def split_ref(ref: str) -> tuple[str, str]:
    """`slack:U0123` -> ("slack", "U0123"); a bare name is a console user or chat."""
    platform, sep, ident = ref.partition(":")
    if sep and platform in PLATFORM_NAMES and ident:
        return platform, ident
    return PLATFORM, ref


def cli_context(session: AsyncSession, *, now: dt.datetime, settings: Settings, platform: str = PLATFORM) -> Ctx:
    """The context admin commands run in: no actor (acts as the PMO, audited as `cli`), English messages."""
    return Ctx(session=session, now=now, platform=platform, event_id=f"cli:{uuid.uuid4().hex}", actor=None,
               actor_ref="cli", chat=None, locale="en", tz=settings.default_tz, settings=settings)


async def admin_main(cfg: Config, args: argparse.Namespace,
                     run: Callable[[Ctx, argparse.Namespace], Awaitable[str]] | None = None) -> int:
    """Migrate, run one admin command (`run`, default this module's) in one unit of work, print its answer;
    a refusal goes to stderr with exit 1."""
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        async with db.unit_of_work() as session:
            ctx = cli_context(session, now=dt.datetime.now(dt.UTC), settings=cfg.settings)
            message = await (run or _admin)(ctx, args)
        print(message)
        return 0
    except UserError as err:
        print(i18n.t("en", err.key, **err.params), file=sys.stderr)
        return 1
    finally:
        await db.dispose()


async def _admin(ctx: Ctx, args: argparse.Namespace) -> str:
    what, verb = args.what, args.verb
    if what == "calendar":
        return await _calendar(ctx, verb, args)
    if what == "person" and verb == "link":
        return await _link_person(ctx, args.first, args.second)
    if what == "task":
        return await project_admin.plan_task(ctx, args.task, milestone=getattr(args, "milestone", None),
                                             depends_on=getattr(args, "on", None))
    if what == "project" and verb == "create":
        pm = None
        if args.pm:  # who runs it; without --pm the project has no PM until one is added
            platform, ident = split_ref(args.pm)
            pm, _ = await people.get_or_create(ctx.session, platform=platform, external_id=ident, name=ident)
        project = await project_admin.create_project(ctx, args.key, args.name, tz=args.tz,
                                                     locale=args.locale or ctx.settings.default_locale, pm=pm)
        return (f"created project {project.key} ({project.name}, {project.timezone}, {project.locale})"
                + (f", pm {pm.display_name}" if pm else "; no PM yet: `pmo-bot admin member add` one with --role pm"))
    if what == "project" and verb == "list":
        keys = await projects.all_keys(ctx.session)
        return "\n".join(keys) or "(no projects)"
    found = await projects.by_key(ctx.session, args.key)
    if found is None:
        raise UserError("project.not_found", key=args.key.upper(),
                        hint=", ".join(await projects.all_keys(ctx.session)))
    project = found
    if what == "policy":
        if verb == "set":
            await project_admin.set_policy(ctx, project, args.spec)
        return f"{project.key}: " + approvals.describe(ctx, approvals.effective(project))
    if what == "milestone":
        if verb == "add":
            await project_admin.add_milestone(ctx, project, args.name, args.due)
        rows = (await ctx.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                          .order_by(Milestone.due_date, Milestone.id))).all()
        return "\n".join(f"{m.name} {m.due_date or '-'} {m.status}" for m in rows) or "(no milestones)"
    if what == "project" and verb in ("archive", "unarchive"):
        changed = await project_admin.archive(ctx, project, archived=verb == "archive")
        state = "archived: no standups, risk scans, digests or new tasks" if verb == "archive" else "open again"
        return f"{project.key} is {state}" + ("" if changed else " (it already was)")
    if what == "project" and verb == "set":
        if args.budget is not None:
            await project_admin.set_budget(ctx, project, args.budget)
        if args.tz:
            await project_admin.set_project_option(ctx, project, "timezone", args.tz)
        if args.locale:
            await project_admin.set_project_option(ctx, project, "locale", args.locale)
        return f"{project.key}: timezone {project.timezone}, locale {project.locale}, budget {project.budget or '-'}"
    if what == "member" and verb == "list":
        return await _members(ctx, project)
    if what == "member" and verb == "remove":
        platform, ident = split_ref(args.user)
        who = await people.by_identity(ctx.session, platform, ident)
        if who is None:
            raise UserError("admin.not_member", who=f"{platform}:{ident}", key=project.key)
        had = await project_admin.remove_member(ctx, project, who)
        return f"{_ref(platform, ident)} ({had}) is no longer on {project.key}"
    if what == "member":
        platform, ident = split_ref(args.user)
        person, _ = await people.get_or_create(ctx.session, platform=platform, external_id=ident, name=ident)
        old = await project_admin.add_member(ctx, project, person, args.role)
        return f"{ident} is {args.role} on {project.key}" + (f" (was {old})" if old else "")
    if what == "chat" and verb == "unbind":
        platform, ident = split_ref(args.chat)
        await project_admin.unbind_chat(ctx, project, platform, ident)
        return f"{platform}:{ident} is no longer bound to {project.key}"
    if what == "chat":
        platform, ident = split_ref(args.chat)
        await project_admin.bind_chat(ctx, project, platform, ident)
        return f"{platform}:{ident} bound to {project.key}"
    raise UserError("admin.unknown")


def _ref(platform: str, ident: str) -> str:
    """How the CLI names a person: a bare console name, else platform:id (what `member add/remove` take)."""
    return ident if platform == PLATFORM else f"{platform}:{ident}"


async def _members(ctx: Ctx, project: Project) -> str:
    """`admin member list KEY`: one line each, `ref  role  name`, by role then name."""
    rows = await projects.members(ctx.session, project.id)
    where = await people.addresses(ctx.session, [p.id for p, _ in rows], PLATFORM)
    order = {r: i for i, r in enumerate(("pmo", "sponsor", "pm", "member", "vendor", "viewer"))}
    lines = sorted((order.get(role, 9), _ref(*where[p.id]) if p.id in where else p.display_name, role, p.display_name)
                   for p, role in rows)
    state = " (archived)" if project.archived_at is not None else ""
    return "\n".join([f"{project.key}{state}: {len(lines)} member(s)"]
                     + [f"{ref}\t{role}\t{name}" for _, ref, role, name in lines])


async def _link_person(ctx: Ctx, first: str, second: str) -> str:
    """`admin person link slack:U1 feishu:ou_x`: one person with both identities (when email cannot tell)."""
    platform, ident = split_ref(first)
    person, _ = await people.get_or_create(ctx.session, platform=platform, external_id=ident, name=ident)
    other_platform, other_ident = split_ref(second)
    try:
        merged = await people.link(ctx.session, person, other_platform, other_ident)
    except people.LinkRefused as refused:
        raise UserError("admin.link_refused", who=second, tables=", ".join(refused.tables)) from None
    await ctx.audit("person.linked", f"person:{person.id}", before={"merged_person": merged} if merged else None,
                    after={"identity": f"{other_platform}:{other_ident}"})
    return f"{platform}:{ident} and {other_platform}:{other_ident} are one person ({person.display_name})"


async def _calendar(ctx: Ctx, verb: str, args: argparse.Namespace) -> str:
    """`admin calendar add|remove|list`: overrides that win over the built-in holiday data (workdays.py)."""
    if verb == "list":
        rows = await calendar_store.list_days(ctx.session, year=args.year)
        lines = [f"{r.day} {r.day:%a} {r.kind}" + (f" {r.name}" if r.name else "") for r in rows]
        if args.year is not None and not workdays.WorkCalendar.from_rows(
                (r.day, r.kind, r.name) for r in rows).covers(args.year):
            lines.append(f"(no holiday data for {args.year}: weekends and fixed-date holidays are assumed)")
        return "\n".join(lines) or "(no calendar overrides)"
    day: dt.date = args.day
    if verb == "add":
        old = await calendar_store.upsert(ctx.session, day, args.kind, args.name)
        await ctx.audit("calendar.day_set", f"calendar:{day}", after={"kind": args.kind, "name": args.name},
                        before=None if old is None else {"kind": old[0], "name": old[1]})
        return f"{day} {day:%a} is now a {args.kind}" + (f" ({args.name})" if args.name else "") + _builtin(day)
    if verb == "remove":
        removed = await calendar_store.remove(ctx.session, day)
        if removed is None:
            raise UserError("admin.calendar_missing", day=day.isoformat())
        await ctx.audit("calendar.day_removed", f"calendar:{day}", before={"kind": removed[0], "name": removed[1]})
        return f"removed the override of {day}" + _builtin(day)
    raise UserError("admin.unknown")


def _builtin(day: dt.date) -> str:
    builtin = workdays.default_calendar()
    if not builtin.covers(day.year):
        return f"; no built-in holiday data for {day.year}"
    return f"; built-in: {'workday' if builtin.is_workday(day) else 'day off'}"


async def export_main(cfg: Config, args: argparse.Namespace) -> int:
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        try:
            now = dt.datetime.fromisoformat(args.now) if getattr(args, "now", None) else dt.datetime.now(dt.UTC)
        except ValueError:
            print(f"--now: not an ISO 8601 time: {args.now!r}", file=sys.stderr)
            return 2
        if now.tzinfo is None:
            now = now.replace(tzinfo=ZoneInfo(cfg.settings.default_tz))
        async with db.unit_of_work() as session:
            data = await export_project(session, args.project, now=now, hours=cfg.settings.working_hours)
    except UserError as err:
        print(i18n.t("en", err.key, **err.params), file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    return _write_export(args, data)


def _write_export(args: argparse.Namespace, data: dict[str, object]) -> int:
    """Write the export where it was asked for (stdout, or --output)."""
    output = getattr(args, "output", None)
    if args.format == "xlsx":
        book = to_xlsx(data)
        if output:
            Path(output).write_bytes(book)
        elif sys.stdout.isatty():
            print("an .xlsx is binary: give --output FILE, or pipe it", file=sys.stderr)
            return 2
        else:
            sys.stdout.buffer.write(book)
        return 0
    text = (json.dumps(data, ensure_ascii=False, indent=2) + "\n" if args.format == "json"
            else to_csv(data, args.table))
    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0
