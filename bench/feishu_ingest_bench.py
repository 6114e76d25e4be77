"""Encrypted, signed Feishu events/second through the webhook, side by side with lark-oapi's own dispatcher.

    .venv/bin/python bench/feishu_ingest_bench.py [--seconds 10] [--concurrency 16] [--db sqlite|postgresql]

Runs, in one go, on the same kind of events (im.message.receive_v1, AES-256-CBC encrypted, X-Lark-Signature):
(1) lark-oapi's EventDispatcherHandler behind a bare aiohttp route (decrypt, token, signature; the handler
only returns); (2) pmo-bot (`pmo-bot run`, webhook mode) whose ack waits for the inbox commit, then
processes each event and sends the reply to a fake Feishu open API. Each server runs in its own process
pinned to core 0; this load generator and the fake use core 1. Then: sends/second from our sender and from
lark-oapi's `acreate` to the same fake, and idle RSS of `pmo-bot run` without Feishu, with Feishu (webhook)
and with the long connection (which imports lark_oapi).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loadgen import database, free_port, load, p99, spawn, spawn_bot, wait_up  # noqa: E402  (bench/loadgen.py, beside this script)

from bot.platforms.feishu.crypto import encrypt, signature  # noqa: E402
from tests.fakes.feishu import APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN, FakeFeishu  # noqa: E402


def sealed_event(i: int, run: str) -> tuple[bytes, dict[str, str]]:
    event = {"schema": "2.0", "header": {"event_id": f"{run}{i}", "token": VERIFICATION_TOKEN,
                                         "create_time": str(int(time.time() * 1000)),
                                         "event_type": "im.message.receive_v1", "tenant_key": "t", "app_id": APP_ID},
             "event": {"sender": {"sender_id": {"open_id": f"ou_{run}{i % 200}"}, "sender_type": "user"},
                       "message": {"message_id": f"om_{run}{i}", "chat_id": f"oc_{run}{i % 200}", "chat_type": "p2p",
                                   "message_type": "text",
                                   "content": json.dumps({"text": "my tasks" if i % 2 else "帮助"})}}}
    body = json.dumps({"encrypt": encrypt(ENCRYPT_KEY, json.dumps(event).encode())}).encode()
    ts, nonce = str(int(time.time())), f"{run}{i}"
    return body, {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts,
                  "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": signature(ts, nonce, ENCRYPT_KEY, body)}


async def serve_lark(port: int) -> None:
    """The baseline: lark-oapi's dispatcher (decrypt, token, signature); the handler only returns."""
    import lark_oapi as lark
    from lark_oapi.core.model import RawRequest

    handler = (lark.EventDispatcherHandler.builder(ENCRYPT_KEY, VERIFICATION_TOKEN)
               .register_p2_im_message_receive_v1(lambda data: None).build())

    async def handle(request: web.Request) -> web.Response:
        raw = RawRequest()
        raw.uri, raw.body = request.path, await request.read()
        raw.headers = dict(request.headers)  # lark_oapi looks headers up case-sensitively: keep the sent case
        resp = handler.do(raw)
        return web.Response(status=resp.status_code, body=resp.content)

    app = web.Application()
    app.router.add_post("/feishu/events", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def sends_count(fake: FakeFeishu) -> int:
    with fake._changed:
        return sum(1 for c in fake.calls if c.method in ("send", "reply"))


async def sender_rates(fake: FakeFeishu, n: int) -> tuple[float, float, float]:
    """Sends/s to the fake: our sender (one shared session, async token) vs lark-oapi's `acreate`."""
    from bot.core.outbound import Outbound
    from bot.delivery import Outgoing
    from bot.platforms.feishu.api import FeishuApi
    from bot.platforms.feishu.sender import FeishuSender

    async with aiohttp.ClientSession() as session:
        sender = FeishuSender(FeishuApi(session, fake.url, APP_ID, APP_SECRET), app_interval=0, chat_interval=0)
        messages = [Outgoing(i, Outbound("feishu", text="hi", user=f"ou_{i}"), 1) for i in range(n)]
        await sender.send(messages[0])  # the token
        t0 = time.perf_counter()
        for m in messages[1:]:
            await sender.send(m)
        ours_serial = (n - 1) / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        more = [Outgoing(n + i, Outbound("feishu", text="hi", user=f"ou_{i}"), 1) for i in range(n)]
        sem = asyncio.Semaphore(16)

        async def one(m: Outgoing) -> None:
            async with sem:
                await sender.send(m)

        await asyncio.gather(*(one(m) for m in more))
        ours_parallel = n / (time.perf_counter() - t0)

    import lark_oapi as lark
    from lark_oapi.api.im.v1 import CreateMessageRequest, CreateMessageRequestBody

    client = lark.Client.builder().app_id(APP_ID).app_secret(APP_SECRET).domain(fake.url) \
        .log_level(lark.LogLevel.ERROR).build()
    t0 = time.perf_counter()
    for i in range(n):
        req = CreateMessageRequest.builder().receive_id_type("open_id").request_body(
            CreateMessageRequestBody.builder().receive_id(f"ou_{i}").msg_type("text")
            .content(json.dumps({"text": "hi"})).uuid(f"lark-{i}").build()).build()
        resp = await client.im.v1.message.acreate(req)
        assert resp.success(), resp.msg
    lark_serial = n / (time.perf_counter() - t0)
    return ours_serial, ours_parallel, lark_serial


async def idle_rss(env: dict[str, str], fake: FakeFeishu, tmp: str) -> dict[str, float]:
    out = {}
    feishu = dict(FEISHU_APP_ID=APP_ID, FEISHU_APP_SECRET=APP_SECRET, FEISHU_DOMAIN=fake.url,
                  FEISHU_ENCRYPT_KEY=ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN=VERIFICATION_TOKEN)
    cases = {"without Feishu": {}, "Feishu webhook": feishu, "Feishu long connection": dict(feishu,
                                                                                          FEISHU_MODE="websocket")}
    async with aiohttp.ClientSession() as http:
        for name, extra in cases.items():
            port = free_port()
            bot = await spawn_bot(port, dict(env, DATABASE_URL=f"sqlite:///{tmp}/rss-{port}.db", **extra))
            await wait_up(http, f"http://127.0.0.1:{port}/healthz")
            await asyncio.sleep(2)
            out[name] = rss_mb(bot.pid)
            bot.terminate()
            await bot.wait()
    return out


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--sends", type=int, default=300)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--serve-lark", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve_lark:
        await serve_lark(args.serve_lark)
        return
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1})
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    fake = FakeFeishu().start()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency)) as http:
        lark_port = free_port()
        lark_server = await spawn([sys.executable, __file__, "--serve-lark", str(lark_port)], env)
        url = f"http://127.0.0.1:{lark_port}/feishu/events"
        await wait_up(http, url)
        n_lark, lat_lark = await load(http, url, args.seconds, args.concurrency, sealed_event)
        lark_server.terminate()
        await lark_server.wait()

        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            bot_env = dict(env, DATABASE_URL=database(args.db, tmp), FEISHU_APP_ID=APP_ID, FEISHU_APP_SECRET=APP_SECRET,
                           FEISHU_ENCRYPT_KEY=ENCRYPT_KEY, FEISHU_VERIFICATION_TOKEN=VERIFICATION_TOKEN,
                           FEISHU_DOMAIN=fake.url, FEISHU_SEND_RATE="100000",  # the pipeline, not Feishu's quota
                           LOG_FILE=os.environ.get("BENCH_BOT_LOG", f"{tmp}/bot.log"))
            bot = await spawn_bot(port, bot_env)
            await wait_up(http, f"http://127.0.0.1:{port}/healthz")
            url = f"http://127.0.0.1:{port}/feishu/events"
            before = sends_count(fake)
            started = time.perf_counter()
            n_bot, lat_bot = await load(http, url, args.seconds, args.concurrency, sealed_event)
            for _ in range(int(600 / 0.1)):
                if sends_count(fake) - before >= n_bot:
                    break
                await asyncio.sleep(0.1)
            end_to_end = time.perf_counter() - started
            replies = sends_count(fake) - before
            async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
                metrics = await r.text()
            bot.terminate()
            await bot.wait()
            ours_serial, ours_parallel, lark_serial = await sender_rates(fake, args.sends)
            rss = await idle_rss(env, fake, tmp)
    fake.stop()
    stall = next((float(line.split()[1]) for line in metrics.splitlines()
                  if line.startswith("pmobot_loop_stall_max_seconds")), float("nan"))
    rate_lark, rate_bot = n_lark / args.seconds, n_bot / args.seconds
    print(f"lark-oapi dispatcher (ack only)       {rate_lark:8.0f} ev/s   p99 ack {p99(lat_lark):6.1f} ms")
    print(f"pmo-bot durable ack ({args.db:<10})      {rate_bot:8.0f} ev/s   p99 ack {p99(lat_bot):6.1f} ms   "
          f"ratio {rate_bot / rate_lark:5.0%}")
    print(f"pmo-bot through to reply              {replies / end_to_end:8.0f} ev/s   "
          f"replies {replies}/{n_bot} ({'nothing lost' if replies >= n_bot else 'MISSING'})")
    print(f"longest event-loop stall              {stall * 1000:8.1f} ms")
    print(f"sends/s to the fake: ours {ours_serial:.0f} one at a time, {ours_parallel:.0f} 16 at a time; "
          f"lark-oapi acreate {lark_serial:.0f} one at a time")
    print("idle RSS: " + ", ".join(f"{k} {v:.0f} MB" for k, v in rss.items()))


if __name__ == "__main__":
    asyncio.run(main())
