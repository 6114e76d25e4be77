"""Kill `pmo-bot run` with SIGKILL again and again under signed traffic; count what was lost or done twice.

    .venv/bin/python bench/fault_sweep.py                     # quick: 5 kills per combination
    .venv/bin/python bench/fault_sweep.py --full              # 20 kills per combination
    .venv/bin/python bench/fault_sweep.py --platform slack --db sqlite --kills 3 --seed 7

For each (platform, database): a fresh database (SQLite file, or a new database on $PMO_TEST_POSTGRES_URL that
is dropped afterwards), `pmo-bot run` on 127.0.0.1, and a fake Slack Web API / Feishu open API in this process
that records every reply. A stream of correctly signed message events (`--rate` per second; every other kill
also fires a burst of `--burst` events just before it, so ~100 requests are in flight when the process dies)
goes to the bot while it is killed `--kills` times and restarted each time. Every event is sent the way the
platform sends it: Slack re-signs and retries with X-Slack-Retry-Num when there is no 2xx within 3 s or the
connection fails; Feishu re-pushes the same event id. The schedules are compressed (Slack waits 1 and 5
minutes, Feishu 15 s, 5 min, 1 h...; here 0.2, 1, 2, 4, 4... s, for at most --give-up seconds).

Every event comes from its own chat (its marker: the chat id), asks something the bot answers once ("help",
"my tasks", in both languages), and the fake finds the marker in each reply. At the end, per combination:

    kills, events, acked, lost, duplicated, duplicate replies, p99 and max answer delay after a kill

lost: acked (a 2xx at least once) and then not in the inbox, or processed without a reply; duplicated: more
outbox rows for the event than an event gets without kills (the handler ran twice); duplicate replies: more
replies at the fake than that (a Feishu message with a uuid seen before does not count: Feishu drops it). An
event stored but still unanswered when --settle runs out is reported as STILL UNANSWERED (late, not lost: it
waits in the database), one answered "internal error" as ERRORS. The answer delay after a kill is measured from
the moment the restarted process answered /healthz, for events sent before then and answered after the kill.
Exit status 1 when anything was lost, duplicated, answered with an error or left unanswered. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadgen import database, free_port, spawn, spawn_bot  # noqa: E402  (bench/loadgen.py, beside this script)

from bot.platforms.feishu.crypto import encrypt, signature  # noqa: E402
from tests.fakes.feishu import APP_ID, APP_SECRET, ENCRYPT_KEY, TOKEN, VERIFICATION_TOKEN, fixture_json  # noqa: E402
from tests.fakes.slack import SIGNING_SECRET, sign  # noqa: E402

TEXTS = ("help", "帮助", "my tasks", "我的任务")
ACK_WITHIN = 3.0  # both platforms count an ack later than this as failed and retry
RETRY_AFTER = (0.2, 1.0, 2.0, 4.0)  # then every 4 s
WARMUP = 10


@dataclasses.dataclass
class Ev:
    n: int
    marker: str
    text: str
    first_sent: float = 0.0
    acked_at: float | None = None
    attempts: int = 0
    gave_up: bool = False
    warmup: bool = False


@dataclasses.dataclass
class Kill:
    at: float
    in_flight: int
    up_at: float = 0.0


class Fake:
    """Slack's Web API and Feishu's open API, as far as the bot uses them; each reply is recorded with the time
    it arrived and the event marker found in it."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.port = free_port()
        self.replies: dict[str, list[float]] = {}
        self._uuids: set[str] = set()
        self.unmatched = 0
        self._runner: web.AppRunner | None = None

    def _reply(self, raw: str, key: str | None = None) -> None:
        found = self.pattern.search(raw)
        if not found:
            self.unmatched += 1
            if self.unmatched <= 3:
                print(f"  a reply without an event marker: {raw[:200]}", flush=True)
            return
        if key is not None:
            if key in self._uuids:  # Feishu drops a message whose uuid it has seen (within an hour)
                return
            self._uuids.add(key)
        self.replies.setdefault(found.group(0), []).append(time.monotonic())

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._slack)
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._feishu_token)
        app.router.add_route("*", "/open-apis/{tail:.*}", self._feishu)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _slack(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        if method == "chat.postMessage":
            self._reply(f"{args.get('channel', '')} {args.get('thread_ts', '')}")
            return web.json_response({"ok": True, "channel": args.get("channel"), "ts": f"{time.time():.6f}"})
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}})
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "U0BOT00001", "bot_id": "B0BOT00001"})
        if method == "users.info":
            user = str(args.get("user", ""))
            return web.json_response({"ok": True, "user": {"id": user, "name": user, "tz": "Asia/Shanghai",
                                                           "profile": {"display_name": user}}})
        return web.json_response({"ok": True})

    async def _feishu_token(self, _: web.Request) -> web.Response:
        return web.json_response(fixture_json("feishu_tenant_access_token_response.json"))

    async def _feishu(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = json.loads(raw) if raw else {}
        tail = request.match_info["tail"]
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."})
        if tail == "bot/v3/info":
            return web.json_response({"code": 0, "msg": "ok", "bot": {"open_id": "ou_bot", "app_name": "PM Bot",
                                                                      "activate_status": 2}})
        if tail.startswith("contact/"):
            return web.json_response({"code": 41050, "msg": "no user authority error"})
        if request.method == "POST" and tail.startswith("im/v1/messages"):
            self._reply(f"{tail} {body.get('receive_id', '')}", body.get("uuid"))
            answer = fixture_json("feishu_message_create_response.json")
            answer["data"].update(message_id=f"om_{uuid.uuid4().hex}", chat_id=body.get("receive_id") or "")
            return web.json_response(answer)
        return web.json_response({"code": 0, "msg": "success", "data": {}})


def slack_request(ev: Ev, run: str, attempt: int, reason: str) -> tuple[bytes, dict[str, str]]:
    user = f"U{ev.marker}"  # the bot answers a DM in the user's DM (conversations.open): one user per event
    body = json.dumps({
        "token": "x", "team_id": "T0TEAM0001", "api_app_id": "A0APP00001", "type": "event_callback",
        "event_id": f"Ev{ev.marker}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "channel": f"D{ev.marker}", "user": user,
                  "text": ev.text, "ts": f"{1718000000 + ev.n}.000100"},
    }).encode()
    headers = {"Content-Type": "application/json", **sign(body)}  # re-signed on every retry, as Slack does
    if attempt:
        headers.update({"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason})
    return body, headers


def feishu_request(ev: Ev, run: str, attempt: int, reason: str) -> tuple[bytes, dict[str, str]]:
    event = {"schema": "2.0", "header": {"event_id": f"fe{ev.marker}", "token": VERIFICATION_TOKEN,
                                         "create_time": str(int(ev.first_sent * 1000) or int(time.time() * 1000)),
                                         "event_type": "im.message.receive_v1", "tenant_key": "t", "app_id": APP_ID},
             "event": {"sender": {"sender_id": {"open_id": f"ou_{ev.marker}"}, "sender_type": "user"},
                       "message": {"message_id": f"om_{ev.marker}", "chat_id": f"oc_{ev.marker}",
                                   "chat_type": "p2p", "message_type": "text",
                                   "content": json.dumps({"text": ev.text})}}}
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, json.dumps(event).encode())}).encode()
    ts, nonce = str(int(time.time())), f"{ev.marker}-{attempt}"
    return body, {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts,
                  "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": signature(ts, nonce, ENCRYPT_KEY, body)}


