"""A fake Feishu on 127.0.0.1, in its own thread with its own loop: the open API (token, bot info, send, reply,
patch, ephemeral, image upload, contact; records every call; can answer 429 or an error code) and a
long-connection endpoint speaking lark_oapi's own protobuf `Frame`s. Speaks Feishu's wire format.

Its own thread because lark_oapi's long-connection client asks for its endpoint with blocking `requests`.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from bot.platforms.feishu.codes import CODES, EPHEMERAL_NOT_IN_P2P
from bot.platforms.feishu.crypto import encrypt, signature

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
APP_ID = "cli_a0b1c2d3e4f5a6b7"
APP_SECRET = "secret-of-the-fixture-app"
ENCRYPT_KEY = "EkeyExampleFixture0123456789wxyz"
VERIFICATION_TOKEN = "VtokExampleFixture0123456789abcd"
BOT_OPEN_ID = "ou_b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


TOKEN = fixture_json("feishu_tenant_access_token_response.json")["tenant_access_token"]


def seal(event: dict[str, Any] | bytes, *, key: str = ENCRYPT_KEY, timestamp: int | None = None,
         nonce: str | None = None) -> tuple[bytes, dict[str, str]]:
    """What Feishu sends with an Encrypt Key set: the encrypted body and its signature headers."""
    plain = event if isinstance(event, bytes) else json.dumps(event).encode()
    body = json.dumps({"encrypt": encrypt(key, plain)}).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or f"{time.perf_counter_ns() % 10**10}"
    return body, {"Content-Type": "application/json; charset=utf-8", "X-Lark-Request-Timestamp": ts,
                  "X-Lark-Request-Nonce": nonce, "X-Lark-Signature": signature(ts, nonce, key, body)}


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeFeishu:
    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    acks: list[dict[str, Any]] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = field(default_factory=dict)
    port: int = 0
    latency: float = 0.0
    # One-to-one chats: ephemeral/v1/send refuses them (it takes group chats only), as Feishu does.
    ping_interval: int = 120  # ClientConfig.PingInterval handed to long-connection clients
    busy: bool = False  # the long-connection endpoint answers "system busy" (clients retry)
    pushed_at: dict[str, float] = field(default_factory=dict)  # frame message_id -> when it was sent
    p2p_chats: set[str] = field(default_factory=lambda: {
        fixture_json("feishu_im_message_p2p.json")["event"]["message"]["chat_id"]})
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _uuids: dict[str, str] = field(default_factory=dict)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _deaf: set[int] = field(default_factory=set)  # ids of sockets that hear nothing and say nothing
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- test API (called from the test's thread) ----------------------------------------------------

    def fail(self, route: str, *, status: int = 200, body: dict[str, Any], headers: dict[str, str] | None = None,
             times: int = 1) -> None:
        """Answer the next `times` calls of `route` ("send", "reply", "patch", "token"...) with this."""
        with self._changed:
            self.failures.setdefault(route, []).extend([(status, body, headers or {})] * times)

    def of(self, route: str) -> list[dict[str, Any]]:
        with self._changed:
            return [{**c.body, "_query": c.query, "_path": c.path} for c in self.calls if c.method == route]

    async def wait_for(self, predicate: Callable[[FakeFeishu], bool], within: float = 10.0) -> None:
        def wait() -> bool:
            with self._changed:
                return self._changed.wait_for(lambda: predicate(self), timeout=within)

        if not await asyncio.to_thread(wait):
            raise AssertionError("the fake Feishu did not see what was expected")

    def start(self) -> FakeFeishu:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self._serve())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup() if self._runner else asyncio.sleep(0))
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-feishu", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None:
            for ws in list(self._sockets):
                asyncio.run_coroutine_threadsafe(ws.close(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def deafen(self) -> None:
        """The open sockets go deaf, as known SDK and network bugs leave them: still open, but no pong, no
        event, no ack. A new connection is served normally."""
        with self._changed:
            self._deaf.update(id(ws) for ws in self._sockets)

    def live_sockets(self) -> int:
        with self._changed:
            return len([ws for ws in self._sockets if id(ws) not in self._deaf])

    def push(self, event: dict[str, Any], *, frame_type: str = "event") -> None:
        """Send an event to every long-connection client as a protobuf data frame."""
        self.push_many([event], frame_type=frame_type)

    def push_many(self, events: list[dict[str, Any]], *, frame_type: str = "event") -> None:
        """Send events back to back, without waiting for any ack (as Feishu does under load)."""
        deadline = time.monotonic() + 10
        while not self.live_sockets() and time.monotonic() < deadline:
            time.sleep(0.01)
        frames = [self._frame(event, frame_type) for event in events]
        assert self._loop is not None

        async def send() -> None:
            for message_id, frame in frames:
                for ws in [w for w in self._sockets if id(w) not in self._deaf]:
                    with self._changed:
                        self.pushed_at[message_id] = time.monotonic()
                    await ws.send_bytes(frame)

        asyncio.run_coroutine_threadsafe(send(), self._loop).result(5)

    def _frame(self, event: dict[str, Any], frame_type: str) -> tuple[str, bytes]:
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        frame = Frame()
        frame.SeqID, frame.LogID, frame.service, frame.method = next(self._ids), 0, 1, 1  # 1 = DATA
        for key, value in (("type", frame_type), ("message_id", f"m{frame.SeqID}"), ("trace_id", "t"),
                           ("sum", "1"), ("seq", "0")):
            header = frame.headers.add()
            header.key, header.value = key, value
        frame.payload = json.dumps(event).encode()
        return f"m{frame.SeqID}", frame.SerializeToString()

    # ---- the server (runs on the fake's own loop) ---------------------------------------------------

    async def _serve(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/open-apis/auth/v3/tenant_access_token/internal", self._token)
        app.router.add_get("/open-apis/bot/v3/info", self._api("bot_info"))
        app.router.add_post("/open-apis/im/v1/messages", self._api("send"))
        app.router.add_post("/open-apis/im/v1/messages/{id}/reply", self._api("reply"))
        app.router.add_patch("/open-apis/im/v1/messages/{id}", self._api("patch"))
        app.router.add_post("/open-apis/ephemeral/v1/send", self._api("ephemeral"))
        app.router.add_post("/open-apis/im/v1/images", self._api("image"))
        app.router.add_get("/open-apis/contact/v3/users/{id}", self._api("contact"))
        app.router.add_post("/callback/ws/endpoint", self._endpoint)
        app.router.add_get("/ws", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def _record(self, route: str, request: web.Request, body: dict[str, Any]) -> None:
        with self._changed:
            self.calls.append(Call(route, request.path, dict(request.query), body))
            self._changed.notify_all()

    def _failure(self, route: str) -> web.Response | None:
        with self._changed:
            queued = self.failures.get(route)
            if queued:
                status, body, headers = queued.pop(0)
                return web.json_response(body, status=status, headers=headers)
        return None

    async def _token(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read() or b"{}")  # lark_oapi sends it without a Content-Type
        self._record("token", request, body)
        failed = self._failure("token")
        if failed is not None:
            return failed
        if body.get("app_id") != APP_ID or body.get("app_secret") != APP_SECRET:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        return web.json_response(fixture_json("feishu_tenant_access_token_response.json"))

    def _api(self, route: str) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.Response:
            if route == "image":
                form = await request.post()
                image = form.get("image")
                data = image.file.read() if hasattr(image, "file") else b""
                body: dict[str, Any] = {"image_type": form.get("image_type"), "size": len(data), "head": data[:8]}
            else:
                raw = await request.read()
                body = json.loads(raw) if raw else {}
            if request.match_info.get("id"):
                body["_id"] = request.match_info["id"]
            self._record(route, request, body)
            if self.latency:
                await asyncio.sleep(self.latency)
            if request.headers.get("Authorization") != f"Bearer {TOKEN}":
                return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."})
            failed = self._failure(route)
            if failed is not None:
                return failed
            if route == "ephemeral" and body.get("chat_id") in self.p2p_chats:
                return web.json_response({"code": EPHEMERAL_NOT_IN_P2P, "msg": CODES[EPHEMERAL_NOT_IN_P2P][1]},
                                         status=400)
            return web.json_response(self._answer(route, body))

        return handle

    def _answer(self, route: str, body: dict[str, Any]) -> dict[str, Any]:
        if route == "bot_info":
            return {"code": 0, "msg": "ok", "bot": {"open_id": BOT_OPEN_ID, "app_name": "PM Bot",
                                                    "activate_status": 2}}
        if route == "contact":
            user = self.users.get(body["_id"])
            return {"code": 0, "msg": "success", "data": {"user": user}} if user else \
                {"code": 41050, "msg": "no user authority error"}
        if route == "image":
            return {"code": 0, "msg": "success", "data": {"image_key": f"img_v3_fake{next(self._ids)}"}}
        if route in ("send", "reply", "ephemeral"):
            key = body.get("uuid")
            message_id = self._uuids.get(key) if key else None  # Feishu drops a repeated uuid
            if message_id is None:
                message_id = f"om_fake{next(self._ids):08d}"
                if key:
                    self._uuids[key] = message_id
            answer = fixture_json("feishu_message_create_response.json")
            answer["data"].update(message_id=message_id, msg_type=body.get("msg_type"),
                                  chat_id=body.get("receive_id") or "", body={"content": body.get("content")})
            return answer
        return {"code": 0, "msg": "success", "data": {}}

    async def _endpoint(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read() or b"{}")
        self._record("ws_endpoint", request, body)
        if self.busy:
            return web.json_response({"code": 1, "msg": "system busy"})
        if body.get("AppID") != APP_ID or body.get("AppSecret") != APP_SECRET:
            return web.json_response({"code": 1000040343, "msg": "app secret invalid"})
        return web.json_response({"code": 0, "msg": "ok", "data": {
            "URL": f"ws://127.0.0.1:{self.port}/ws?device_id=dev1&service_id=1",
            "ClientConfig": {"ReconnectCount": -1, "ReconnectInterval": 1, "ReconnectNonce": 0,
                             "PingInterval": self.ping_interval}}})

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        from lark_oapi.ws.pb.pbbp2_pb2 import Frame

        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.BINARY:
                    continue
                if id(ws) in self._deaf:
                    continue
                frame = Frame()
                frame.ParseFromString(msg.data)
                if frame.method != 1:  # control frames: a ping is answered with a pong, as Feishu does
                    kind = {h.key: h.value for h in frame.headers}.get("type")
                    if kind == "ping":
                        pong = Frame()
                        pong.SeqID, pong.LogID, pong.service, pong.method = 0, 0, frame.service, 0
                        header = pong.headers.add()
                        header.key, header.value = "type", "pong"
                        await ws.send_bytes(pong.SerializeToString())
                    continue
                answer = json.loads(frame.payload)
                data = answer.get("data")
                headers = {h.key: h.value for h in frame.headers}
                ack = {"code": answer.get("code"), "message_id": headers.get("message_id"),
                       "data": json.loads(base64.b64decode(data)) if data else None,
                       "after": time.monotonic() - self.pushed_at.get(str(headers.get("message_id")), 0.0)}
                with self._changed:
                    self.acks.append(ack)
                    self._changed.notify_all()
        finally:
            self._sockets.remove(ws)
            self._deaf.discard(id(ws))
        return ws
