"""Fixtures: a real database per test (SQLite and PostgreSQL), an injected clock, a console chat harness."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import App
from bot.config import Config
from bot.platforms.console import PLATFORM, ConsoleSender, make_event
from handlers.export import export_project
from storage.db import Database
from storage.migrate import upgrade
from storage.models import Base

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Scheduled jobs run on the wall clock: off for every `pmo-bot run` a test starts, unless the test turns them on
# (tests/test_jobs_replicas.py); job functions are tested with an injected clock instead.
os.environ.setdefault("PMO_JOBS", "off")
PG_ENV = "PMO_TEST_POSTGRES_URL"


class Clock:
    """An injected clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, iso: str) -> None:
        stamp = dt.datetime.fromisoformat(iso)
        self.now = (stamp if stamp.tzinfo else stamp.replace(tzinfo=SHANGHAI)).astimezone(dt.UTC)

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def _migrate_sync(url: str) -> None:
    async def go() -> None:
        db = Database(url)
        await upgrade(db.engine)
        await db.dispose()

    asyncio.run(go())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    _migrate_sync(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        if os.environ.get("PMO_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but {PG_ENV} is not set")
        pytest.skip(f"{PG_ENV} not set")
    name = f"pmo_test_{uuid.uuid4().hex[:10]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        import asyncpg  # type: ignore[import-untyped]

        u = make_url(admin_url)
        conn = await asyncpg.connect(host=u.host or "127.0.0.1", port=u.port or 5432, user=u.username,
                                     password=u.password, database=u.database or "postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        if os.environ.get("PMO_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    _migrate_sync(url)
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "pmo.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)

    async def wipe() -> None:
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await db.dispose()

    asyncio.run(wipe())
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI).astimezone(dt.UTC))


class ChatHarness:
    """Talk to the bot as console users; each call returns what the bot delivered for it."""

    def __init__(self, app: App, out: io.StringIO) -> None:
        self.app = app
        self.out = out
        self._read = 0

    async def say(self, user: str, text: str, *, chat: str | None = None, event_id: str | None = None,
                  files: list[dict[str, str]] | None = None) -> list[dict[str, Any]]:
        data: dict[str, Any] = {"user": user, "text": text, "chat": chat}
        if event_id:
            data["event_id"] = event_id
        if files:
            data["files"] = files
        await self.app.handle(make_event(data, default_user=user, default_chat=None))
        return await self._delivered()

    async def click(self, user: str, action: str, *, chat: str | None = None) -> list[dict[str, Any]]:
        await self.app.handle(make_event({"user": user, "action": action, "chat": chat},
                                         default_user=user, default_chat=None))
        return await self._delivered()

    async def _delivered(self) -> list[dict[str, Any]]:
        await self.app.delivery.drain()
        lines = self.out.getvalue().splitlines()[self._read:]
        self._read += len(lines)
        return [json.loads(line) for line in lines]

    async def text(self, user: str, text: str, **kw: Any) -> str:
        """The first reply's text (the answer to the sender)."""
        replies = await self.say(user, text, **kw)
        assert replies, f"no reply to {text!r}"
        return str(replies[0]["text"])

    async def export(self, key: str) -> dict[str, Any]:
        async with self.app.db.unit_of_work() as session:
            return await export_project(session, key)

    async def scalar(self, sql: str) -> Any:
        async with self.app.db.engine.connect() as conn:
            return (await conn.execute(text(sql))).scalar()


@pytest.fixture
async def bot(db_url: str, clock: Clock) -> AsyncIterator[ChatHarness]:
    app = App(replace(Config(), database_url=db_url), clock=clock)
    out = io.StringIO()
    app.add_sender(PLATFORM, ConsoleSender(out, json_mode=True))
    try:
        yield ChatHarness(app, out)
    finally:
        await app.close()


@pytest.fixture
async def crm(bot: ChatHarness) -> ChatHarness:
    """A project CRM run by pm `lily` (the first user, so PMO too), with members, a vendor and a viewer."""
    assert "CRM" in await bot.text("lily", "create project CRM 客户关系系统")
    for who, role in (("lily", "pm"), ("bob", "member"), ("alice", "member"), ("vic", "vendor"), ("val", "viewer"),
                      ("sam", "sponsor")):
        assert who in await bot.text("lily", f"add @{who} to CRM as {role}")
    return bot