class Traffic:
    """Events and their platform-style delivery to the bot."""

    def __init__(self, http: aiohttp.ClientSession, url: str, platform: str, run: str, give_up: float) -> None:
        self.http, self.url, self.run, self.give_up = http, url, run, give_up
        self.make = slack_request if platform == "slack" else feishu_request
        self.events: list[Ev] = []
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def in_flight(self) -> int:
        return len(self.tasks)

    def send(self, *, warmup: bool = False) -> Ev:
        n = len(self.events)
        ev = Ev(n, f"{self.run}N{n}", TEXTS[n % len(TEXTS)], warmup=warmup)
        self.events.append(ev)
        task = asyncio.create_task(self._deliver(ev))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return ev

    async def _deliver(self, ev: Ev) -> None:
        ev.first_sent = time.monotonic()
        reason = ""
        while True:
            body, headers = self.make(ev, self.run, ev.attempts, reason)
            ev.attempts += 1
            try:
                async with asyncio.timeout(ACK_WITHIN), self.http.post(self.url, data=body, headers=headers) as r:
                    await r.read()
                    if 200 <= r.status < 300:
                        ev.acked_at = time.monotonic()
                        return
                    reason = "http_error"
            except TimeoutError:
                reason = "http_timeout"
            except aiohttp.ClientError:
                reason = "http_error"
            if time.monotonic() - ev.first_sent > self.give_up:
                ev.gave_up = True
                return
            await asyncio.sleep(RETRY_AFTER[min(ev.attempts - 1, len(RETRY_AFTER) - 1)])

    async def stream(self, rate: float, stop: asyncio.Event) -> None:
        interval = 1.0 / rate
        next_at = time.monotonic()
        while not stop.is_set():
            self.send()
            next_at += interval
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))

    async def finish(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


@contextlib.asynccontextmanager
async def fresh_database(kind: str, tmp: str) -> Any:
    """A SQLite file in `tmp`, or a new PostgreSQL database (dropped at the end) on $PMO_TEST_POSTGRES_URL."""
    if kind == "sqlite":
        yield database("sqlite", tmp)
        return
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    admin = make_url(database("postgresql", tmp))
    name = f"pmo_sweep_{uuid.uuid4().hex[:10]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username,
                                     password=admin.password, database=admin.database or "postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    await run(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        await run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def healthy(http: aiohttp.ClientSession, base: str, within: float = 120.0) -> float:
    """Wait until the bot answers /healthz with 200; the moment it did."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with asyncio.timeout(2), http.get(f"{base}/healthz") as r:
                if r.status == 200:
                    return time.monotonic()
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{base} did not come up within {within:.0f} s")


async def db_rows(url: str, pattern: re.Pattern[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per event marker: the statuses of its inbox rows, and of the outbox rows written for it (their chat, user
    or thread names the event)."""
    from sqlalchemy import text

    from storage.db import Database

    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            inbox = (await conn.execute(text("SELECT event_id, status FROM inbox"))).all()
            outbox = (await conn.execute(text('SELECT chat, "user", thread, status FROM outbox'))).all()
    finally:
        await db.dispose()
    stored: dict[str, list[str]] = {}
    for event_id, status in inbox:
        if (m := pattern.search(str(event_id))) is not None:
            stored.setdefault(m.group(0), []).append(str(status))
    written: dict[str, list[str]] = {}
    for *names, status in outbox:
        if (m := pattern.search(" ".join(str(v) for v in names))) is not None:
            written.setdefault(m.group(0), []).append(str(status))
    return stored, written


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.999999) - 1))]


