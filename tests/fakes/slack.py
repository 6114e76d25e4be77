"""A fake Slack on 127.0.0.1: the Web API (records every call, can answer 429 or ok:false), response_url
endpoints, and a Socket Mode WebSocket that sends envelopes and records acks. Speaks Slack's wire format."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

# Copies of ../shared/reference/fixtures (byte-exact: signatures cover the stored bytes), so a clone tests alone.
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SIGNING_SECRET = "8c3b3f6a1e2d4c5b9a7f0e1d2c3b4a59"
BOT_USER = "U0BOT00001"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def sign(body: bytes, *, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def invalid_block_kit(args: dict[str, Any]) -> str | None:
    """What Slack says about the blocks or view of a call (slack_sdk's own Block Kit checks), or None."""
    try:
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        if blocks is not None:
            if not isinstance(blocks, list) or len(blocks) > 50:
                return "invalid_blocks"
            for block in blocks:
                parsed = Block.parse(block)
                if parsed is None:
                    return "invalid_blocks"
                parsed.validate_json()
        view = args.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if view is not None:
            View(**view).validate_json()
    except (SlackObjectFormationError, ValueError, TypeError, KeyError):
        return "invalid_blocks"
    return None


@dataclass
class Call:
    method: str
    args: dict[str, Any]


@dataclass
class FakeSlack:
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    acks: list[dict[str, Any]] = field(default_factory=list)
    # Conversations the bot is not a member of (a slash command works in any channel; the bot's own Web API
    # calls do not): chat.* there answer like Slack, channel_not_found for a private one, not_in_channel else.
    outside: dict[str, str] = field(default_factory=dict)
    port: int = 0
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _deaf: set[int] = field(default_factory=set)  # ids of sockets that hear nothing and say nothing
    _ts: int = 1718001000
    _runner: web.AppRunner | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def fail(self, method: str, *, status: int = 200, body: dict[str, Any], headers: dict[str, str] | None = None,
             times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([(status, body, headers or {})] * times)

    def of(self, method: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[FakeSlack], bool], within: float = 10.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: predicate(self))

    async def _record(self, method: str, args: dict[str, Any]) -> None:
        self.calls.append(Call(method, args))
        async with self._changed:
            self._changed.notify_all()

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{id}", self._response_url)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            args.update(await request.json())
        elif request.can_read_body:
            args.update(dict(await request.post()))
        await self._record(method, args)
        if request.headers.get("Authorization") != "Bearer xoxb-test" and method != "apps.connections.open":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        channel = str(args.get("channel") or "")
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "chat.delete") and channel in self.outside:
            return web.json_response({"ok": False, "error": self.outside[channel]})
        invalid = invalid_block_kit(args)
        if invalid:
            return web.json_response({"ok": False, "error": invalid})
        queued = self.failures.get(method)
        if queued:
            status, body, headers = queued.pop(0)
            return web.json_response(body, status=status, headers=headers)
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        canned = fixture_json("slack_web_api_responses.json")
        if method == "chat.postMessage":
            self._ts += 1
            return {"ok": True, "channel": args.get("channel"), "ts": f"{self._ts}.000100",
                    "message": {"text": args.get("text"), "ts": f"{self._ts}.000100", "bot_id": "B0BOT00001"}}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts"), "text": args.get("text")}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}}
        if method == "files.getUploadURLExternal":  # an absolute loopback URL, as the client expects
            return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/F0FILE0001", "file_id": "F0FILE0001"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": "F0FILE0001", "title": "chart"}]}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}
        answer: dict[str, Any] = canned.get(method, {"ok": True})
        return answer

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        await self._record("upload", {"id": request.match_info["id"], "size": len(data), "head": data[:8]})
        return web.Response(text="OK - 1")

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        await self._record("response_url", {"id": request.match_info["id"], **body})
        if invalid_block_kit(body):  # Slack answers a bad response_url payload with HTTP 400 and a word
            return web.Response(status=400, text="invalid_blocks")
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(fixture_json("slack_socket_mode_frames.json")["hello"])
        async for msg in ws:
            if msg.type == WSMsgType.TEXT and id(ws) not in self._deaf:
                self.acks.append(json.loads(msg.data))
                async with self._changed:
                    self._changed.notify_all()
        return ws

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope to every connected client."""
        for _ in range(100):
            if self.live_sockets():
                break
            await asyncio.sleep(0.05)
        for ws in self._sockets:
            if not ws.closed and id(ws) not in self._deaf:
                await ws.send_json(envelope)

    def deafen(self) -> None:
        """The open sockets go deaf, as known SDK bugs leave them: still open, but no pong and no frame."""
        for ws in self._sockets:
            self._deaf.add(id(ws))
            ws._autoping = False  # aiohttp answers pings itself otherwise

    def live_sockets(self) -> int:
        return len([ws for ws in self._sockets if not ws.closed and id(ws) not in self._deaf])
