"""Deployment faults: PostgreSQL going away under load, a replica killed again and again, SQLite's disk filling
up. Each time the platform is told to retry (5xx or no answer) for anything not stored, nothing is applied
twice, and the bot carries on by itself once the fault is gone."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import App
from bot.config import Config
from tests import service
from tests.conftest import Clock
from tests.fakes.slack import FakeSlack, fixture_json, sign

HUMAN, PM = "U0HUMAN001", "U0HUMAN002"
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proxy:
    """A TCP proxy on 127.0.0.1 in front of PostgreSQL that a test can cut (every connection dropped, new ones
    refused: what a server restart looks like to its clients) and restore. The shared server is never touched."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = _free_port()
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def start(self) -> Proxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", self.port)
        return self

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def restore(self) -> None:
        await self.start()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError, asyncio.CancelledError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self._links -= {writer, up_writer}


@dataclass
class Rig:
    app: App
    fake: FakeSlack
    base: str
    http: aiohttp.ClientSession
    clock: Clock
    acked: set[str] = field(default_factory=set)
    ack_goal: int = 0
    goal_reached: asyncio.Event = field(default_factory=asyncio.Event)

    async def message(self, text: str, event_id: str, *, retry: int = 0, within: float = 3.0) -> int | None:
        """One signed DM from member n (event ids end in n: one DM each, as Slack paces a conversation at one
        message a second), sent as Slack does (a retry carries X-Slack-Retry-Num); its status, or None when there
        was no answer within Slack's 3 s."""
        n = int(event_id[-4:])
        body = fixture_json("slack_message_im.json")
        body["event"].update(text=text, user=member(n), channel=f"D0FAULT{n:04d}", ts=f"1718000300.{n:06d}")
        body["event_id"] = event_id
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **sign(raw)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
        try:
            async with asyncio.timeout(within), self.http.post(f"{self.base}/slack/events", data=raw,
                                                               headers=headers) as resp:
                await resp.read()
                if resp.status == 200:
                    self.acked.add(event_id)
                    if len(self.acked) >= self.ack_goal:
                        self.goal_reached.set()
                return resp.status
        except (TimeoutError, aiohttp.ClientError):
            return None

    async def until_acked(self, text: str, event_id: str, *, tries: int = 40) -> int:
        """Retry like Slack (compressed) until the bot acks; the number of tries it took."""
        for n in range(tries):
            if await self.message(text, event_id, retry=n) == 200:
                return n + 1
            await asyncio.sleep(0.25)
        raise AssertionError(f"{event_id} was never acked")

    async def sql(self, query: str) -> Any:
        return await service.scalar(self.app, query)

    async def recovered(self) -> None:
        """What the sweep does 30 s later (the clock moves instead), and delivery's leases run out; then settle."""
        await asyncio.wait_for(self.app.intake._work.join(), 30)  # what is queued has been tried
        self.clock.advance(minutes=2)
        await self.app.intake.recover()
        self.app.delivery.wake()
        await service.settle(self.app)


def member(n: int) -> str:
    return f"U0FAULT{n:04d}"


@contextlib.asynccontextmanager
async def rig(db_url: str, clock: Clock, *, members: int = 1) -> AsyncIterator[Rig]:
    fake = await FakeSlack().start()
    fake.users[HUMAN] = {"id": HUMAN, "name": "alice", "tz": "Asia/Shanghai", "locale": "en-US",
                         "profile": {"display_name": "alice"}}
    cfg = service.config(db_url, jobs_enabled=False, slack_bot_token="xoxb-test",
                         slack_signing_secret="8c3b3f6a1e2d4c5b9a7f0e1d2c3b4a59", slack_api_url=fake.api_url)
    app = App(cfg, clock=clock)
    await service.seed_crm(app, "slack", pm=PM, member=HUMAN, chat="C0CHAN0001")
    await add_members(app, [member(n) for n in range(members)])
    try:
        async with service.serving(app, _free_port()) as (http, base):
            yield Rig(app, fake, base, http, clock)
    finally:
        await fake.stop()