async def sweep(platform: str, kind: str, args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    run = "R" + uuid.uuid4().hex[:6].upper()
    pattern = re.compile(re.escape(run) + r"N\d+")
    fake = Fake(pattern)
    await fake.start()
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING", PMO_JOBS="off")
    fake_url = f"http://127.0.0.1:{fake.port}"
    if platform == "slack":
        env.update(SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=f"{fake_url}/api/")
    else:
        env.update(FEISHU_APP_ID=APP_ID, FEISHU_APP_SECRET=APP_SECRET, FEISHU_ENCRYPT_KEY=ENCRYPT_KEY,
                   FEISHU_VERIFICATION_TOKEN=VERIFICATION_TOKEN, FEISHU_DOMAIN=fake_url, FEISHU_SEND_RATE="100000")
    kills: list[Kill] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(kind, tmp) as url, aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0)) as http:
            env.update(DATABASE_URL=url, LOG_FILE=os.environ.get("SWEEP_BOT_LOG", f"{tmp}/bot.log"))
            migrate = await spawn([sys.executable, "-m", "bot.cli", "migrate"], env)
            if await migrate.wait() != 0:
                raise RuntimeError("pmo-bot migrate failed")
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            bot = await spawn_bot(port, env)
            try:
                await healthy(http, base)
                traffic = Traffic(http, f"{base}/{platform}/events", platform, run, args.give_up)
                # Warm-up without kills: how many replies (and outbox rows) one event gets.
                for _ in range(WARMUP):
                    traffic.send(warmup=True)
                await traffic.finish()
                await settle(fake, traffic.events, within=60)
                per_event = max(1, statistics.mode(len(fake.replies.get(e.marker, [])) for e in traffic.events))
                _, written = await db_rows(url, pattern)
                per_row = statistics.mode(len(written.get(e.marker, [])) for e in traffic.events)
                if not per_row:
                    raise RuntimeError("the outbox rows do not name the event's user or chat: duplicates would not show")
                stop = asyncio.Event()
                streaming = asyncio.create_task(traffic.stream(args.rate, stop))
                try:
                    for k in range(args.kills):
                        await asyncio.sleep(rng.uniform(0.5 * args.uptime, 1.5 * args.uptime))
                        if k % 2 == 0 and args.burst:  # ~burst requests in flight when it dies
                            for _ in range(args.burst):
                                traffic.send()
                            await asyncio.sleep(rng.uniform(0.0, 0.05))
                        kill = Kill(time.monotonic(), traffic.in_flight)
                        bot.send_signal(signal.SIGKILL)
                        await bot.wait()
                        kills.append(kill)
                        bot = await spawn_bot(port, env)
                        kill.up_at = await healthy(http, base)
                        print(f"  {platform}/{kind}: kill {k + 1}/{args.kills}: {kill.in_flight} requests in flight, "
                              f"up again after {kill.up_at - kill.at:.1f} s", flush=True)
                    await asyncio.sleep(args.uptime)
                finally:
                    stop.set()
                    await streaming
                    await traffic.finish()
                answered_all = await settle(fake, traffic.events, within=args.settle)
                await asyncio.sleep(2.0)  # a late duplicate would show up now
                stored, written = await db_rows(url, pattern)
            finally:  # also when the sweep itself is interrupted: no bot is left running
                if bot.returncode is None:
                    bot.send_signal(signal.SIGTERM)
                    try:
                        await asyncio.wait_for(bot.wait(), 30)
                    except TimeoutError:
                        bot.kill()
                        await bot.wait()
    await fake.stop()
    return tally(platform, kind, traffic.events, kills, fake, stored, written, per_event, per_row, answered_all)


