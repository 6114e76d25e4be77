"""Helpers for tests that run the real service (aiohttp server, intake, delivery) against a fake platform."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
from sqlalchemy import text

from bot import platforms
from bot.app import App
from bot.config import Config


def config(database_url: str, **settings: Any) -> Config:
    """A Config for a test. `slack_*` / `feishu_*` keywords are that platform's environment variables in lower
    case (slack_app_token="xapp-…" is SLACK_APP_TOKEN), read by the platform itself; the rest are Config fields."""
    env = {k.upper(): str(v) for k, v in settings.items() if k.split("_")[0] in platforms.PLATFORMS}
    fields = {k: v for k, v in settings.items() if k.split("_")[0] not in platforms.PLATFORMS}
    return replace(Config(), database_url=database_url, platforms=platforms.configured(env), **fields)


async def scalar(app: App, query: str) -> Any:
    async with app.db.engine.connect() as conn:
        return (await conn.execute(text(query))).scalar()


async def settle(app: App) -> None:
    """Wait until every stored event is processed and the outbox is empty."""
    for _ in range(400):
        pending = await scalar(app, "select count(*) from inbox where status = 'received'")
        unsent = await scalar(app, "select count(*) from outbox where status in ('pending', 'sending')")
        if pending == 0 and unsent == 0 and app.intake.backlog == 0:
            return
        await asyncio.sleep(0.025)
    raise AssertionError("the bot did not settle")


async def seed_crm(app: App, platform: str, *, pm: str, member: str, chat: str) -> None:
    """Project CRM (English) with a PM and a member on `platform`, bound to `chat`, as the admin CLI would."""
    from bot.admin import cli_context
    from handlers import projects as admin
    from storage import people

    async with app.db.unit_of_work() as session:
        ctx = cli_context(session, now=app.clock(), settings=app.config.settings, platform=platform)
        project = await admin.create_project(ctx, "CRM", "Customer portal", locale="en")
        for ident, role in ((pm, "pm"), (member, "member")):
            person, _ = await people.get_or_create(session, platform=platform, external_id=ident, name=ident)
            await admin.add_member(ctx, project, person, role)
        await admin.bind_chat(ctx, project, platform, chat)


@contextlib.asynccontextmanager
async def serving(app: App, port: int) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """Run `app.serve` on 127.0.0.1:`port` until the block ends; yield an HTTP session and the base URL."""
    stop = asyncio.Event()
    server = asyncio.create_task(app.serve(stop, host="127.0.0.1", port=port))
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        for _ in range(400):
            try:
                async with http.get(f"{base}/healthz") as r:
                    if r.status == 200:
                        break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.025)
        try:
            yield http, base
        finally:
            stop.set()
            await asyncio.wait_for(server, 30)