async def add_members(app: App, idents: list[str]) -> None:
    from bot.admin import cli_context
    from handlers import projects as admin
    from storage import people, projects

    async with app.db.unit_of_work() as session:
        ctx = cli_context(session, now=app.clock(), settings=app.config.settings, platform="slack")
        project = await projects.by_key(session, "CRM")
        for ident in idents:
            person, _ = await people.get_or_create(session, platform="slack", external_id=ident, name=ident)
            await admin.add_member(ctx, project, person, "member")


@pytest.fixture
def pg_url(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL fault")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    return db_url


async def applied_once(r: Rig, n: int) -> None:
    """Each of the n tasks exists once, each event is stored once, and each got its one confirmation row."""
    assert await r.sql("select count(*) from tasks") == n
    assert await r.sql("select count(distinct title) from tasks") == n
    assert await r.sql("select count(*) from inbox where platform = 'slack'") == n
    assert await r.sql("select count(*) from outbox") == n
    assert await r.sql("select count(*) from inbox where status <> 'done'") == 0


async def test_postgres_restart_under_load_is_retried_by_slack_and_applied_once(pg_url: str, clock: Clock) -> None:
    url = make_url(pg_url)
    proxy = await Proxy(url.host or "127.0.0.1", url.port or 5432).start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with rig(through, clock, members=40) as r:
        # A burst of task creations; PostgreSQL "restarts" (the proxy drops every connection) in the middle.
        texts = {f"Ev0FAULT{i:04d}": f"new task fault item {i}" for i in range(40)}
        r.ack_goal = 10
        burst = [asyncio.create_task(r.message(t, e)) for e, t in texts.items()]
        await r.goal_reached.wait()
        await proxy.cut()
        await asyncio.gather(*burst)
        # While it is down: nothing is acked (Slack retries a 5xx or a timeout), health says so.
        for event_id, text in list(texts.items())[:5]:
            assert await r.message(text, event_id, retry=1) != 200
        async with r.http.get(f"{r.base}/healthz") as health:
            assert health.status == 503
        down_acked = set(r.acked)
        await proxy.restore()
        # Slack's retries of everything (acked or not) are acked now, by the same process, without a restart.
        for event_id, text in texts.items():
            await r.until_acked(text, event_id)
        await r.recovered()
        await applied_once(r, len(texts))
        assert down_acked <= set(r.acked)
    await proxy.cut()


async def test_connection_lost_while_processing_is_retried_not_answered_as_an_error(pg_url: str,
                                                                                      clock: Clock) -> None:
    url = make_url(pg_url)
    proxy = await Proxy(url.host or "127.0.0.1", url.port or 5432).start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with rig(through, clock, members=2) as r:
        route = r.app.dispatcher._route
        restarts = 0

        async def restarted_meanwhile(event: Any, ctx: Any) -> Any:
            # PostgreSQL restarts while this event's unit of work is open: its connection is gone, the server
            # is back at once (so an error reply could be written), and the unit of work cannot commit.
            nonlocal restarts
            if restarts == 0:
                restarts += 1
                await proxy.cut()
                await proxy.restore()
            return await route(event, ctx)

        r.app.dispatcher._route = restarted_meanwhile  # type: ignore[method-assign]
        assert await r.message("new task gamma item", "Ev0LOST0001") == 200
        await r.recovered()
        assert restarts == 1
        await applied_once(r, 1)
        posted = [m["text"] for m in r.fake.of("chat.postMessage")]
        assert len(posted) == 1 and "gamma item" in posted[0], posted
    await proxy.cut()


async def test_terminated_backends_are_replaced_without_a_failed_ack(pg_url: str, clock: Clock) -> None:
    import asyncpg  # type: ignore[import-untyped]

    async with rig(pg_url, clock, members=3) as r:
        assert await r.message("new task alpha item", "Ev0TERM0001") == 200
        await service.settle(r.app)
        url = make_url(pg_url)
        admin = await asyncpg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                      database=url.database)
        try:
            killed = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        finally:
            await admin.close()
        assert killed >= 1
        # The pooled and the direct connections died while idle (an administrator, a failover, a restart
        # between two events): the next event is acked at the first try, and answered.
        assert await r.message("new task beta item", "Ev0TERM0002") == 200
        await r.recovered()
        await applied_once(r, 2)
        posted = [m["text"] for m in r.fake.of("chat.postMessage")]
        assert any("beta item" in t for t in posted), posted


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB filesystem (tmpfs) for the database; skipped where mounting is not permitted."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(directory: Path) -> Path:
    """Take every free byte of the filesystem with one file; return it (delete it to free the space)."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * size):
                    pass
    finally:
        os.close(fd)
    return filler


async def test_a_full_disk_is_a_5xx_a_clear_message_and_nothing_half_written(
        small_disk: Path, sqlite_template: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    shutil.copy(sqlite_template, small_disk / "pmo.db")
    url = f"sqlite:///{small_disk / 'pmo.db'}"
    async with rig(url, clock, members=60) as r:
        assert await r.message("new task first item", "Ev0DISK0000") == 200
        await service.settle(r.app)
        filler = fill(small_disk)
        # The disk is full: the bot keeps going until SQLite needs a page it cannot get, then answers 5xx.
        refused: dict[str, str] = {}
        for n in range(1, 60):
            event_id, text = f"Ev0DISK{n:04d}", f"new task disk item {n} " + "notes " * 300
            status = await r.message(text, event_id)
            if status != 200:
                assert status is not None and status >= 500, status
                refused[event_id] = text
                if len(refused) == 3:
                    break
        assert refused, "the disk never filled up"
        said = [rec for rec in caplog.records if "disk under the SQLite database is full" in rec.getMessage()]
        assert said and not [rec for rec in caplog.records if rec.exc_info], "one line each, no traceback"
        # The CLI says what is wrong in one line, and writes nothing.
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "admin", "project", "create", "OPS", "--name", "Ops", "--db", url,
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, raw_err = await cli.communicate()
        err = raw_err.decode()
        assert cli.returncode != 0
        assert "disk under the SQLite database is full" in err and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        filler.unlink()
        # Space again: Slack's retries go through, stored-but-unprocessed events are processed, once each.
        for event_id, text in refused.items():
            await r.until_acked(text, event_id)
        await r.recovered()
        await applied_once(r, len(r.acked))
        assert await r.sql("pragma integrity_check") == "ok"
        assert await r.sql("select count(*) from projects where key = 'OPS'") == 0


async def _cli(db: str, *args: str) -> None:
    from bot import cli

    assert await asyncio.to_thread(cli.main, [*args, "--db", db]) == 0, args


async def _job_counts(app: App) -> dict[str, int]:
    async with app.db.engine.connect() as conn:
        rows = (await conn.execute(text(
            "SELECT job, count(*) FROM job_runs GROUP BY job UNION ALL "
            "SELECT 'outbox:' || (CAST(payload AS jsonb)->>'job'), count(*) FROM outbox "
            "WHERE CAST(payload AS jsonb)->>'job' IS NOT NULL GROUP BY 1"))).all()
    return {str(k): int(v) for k, v in rows}


async def test_two_replicas_one_killed_again_and_again(pg_url: str, tmp_path: Path) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    now = dt.datetime.now(tz)
    due = (now - dt.timedelta(minutes=2)).strftime("%H:%M")
    await _cli(pg_url, "admin", "project", "create", "CRM", "--name", "客户关系系统", "--tz", "Asia/Shanghai")
    for user, role in (("lily", "pm"), ("bob", "member"), ("alice", "member"), ("sam", "sponsor")):
        await _cli(pg_url, "admin", "member", "add", "CRM", user, "--role", role)
    await _cli(pg_url, "admin", "chat", "bind", "CRM", "crm-group")
    for day in {now.date(), (now - dt.timedelta(minutes=2)).date()}:
        await _cli(pg_url, "admin", "calendar", "add", day.isoformat(), "workday")
    await _cli(pg_url, "jobs", "settings", "CRM", "--set", f"standup.time={due}", "--set",
               "standup.days=1,2,3,4,5,6,7", "--set", f"digest.time={due}", "--set", "standup.summary_time=00:00",
               "--set", "risks.enabled=off", "--set", "weekly.enabled=off")
    fake = await FakeSlack().start()
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=pg_url, PMO_JOB_TICK_SECONDS="0.5", PMO_JOBS="on",
               SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="8c3b3f6a1e2d4c5b9a7f0e1d2c3b4a59",
               SLACK_API_URL=fake.api_url, LOG_FILE=str(tmp_path / "run.log"))
    ports = [_free_port(), _free_port()]

    async def replica(port: int) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--console", "off", "--port", str(port), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)

    steady, victim = await replica(ports[0]), await replica(ports[1])
    app = App(replace(Config(), database_url=pg_url))
    try:
        async with aiohttp.ClientSession() as http:
            r = Rig(app, fake, f"http://127.0.0.1:{ports[0]}", http, Clock(dt.datetime.now(dt.UTC)))
            for port in ports:
                await up(http, f"http://127.0.0.1:{port}")
            # The victim dies four times (SIGKILL: no shutdown at all) while the jobs fire and the steady
            # replica takes a stream of events; it is restarted each time, as a supervisor would.
            sent = 0
            for _ in range(4):
                for _ in range(5):
                    sent += 1
                    assert await r.message("help", f"Ev0REPL{sent:04d}") == 200  # the first try, every time
                victim.send_signal(signal.SIGKILL)
                await victim.wait()
                victim = await replica(ports[1])
                await up(http, f"http://127.0.0.1:{ports[1]}")
            expected = {"standup.prompt": 3, "digest.daily": 2, "outbox:standup.prompt": 3, "outbox:digest.daily": 4}
            counts: dict[str, int] = {}
            for _ in range(120):
                counts = await _job_counts(app)
                processed = await service.scalar(app, "select count(*) from inbox where status = 'done'")
                if processed == sent and all(counts.get(k, 0) >= v for k, v in expected.items()):
                    break
                await asyncio.sleep(0.25)
            await asyncio.sleep(2)  # more ticks on both replicas: nothing more may be claimed
            counts = await _job_counts(app)
            assert {k: counts.get(k, 0) for k in expected} == expected, counts
            assert await service.scalar(app, "select count(*) from inbox where status = 'done'") == sent
            assert await service.scalar(app, "select count(*) from inbox") == sent
            # One answer each, written once, whichever replica processed it.
            assert await service.scalar(app, "select count(*) from outbox where \"user\" like 'U0FAULT%'") == sent
    finally:
        for proc in (steady, victim):
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (steady, victim):
            await asyncio.wait_for(proc.wait(), 30)
        await app.close()
        await fake.stop()


async def up(http: aiohttp.ClientSession, base: str) -> None:
    for _ in range(1200):
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(f"{base}/healthz") as resp:
                if resp.status == 200:
                    return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{base} did not start")


async def test_feishu_gets_503_while_postgres_is_down_and_its_re_push_is_applied_once(pg_url: str) -> None:
    from tests.test_feishu import ALICE, p2p
    from tests.test_feishu import rig as feishu_rig

    url = make_url(pg_url)
    proxy = await Proxy(url.host or "127.0.0.1", url.port or 5432).start()
    through = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    async with feishu_rig(through) as f:
        event = p2p("new task delta item", event_id="ev-fault-1", message_id="om_fault_0001", user=ALICE)
        await proxy.cut()
        status, body = await f.event(event)
        assert status == 503 and body == {"error": "storage unavailable"}  # Feishu re-pushes a non-200
        await proxy.restore()
        assert (await f.event(event))[0] == 200  # the re-push: same event id
        assert (await f.event(event))[0] == 200  # and another one, for good measure
        await f.settle()
        assert await f.sql("select count(*) from tasks where title = 'delta item'") == 1
        assert await f.sql("select count(*) from inbox where platform = 'feishu'") == 1
        replies = [c for c in f.fake.calls if c.method in ("send", "reply")]
        assert len(replies) == 1, replies
    await proxy.cut()