async def settle(fake: Fake, events: list[Ev], *, within: float) -> float:
    """Wait until every acked event has its answer (at most `within` seconds); how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if all(e.marker in fake.replies for e in events if e.acked_at is not None):
            break
        await asyncio.sleep(0.2)
    return time.monotonic() - started


def tally(platform: str, kind: str, events: list[Ev], kills: list[Kill], fake: Fake, stored: dict[str, list[str]],
          written: dict[str, list[str]], per_event: int, per_row: int, settled: float) -> dict[str, Any]:
    counted = [e for e in events if not e.warmup]
    acked = [e for e in counted if e.acked_at is not None]
    unanswered = [e for e in acked if e.marker not in fake.replies]
    # Lost: acked but not in the inbox, or processed without leaving anything to send. Stored and still waiting
    # (unprocessed, or its reply queued) when the settle time ran out is late, not lost: it is in the database.
    lost = [e for e in unanswered
            if not stored.get(e.marker) or ("received" not in stored[e.marker] and not written.get(e.marker))]
    late = [e for e in unanswered if e not in lost]
    failed = [e for e in counted if "failed" in stored.get(e.marker, [])]  # answered "internal error"
    duplicated = [e for e in counted if len(written.get(e.marker, [])) > per_row]
    dup_replies = [e for e in counted if len(fake.replies.get(e.marker, [])) > per_event]
    delays = []
    for e in counted:
        answers = fake.replies.get(e.marker)
        if not answers:
            continue
        answered = min(answers)
        before = [k for k in kills if k.at < answered]
        if before and e.first_sent < before[-1].up_at:
            delays.append(answered - before[-1].up_at)
    return {"platform": platform, "db": kind, "kills": len(kills), "events": len(counted), "acked": len(acked),
            "unacked": len(counted) - len(acked), "lost": len(lost), "late": len(late), "failed": len(failed), "duplicated": len(duplicated),
            "dup_replies": len(dup_replies), "after_kill": len(delays),
            "p99": percentile(delays, 0.99), "max": max(delays, default=float("nan")),
            "late10": sum(1 for d in delays if d > 10), "in_flight": max((k.in_flight for k in kills), default=0),
            "restart": statistics.median([k.up_at - k.at for k in kills]) if kills else float("nan"),
            "settled": settled, "lost_markers": [e.marker for e in lost + failed][:5],
            "dup_markers": [e.marker for e in duplicated + dup_replies][:5]}


def line(r: dict[str, Any]) -> str:
    return (f"{r['platform']:<6} {r['db']:<10} kills {r['kills']:3d}  events {r['events']:6d}  acked {r['acked']:6d}  "
            f"lost {r['lost']:3d}  duplicated {r['duplicated']:3d}  duplicate replies {r['dup_replies']:3d}  "
            f"after a kill: p99 {r['p99']:6.1f} s  max {r['max']:6.1f} s"
            + (f"  STILL UNANSWERED {r['late']}" if r["late"] else "") + (f"  ERRORS {r['failed']}" if r["failed"] else ""))


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--platform", choices=["slack", "feishu", "both"], default="both")
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--kills", type=int, default=5, help="kills per combination (default 5; --full: 20)")
    ap.add_argument("--full", action="store_true", help="20 kills per combination")
    ap.add_argument("--rate", type=float, default=20, help="events per second in the steady stream")
    ap.add_argument("--burst", type=int, default=100, help="events fired just before every other kill")
    ap.add_argument("--uptime", type=float, default=2.0, help="mean seconds the bot runs between kills")
    ap.add_argument("--give-up", type=float, default=60.0, help="a sender stops retrying an event after this")
    ap.add_argument("--settle", type=float, default=240.0, help="seconds to wait for the last answers")
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    if args.full:
        args.kills = max(args.kills, 20)
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})  # the bot gets core 0 (bench/loadgen.py pins it there)
    rng = random.Random(args.seed)
    platforms = ["slack", "feishu"] if args.platform == "both" else [args.platform]
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    started = time.monotonic()
    results = []
    for platform in platforms:
        for kind in kinds:
            r = await sweep(platform, kind, args, rng)
            results.append(r)
            print(f"  {platform}/{kind}: {r['after_kill']} events answered after a kill, {r['late10']} of them "
                  f"more than 10 s after the restart; {r['unacked']} never acked (the sender gave up); "
                  f"most in flight at a kill {r['in_flight']}; median restart {r['restart']:.1f} s; last answers "
                  f"{r['settled']:.0f} s after the traffic stopped", flush=True)
            if r["lost_markers"] or r["dup_markers"]:
                print(f"  e.g. lost {r['lost_markers']} duplicated {r['dup_markers']}", flush=True)
    print(f"-- fault sweep ({time.monotonic() - started:.0f} s, seed {args.seed}, rate {args.rate:g}/s, "
          f"burst {args.burst})")
    for r in results:
        print(line(r))
    bad = sum(r["lost"] + r["duplicated"] + r["dup_replies"] + r["failed"] for r in results)
    late = sum(r["late"] for r in results)
    print("nothing lost, nothing duplicated" if not bad else
          f"FAILED: {bad} events lost, duplicated or answered with an error")
    if late:
        print(f"{late} acked events were stored but still unanswered when --settle ran out (late, not lost)")
    return 1 if bad or late else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
