"""Repositories on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage import inbox, people, risks, sqlite_checkpoint
from storage.db import Database
from storage.models import InboxEvent, Project, Risk


async def test_one_person_with_a_slack_and_a_feishu_identity(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.unit_of_work() as session:
            slack, new1 = await people.get_or_create(session, platform="slack", external_id="U1", name="Li Lei",
                                                     email="LiLei@corp.example")
            feishu, new2 = await people.get_or_create(session, platform="feishu", external_id="ou_1", name="李雷",
                                                      email="lilei@corp.example")
            again, new3 = await people.get_or_create(session, platform="feishu", external_id="ou_1")
            assert (new1, new2, new3) == (True, False, False)
            assert slack.id == feishu.id == again.id
            assert await people.find(session, "feishu", "ou_1") is not None
    finally:
        await db.dispose()


async def test_a_person_seeded_by_id_gets_the_platform_profile(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.unit_of_work() as session:
            seeded, _ = await people.get_or_create(session, platform="slack", external_id="U9", name="U9")
            later, _ = await people.get_or_create(session, platform="slack", external_id="U9", name="Han Meimei",
                                                  email="hm@corp.example", timezone="Asia/Shanghai")
            assert later.id == seeded.id and later.display_name == "Han Meimei" and later.email == "hm@corp.example"
    finally:
        await db.dispose()


async def test_the_inbox_ack_path_stores_what_a_session_stores(db_url: str) -> None:
    """`inbox.store` (the sqlite3 connection itself on inline SQLite) writes the same rows as `record_many` in a
    session, and both tell new events from repeats, earlier or within the batch."""
    db = Database(db_url)
    now = dt.datetime(2026, 11, 26, 12, 5, 6, 789, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    payload = {"text": "新建任务 登录页 <@U1>", "n": [1, None], "nested": {"ok": True}}
    try:
        first, repeat, other = await inbox.store(db, [("slack", "Ev1", payload), ("slack", "Ev1", payload),
                                                      ("feishu", "Ev1", payload)], now)
        assert repeat is None and first is not None and other is not None and first != other
        assert await inbox.store(db, [("slack", "Ev1", payload)], now) == [None]
        async with db.unit_of_work() as session:
            new, old = await inbox.record_many(session, [("slack", "Ev2", payload), ("slack", "Ev1", payload)], now)
            assert new is not None and old is None
        async with db.unit_of_work() as session:
            rows = (await session.scalars(select(InboxEvent).order_by(InboxEvent.id))).all()
            raw = (await session.execute(text("SELECT received_at, payload FROM inbox ORDER BY id"))).all()
        assert [(r.platform, r.event_id, r.status, r.payload, r.received_at) for r in rows] == [
            ("slack", "Ev1", "received", payload, now), ("feishu", "Ev1", "received", payload, now),
            ("slack", "Ev2", "received", payload, now)]
        assert raw[0] == raw[1] == raw[2]  # byte for byte the same as the session's row
    finally:
        await db.dispose()


async def test_sqlite_commits_never_checkpoint_a_thread_does(tmp_path: Path, sqlite_template: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit on the event loop only appends to the WAL; checkpoints (seconds under load, with an fsync) run
    in a thread and copy the WAL into the database file, and under a steady stream of writes one of them takes
    the writer lock so the WAL starts over instead of growing for ever."""
    target = tmp_path / "bot.db"
    shutil.copy(sqlite_template, target)
    monkeypatch.setattr(sqlite_checkpoint, "EVERY", 3600.0)
    db = Database(f"sqlite:///{target}")
    big = {"text": "x" * 4000}

    async def write(first: int, count: int) -> None:  # ~2 pages of WAL each
        for n in range(first, first + count):
            async with db.unit_of_work() as session:
                await inbox.record(session, platform="slack", event_id=f"E{n}", payload=big, now=dt.datetime.now(dt.UTC))

    def wal_frames() -> int:
        with sqlite3.connect(target) as conn:
            return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])

    try:
        await write(0, 600)  # past SQLite's automatic checkpoint at 1,000 pages
        assert (tmp_path / "bot.db-wal").stat().st_size > 4_000_000
        assert target.stat().st_size < 1_000_000  # no commit copied anything back
        await db.dispose()  # stopping runs a last checkpoint
        copied = target.stat().st_size
        assert copied > 2_000_000

        monkeypatch.setattr(sqlite_checkpoint, "EVERY", 0.02)
        monkeypatch.setattr(sqlite_checkpoint, "RESTART_AT", 300)
        db = Database(f"sqlite:///{target}")
        await write(600, 600)
        for _ in range(100):  # while the database stays open, the thread copies the new pages within moments
            if target.stat().st_size > copied + 2_000_000 and db.checkpoints and db.checkpoints.restarts:
                break
            await asyncio.sleep(0.05)
        assert target.stat().st_size > copied + 2_000_000
        assert db.checkpoints is not None and db.checkpoints.restarts >= 1
        await write(1200, 1)
        assert wal_frames() < 1000  # it started over (600 writes made ~1,200 frames): only recent writes
        async with db.unit_of_work() as session:
            assert await session.scalar(text("SELECT count(*) FROM inbox")) == 1201
    finally:
        await db.dispose()


