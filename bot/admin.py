"""`pmo-bot admin ...` and `pmo-bot export`: the same rules as chat, run as the CLI (a PMO) with an audit trail."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.config import Config
from bot.platforms.console import PLATFORM
from handlers import projects as project_admin
from handlers.context import Ctx, Settings
from handlers.errors import UserError
from handlers.export import export_project, to_csv
from storage import people, projects
from storage.db import Database
from storage.migrate import upgrade


def split_ref(ref: str) -> tuple[str, str]:
    """`slack:U0123` -> ("slack", "U0123"); a bare name is a console user or chat."""
    platform, sep, ident = ref.partition(":")
    if sep and platform in ("slack", "feishu", "console") and ident:
        return platform, ident
    return PLATFORM, ref


def cli_context(session: AsyncSession, *, now: dt.datetime, settings: Settings, platform: str = PLATFORM) -> Ctx:
    """The context admin commands run in: no actor (acts as the PMO, audited as `cli`), English messages."""
    return Ctx(session=session, now=now, platform=platform, event_id=f"cli:{uuid.uuid4().hex}", actor=None,
               actor_ref="cli", chat=None, locale="en", tz=settings.default_tz, settings=settings)


async def admin_main(cfg: Config, args: argparse.Namespace) -> int:
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        async with db.unit_of_work() as session:
            ctx = cli_context(session, now=dt.datetime.now(dt.UTC), settings=cfg.settings)
            message = await _admin(ctx, args)
        print(message)
        return 0
    except UserError as err:
        print(i18n.t("en", err.key, **err.params), file=sys.stderr)
        return 1
    finally:
        await db.dispose()


async def _admin(ctx: Ctx, args: argparse.Namespace) -> str:
    what, verb = args.what, args.verb
    if what == "project" and verb == "create":
        project = await project_admin.create_project(ctx, args.key, args.name, tz=args.tz,
                                                     locale=args.locale or ctx.settings.default_locale)
        return f"created project {project.key} ({project.name}, {project.timezone}, {project.locale})"
    if what == "project" and verb == "list":
        keys = await projects.all_keys(ctx.session)
        return "\n".join(keys) or "(no projects)"
    found = await projects.by_key(ctx.session, args.key)
    if found is None:
        raise UserError("project.not_found", key=args.key.upper(),
                        hint=", ".join(await projects.all_keys(ctx.session)))
    project = found
    if what == "project" and verb == "set":
        if args.tz:
            await project_admin.set_project_option(ctx, project, "timezone", args.tz)
        if args.locale:
            await project_admin.set_project_option(ctx, project, "locale", args.locale)
        return f"{project.key}: timezone {project.timezone}, locale {project.locale}"
    if what == "member":
        platform, ident = split_ref(args.user)
        person, _ = await people.get_or_create(ctx.session, platform=platform, external_id=ident, name=ident)
        old = await project_admin.add_member(ctx, project, person, args.role)
        return f"{ident} is {args.role} on {project.key}" + (f" (was {old})" if old else "")
    if what == "chat":
        platform, ident = split_ref(args.chat)
        await project_admin.bind_chat(ctx, project, platform, ident)
        return f"{platform}:{ident} bound to {project.key}"
    raise UserError("admin.unknown")


async def export_main(cfg: Config, args: argparse.Namespace) -> int:
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        async with db.unit_of_work() as session:
            data = await export_project(session, args.project)
    except UserError as err:
        print(i18n.t("en", err.key, **err.params), file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_csv(data, args.table))
    return 0
