"""The long connection (WebSocket) through lark_oapi's ws.Client, on its own thread and its own loop.

lark_oapi 1.7.5's `ws.Client.start()` blocks forever on a *module-level* event loop captured at import time.
So: import lark_oapi in a thread of our own (never on the bot's loop: ~2 s and ~170 MB) and give that module
its own loop.

Each frame is handled in its own task on that loop, but the SDK then calls the event handler *synchronously*
(`_do_without_validation`): a handler that waits holds every later frame behind it (three concurrent 1 s events
were acked at 1.0, 2.0 and 3.0 s; Feishu re-pushes what is not acked in 3 s). The SDK offers no asynchronous
handler in 1.7.5 (upstream's `start_async`/async handlers are unreleased), so `_Client` overrides the one
coroutine that calls it, `_handle_data_frame`, to *await* the event's hand-over to the bot's loop
(`run_coroutine_threadsafe` + `wrap_future`): a message is acked as soon as the inbox has it, and a card click
waits for its toast and new card without blocking anyone else. The rest (frame reassembly, the ack frame) is
the SDK's own, as in its method.

The raw bytes go through the same checks as a webhook body (lark_oapi's model parsing would crash on a
malformed payload and answer 500, so Feishu would push it again for hours). A payload we refuse is logged once
and acked (code 200); only a store that failed (or a timeout) answers 500, and Feishu pushes the event again.

Watchdog (bot/platforms/watchdog.py): every frame, pong included, counts as heard; nothing heard for
`DEAF_PINGS` ping intervals closes the socket, and lark_oapi's own reconnect (at the server's interval) takes
over; its reconnect failing for good, or being down past `GIVE_UP`, is reported as failed. The reconnect's
endpoint request uses blocking `requests` with no timeout in 1.7.5: it gets `CONNECT_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bot.platforms.shape import Refused
from bot.platforms.watchdog import GIVE_UP, Connection

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0  # seconds for the endpoint request (connect and read)
DEAF_PINGS = 2.5  # nothing heard for this many ping intervals: the socket is deaf
CLOSE_TIMEOUT = 1.0  # a deaf socket will not answer the close handshake either


class LongConnection:
    def __init__(self, *, app_id: str, app_secret: str, domain: str,
                 receive: Callable[[bytes], Coroutine[Any, Any, dict[str, Any]]], answer_timeout: float = 2.8,
                 connection: Connection | None = None, check_every: float = 1.0, give_up: float = GIVE_UP) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.domain = domain
        self.receive = receive
        self.answer_timeout = answer_timeout
        self.connection = connection or Connection("feishu")
        self.check_every = check_every
        self.give_up = give_up
        self._main: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.stopping = False

    async def start(self) -> None:
        self._main = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="feishu-long-connection", daemon=True)
        self._thread.start()
        # Wait (off the loop) until lark_oapi is imported and the client built; the connection itself
        # comes up in the background and reconnects on its own.
        await asyncio.to_thread(self._ready.wait, 30)

    async def stop(self) -> None:
        self.stopping = True
        loop, client = self._loop, self._client
        if loop is None or loop.is_closed():
            return
        if client is not None:
            try:  # close the socket politely; lark_oapi has no public stop
                done = asyncio.run_coroutine_threadsafe(client._disconnect(), loop)
                await asyncio.wrap_future(done)
            except Exception as exc:
                logger.debug("feishu long connection close: %r", exc)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 5)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            import lark_oapi as lark
            import lark_oapi.ws.client as ws_client

            ws_client.loop = loop  # the module-level loop start() drives: ours, on this thread
            ws_client.requests = _TimedRequests(CONNECT_TIMEOUT)  # its endpoint request has no timeout
            self._client = _client_class(ws_client, self)(self.app_id, self.app_secret, domain=self.domain,
                                                          log_level=lark.LogLevel.WARNING)
        except Exception:
            logger.exception("feishu long connection could not start")
            self._ready.set()
            return
        self._ready.set()
        watch = loop.create_task(self._watch(self._client))
        watch.add_done_callback(_log_crash)
        try:
            self._client.start()
        except RuntimeError:  # the loop was stopped: shutting down
            pass
        except Exception as exc:
            self.connection.fail(f"could not connect: {exc}")
        finally:
            watch.cancel()
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _watch(self, client: Any) -> None:
        """On the connection's loop: close a socket that hears nothing; fail a connection down too long."""
        conn = self.connection
        while True:
            await asyncio.sleep(self.check_every)
            deaf_after = DEAF_PINGS * max(float(client._ping_interval or 0), 1.0)
            if conn.state == "up" and client._conn is not None and conn.deaf_for() > deaf_after:
                conn.down(f"nothing heard for {conn.deaf_for():.0f} s")
                client._conn.close_timeout = CLOSE_TIMEOUT
                await client._disconnect()  # the receive loop sees the close; lark_oapi reconnects
            elif conn.state == "down" and conn.clock() - conn.since > self.give_up:
                conn.fail(f"could not reconnect for {self.give_up:.0f} s")

    async def hand_over(self, raw: bytes) -> dict[str, Any] | None:
        """On the connection's loop: run the event through the adapter on the bot's loop and wait, without
        blocking this loop, until it is stored. The answer (a card click's toast and card) is the ack's data."""
        assert self._main is not None
        future = asyncio.run_coroutine_threadsafe(self.receive(raw), self._main)
        try:
            # An exception other than a refusal (or a timeout) answers 500, and Feishu re-pushes. A timeout
            # does not cancel the work on the bot's loop (shield): the store finishes, the re-push is a duplicate.
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.answer_timeout) or None
        except Refused as refused:
            logger.warning("feishu long-connection event refused (acked): %s", refused)
            return None


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("feishu long-connection watchdog crashed", exc_info=task.exception())


