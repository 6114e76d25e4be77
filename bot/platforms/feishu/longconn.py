"""The long connection (WebSocket) through lark_oapi's ws.Client, on its own thread and its own loop.

lark_oapi 1.7.5's `ws.Client.start()` blocks forever on a *module-level* event loop captured at import time
and calls handlers synchronously on it. So: import lark_oapi in a thread of our own (never on the bot's loop:
~2 s and ~170 MB), give that module its own loop, and in the synchronous handlers hand each event to the
bot's loop with `run_coroutine_threadsafe`, waiting until the inbox commit before returning (returning is the
ack). A card click waits for its toast and new card the same way; both stay under Feishu's 3 s.

The client is given our own `_Frames` instead of lark_oapi's EventDispatcherHandler: it gets each event frame's
raw bytes, which go through the same checks as a webhook body (lark_oapi's model parsing and re-serialising
would crash on a malformed payload and answer 500, so Feishu would push it again for hours). A payload we
refuse is logged once and acked (code 200): pushing it again cannot make it well-formed. Only a store that
failed (or a timeout) raises, which lark_oapi answers with code 500, and Feishu pushes the event again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from bot.platforms.shape import Refused

logger = logging.getLogger(__name__)


class LongConnection:
    def __init__(self, *, app_id: str, app_secret: str, domain: str,
                 receive: Callable[[bytes], Coroutine[Any, Any, dict[str, Any]]], answer_timeout: float = 2.8) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.domain = domain
        self.receive = receive
        self.answer_timeout = answer_timeout
        self._main: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    async def start(self) -> None:
        self._main = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="feishu-long-connection", daemon=True)
        self._thread.start()
        # Wait (off the loop) until lark_oapi is imported and the client built; the connection itself
        # comes up in the background and reconnects on its own.
        await asyncio.to_thread(self._ready.wait, 30)

    async def stop(self) -> None:
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
            self._client = lark.ws.Client(self.app_id, self.app_secret, event_handler=_Frames(self._hand_over),
                                          domain=self.domain, log_level=lark.LogLevel.WARNING)
        except Exception:
            logger.exception("feishu long connection could not start")
            self._ready.set()
            return
        self._ready.set()
        try:
            self._client.start()
        except RuntimeError:  # the loop was stopped: shutting down
            pass
        except Exception:
            logger.exception("feishu long connection stopped")
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    def _hand_over(self, raw: bytes) -> dict[str, Any] | None:
        """Run the event through the adapter on the bot's loop; block this thread until it is stored. The answer
        (a card click's toast and card) is the ack's data; None for none."""
        assert self._main is not None
        future: concurrent.futures.Future[dict[str, Any]] = asyncio.run_coroutine_threadsafe(self.receive(raw), self._main)
        try:
            # An exception other than a refusal (or a timeout) makes lark_oapi answer 500, and Feishu re-pushes.
            return future.result(timeout=self.answer_timeout) or None
        except Refused as refused:
            logger.warning("feishu long-connection event refused (acked): %s", refused)
            return None


class _Frames:
    """What lark_oapi's ws.Client calls for each event frame (`_do_without_validation(payload)`, as it calls
    EventDispatcherHandler's); lark_oapi marshals the return value into the ack."""

    def __init__(self, hand_over: Callable[[bytes], dict[str, Any] | None]) -> None:
        self._hand_over = hand_over

    def _do_without_validation(self, payload: bytes) -> dict[str, Any] | None:
        return self._hand_over(bytes(payload))