async def test_the_inbox_ack_path_reconnects_after_postgresql_dropped_it(db_url: str) -> None:
    """The ack path's own PostgreSQL connection: after the server dropped it, the next batch is sent again on a
    new connection when the drop shows only then (no failed ack: the platform would retry, but later)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's connection of its own")
    db = Database(db_url)
    now = dt.datetime.now(dt.UTC)
    try:
        assert (await inbox.store(db, [("slack", "A", {})], now))[0] is not None
        async with db.direct_postgres() as pg:
            pid = pg.get_server_pid()
        async with db.unit_of_work() as session:
            assert await session.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        stored = await inbox.store(db, [("slack", "B", {})], now)  # sent again on a new connection
        assert stored[0] is not None
        async with db.unit_of_work() as session:
            assert await session.scalar(text("SELECT count(*) FROM inbox")) == 2
    finally:
        await db.dispose()


async def test_risks_go_in_as_one_document_whatever_they_say(db_url: str) -> None:
    """`insert_packed` (COPY streamed into a temporary table on PostgreSQL, one bound value on SQLite) stores
    every risk's detail as given: quotes, backslashes, newlines, control characters, Chinese, emoji; a repeat of
    the same risk on the same day is not stored twice."""
    db = Database(db_url)
    day = dt.date(2026, 11, 26)
    now = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
    tricky = 'say "hi" \\ back\\slash\nnew line \x01\x02 tab\t 登录页 🚀'
    try:
        async with db.unit_of_work() as session:
            project = Project(key="CRM", name="CRM")
            session.add(project)
            await session.flush()
            found = [(project.id, "overdue", f"task:{n}", day, {"params": {"title": f"{tricky} {n}"}, "owners": [n]})
                     for n in range(3000)]
            await risks.insert_packed(session, risks.pack(found + found[:5]), now=now)
            other = Project(key="ERP", name="ERP")
            session.add(other)
            await session.flush()
            # As a job worker hands it back: a file; and only some projects' risks of it, a file again.
            spilled = risks.spill(risks.pack(found[:5] + [(other.id, "overdue", f"task:{n}", day,
                                                            {"params": {"title": tricky}, "owners": []})
                                                           for n in range(3000, 3010)]))
            only = risks.pack_only(spilled, [other.id])
            try:
                assert isinstance(only, Path)
                await risks.insert_packed(session, only, now=now)
            finally:
                spilled.unlink()
                only.unlink()
        async with db.unit_of_work() as session:
            stored = (await session.execute(select(Risk.entity, Risk.detail, Risk.raised_on)
                                            .order_by(Risk.id))).all()
        assert len(stored) == 3010
        assert {(e, d["params"]["title"], d["owners"][0] if d["owners"] else None, r) for e, d, r in stored} == {
            (f"task:{n}", f"{tricky} {n}", n, day) for n in range(3000)} | {
            (f"task:{n}", tricky, None, day) for n in range(3000, 3010)}
    finally:
        await db.dispose()