class _TimedRequests:
    """What lark_oapi's ws client sees as `requests`: the same, with a timeout on every call."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def post(self, *args: Any, **kwargs: Any) -> Any:
        import requests

        kwargs.setdefault("timeout", self.timeout)
        return requests.post(*args, **kwargs)


def _client_class(ws: Any, owner: LongConnection) -> type:
    """lark_oapi's ws.Client with an awaiting data-frame handler and the watchdog's hooks (see the module doc)."""

    class _Client(ws.Client):
        async def _connect(self) -> None:
            await super()._connect()
            if self._conn is not None:
                owner.connection.up()

        async def _disconnect(self) -> None:
            await super()._disconnect()
            if not owner.stopping:
                owner.connection.down("the socket closed")

        async def _reconnect(self) -> None:
            try:
                await super()._reconnect()
            except Exception as exc:  # its retries are spent, or the credentials were refused: loudly
                owner.connection.fail(f"reconnect gave up: {exc}")

        async def _handle_message(self, msg: bytes) -> None:
            owner.connection.heard()
            await super()._handle_message(msg)

        async def _handle_data_frame(self, frame: Any) -> None:
            hs = frame.headers
            msg_id, sum_, seq = (ws._get_by_key(hs, k) for k in (ws.HEADER_MESSAGE_ID, ws.HEADER_SUM, ws.HEADER_SEQ))
            payload = frame.payload
            if int(sum_) > 1:  # a large payload comes in parts
                payload = self._combine(msg_id, int(sum_), int(seq), payload)
                if payload is None:
                    return
            if ws.MessageType(ws._get_by_key(hs, ws.HEADER_TYPE)) != ws.MessageType.EVENT:
                return  # old-style `card` frames: the SDK drops them too (no ack)
            resp = ws.Response(code=200)
            start = time.monotonic()
            try:
                result = await owner.hand_over(bytes(payload))
                header = hs.add()
                header.key, header.value = ws.HEADER_BIZ_RT, str(int((time.monotonic() - start) * 1000))
                if result is not None:
                    resp.data = base64.b64encode(ws.JSON.marshal(result).encode("utf-8"))
            except Exception as exc:
                logger.warning("feishu long-connection event %s not taken (Feishu will push it again): %r",
                               msg_id, exc)
                resp = ws.Response(code=500)
            frame.payload = ws.JSON.marshal(resp).encode("utf-8")
            await self._write_message(frame.SerializeToString())

    return _Client
