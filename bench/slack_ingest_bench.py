"""Signed Slack message events/second through the HTTP endpoint, side by side with a bare slack-bolt app.

    .venv/bin/python bench/slack_ingest_bench.py [--seconds 10] [--concurrency 16] [--rounds 3]
                                                 [--db sqlite|postgresql]

Each round runs, one after the other with the same load: (1) a bare bolt AsyncApp that only verifies the
signature and acks; (2) pmo-bot (`pmo-bot run`, fresh process) whose ack waits for the inbox commit, then
processes each event and sends the reply to a fake Slack Web API. Each server runs in its own process pinned to
core 0; this load generator (and the fake Slack) uses core 1. Per round it prints ack rate, p99 ack latency and
the CPU each server spent per request (from /proc, less sensitive to other load on the machine than req/s), the
ratio to the bare app, the end-to-end rate (until every reply reached the fake), the longest event-loop stall in
pmo-bot (from /metrics) and whether anything was lost; then min/median over the rounds.
--db postgresql uses $PMO_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadgen import database, free_port, load, p99, spawn, spawn_bot, wait_up  # noqa: E402  (bench/loadgen.py, beside this script)

SECRET = "8c3b3f6a1e2d4c5b9a7f0e1d2c3b4a59"


def signed_event(i: int, run: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({
        "token": "x", "team_id": "T0TEAM0001", "api_app_id": "A0APP00001", "type": "event_callback",
        "event_id": f"Ev{run}{i}", "event_time": int(time.time()),
        "event": {"type": "message", "channel_type": "im", "channel": f"D{i:08d}", "user": f"U{i:08d}",
                  "text": "my tasks" if i % 2 else "帮助", "ts": f"{1718000000 + i}.{run[:6]}"},
    }).encode()
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


async def serve_bare(port: int) -> None:
    """The baseline: slack-bolt with signature verification; the listener only acks."""
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.authorization import AuthorizeResult
    from slack_bolt.request.async_request import AsyncBoltRequest

    async def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id="T0TEAM0001", bot_user_id="U0BOT00001", bot_token="xoxb-x")

    bolt = AsyncApp(signing_secret=SECRET, authorize=authorize, process_before_response=True)

    @bolt.event("message")
    async def on_message(ack: Any) -> None:
        await ack()

    async def handle(request: web.Request) -> web.Response:
        body = (await request.read()).decode()
        resp = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers=dict(request.headers)))
        return web.Response(status=resp.status, text=resp.body or "")

    app = web.Application()
    app.router.add_post("/slack/events", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


class FakeSlackApi:
    def __init__(self) -> None:
        self.posted = 0
        self.port = free_port()

    async def start(self) -> None:
        async def api(request: web.Request) -> web.Response:
            method = request.match_info["method"]
            if method == "chat.postMessage":
                self.posted += 1
            if method == "conversations.open":  # one DM channel per user, like Slack
                users = request.query.get("users") or (await request.post()).get("users") or "UX"
                return web.json_response({"ok": True, "channel": {"id": "D" + str(users)[1:]}})
            if method == "auth.test":
                return web.json_response({"ok": True, "user_id": "U0BOT00001", "bot_id": "B0BOT00001"})
            if method == "users.info":
                return web.json_response({"ok": False, "error": "user_not_found"})
            return web.json_response({"ok": True, "ts": f"{time.time():.6f}"})

        app = web.Application()
        app.router.add_post("/api/{method}", api)
        app.router.add_get("/api/{method}", api)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux); NaN elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def one_round(http: aiohttp.ClientSession, args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    bare_port = free_port()
    bare = await spawn([sys.executable, __file__, "--serve-bare", str(bare_port)], env)
    url = f"http://127.0.0.1:{bare_port}/slack/events"
    await wait_up(http, url)
    cpu0 = cpu_seconds(bare.pid)
    n_bare, lat_bare = await load(http, url, args.seconds, args.concurrency, signed_event)
    cpu_bare = (cpu_seconds(bare.pid) - cpu0) / max(1, n_bare)
    bare.terminate()
    await bare.wait()

    fake = FakeSlackApi()
    await fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        bot_env = dict(env, DATABASE_URL=database(args.db, tmp), SLACK_BOT_TOKEN="xoxb-x", SLACK_SIGNING_SECRET=SECRET,
                       SLACK_API_URL=f"http://127.0.0.1:{fake.port}/api/", LOG_LEVEL="WARNING",
                       LOG_FILE=os.environ.get("BENCH_BOT_LOG", f"{tmp}/bot.log"), PYTHONPATH=str(ROOT))
        bot = await spawn_bot(port, bot_env)
        url = f"http://127.0.0.1:{port}/slack/events"
        await wait_up(http, url)
        started = time.perf_counter()
        cpu0 = cpu_seconds(bot.pid)
        n_bot, lat_bot = await load(http, url, args.seconds, args.concurrency, signed_event)
        cpu_bot = (cpu_seconds(bot.pid) - cpu0) / max(1, n_bot)
        async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
            during = sum(float(line.split()[1]) for line in (await r.text()).splitlines()
                         if line.startswith("pmobot_events_total{"))
        for _ in range(int(600 / 0.1)):
            if fake.posted >= n_bot:
                break
            await asyncio.sleep(0.1)
        end_to_end = time.perf_counter() - started
        async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
            metrics = await r.text()
        bot.terminate()
        await bot.wait()
    stall = next((float(line.split()[1]) for line in metrics.splitlines()
                  if line.startswith("pmobot_loop_stall_max_seconds")), float("nan"))
    return {"bare": n_bare / args.seconds, "bare_p99": p99(lat_bare), "bare_cpu": cpu_bare * 1e6,
            "bot": n_bot / args.seconds, "bot_p99": p99(lat_bot), "bot_cpu": cpu_bot * 1e6,
            "ratio": n_bot / max(1, n_bare), "e2e": fake.posted / end_to_end, "posted": fake.posted, "acked": n_bot,
            "during": during,
            "stall": stall * 1000}


def report(r: dict[str, Any], db: str) -> None:
    print(f"bare slack-bolt (ack only)      {r['bare']:8.0f} req/s   p99 ack {r['bare_p99']:6.1f} ms   "
          f"CPU {r['bare_cpu']:4.0f} µs/req")
    print(f"pmo-bot durable ack ({db:<10}) {r['bot']:8.0f} req/s   p99 ack {r['bot_p99']:6.1f} ms   "
          f"CPU {r['bot_cpu']:4.0f} µs/req   ratio {r['ratio']:5.0%} (CPU {r['bare_cpu'] / r['bot_cpu']:4.0%})")
    print(f"pmo-bot through to reply        {r['e2e']:8.0f} msg/s   replies {r['posted']}/{r['acked']} "
          f"({'nothing lost' if r['posted'] >= r['acked'] else 'MISSING'}; {r['during']:.0f} processed during "
          f"the load)")
    print(f"longest event-loop stall        {r['stall']:8.1f} ms", flush=True)


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_bare:
        await serve_bare(args.serve_bare)
        return
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    results = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency)) as http:
        for n in range(args.rounds):
            if args.rounds > 1:
                print(f"-- round {n + 1}/{args.rounds}")
            results.append(await one_round(http, args, env))
            report(results[-1], args.db)
    if args.rounds > 1:
        def span(key: str, fmt: str) -> str:
            values = [r[key] for r in results]
            return f"min {format(min(values), fmt)} median {format(statistics.median(values), fmt)} " \
                   f"max {format(max(values), fmt)}"

        print(f"-- {args.rounds} rounds")
        print(f"ratio (req/s)      {span('ratio', '.0%')}")
        print(f"ratio (CPU/req)    min {min(r['bare_cpu'] / r['bot_cpu'] for r in results):.0%} "
              f"median {statistics.median(r['bare_cpu'] / r['bot_cpu'] for r in results):.0%}")
        print(f"bare req/s         {span('bare', '.0f')}")
        print(f"pmo-bot req/s      {span('bot', '.0f')}")
        print(f"pmo-bot p99 ack ms {span('bot_p99', '.1f')}")
        print(f"loop stall ms      {span('stall', '.1f')}")
        lost = sum(max(0, r['acked'] - r['posted']) for r in results)
        print(f"replies            {'nothing lost' if not lost else f'{lost} MISSING'} in {args.rounds} rounds")


if __name__ == "__main__":
    asyncio.run(main())
