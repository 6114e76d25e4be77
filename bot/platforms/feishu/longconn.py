"""The long connection (WebSocket) through lark_oapi's ws.Client, on its own thread and its own loop.

lark_oapi 1.7.5's `ws.Client.start()` blocks forever on a *module-level* event loop captured at import time
and calls handlers synchronously on it. So: import lark_oapi in a thread of our own (never on the bot's loop:
~2 s and ~170 MB), give that module its own loop, and in the synchronous handlers hand each event to the
bot's loop with `run_coroutine_threadsafe`, waiting until the inbox commit before returning (returning is the
ack). A card click waits for its toast and new card the same way; both stay under Feishu's 3 s.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

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
            from lark_oapi.event.callback.model.p2_card_action_trigger import P2CardActionTriggerResponse

            ws_client.loop = loop  # the module-level loop start() drives: ours, on this thread
            handler = (lark.EventDispatcherHandler.builder("", "")
                       .register_p2_customized_event("im.message.receive_v1", self._on_event)
                       .register_p2_card_action_trigger(self._on_card)
                       .build())
            self._client = lark.ws.Client(self.app_id, self.app_secret, event_handler=handler, domain=self.domain,
                                          log_level=lark.LogLevel.WARNING)
            self._marshal = lark.JSON.marshal
            self._response = P2CardActionTriggerResponse
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

    def _hand_over(self, data: Any) -> dict[str, Any]:
        """Run the event through the adapter on the bot's loop; block this thread until it is stored."""
        assert self._main is not None
        raw = self._marshal(data).encode("utf-8")
        future: concurrent.futures.Future[dict[str, Any]] = asyncio.run_coroutine_threadsafe(self.receive(raw), self._main)
        # An exception (or a timeout) makes lark_oapi answer 500, and Feishu pushes the event again.
        return future.result(timeout=self.answer_timeout)

    def _on_event(self, data: Any) -> None:
        self._hand_over(data)

    def _on_card(self, data: Any) -> Any:
        return self._response(json.loads(json.dumps(self._hand_over(data))))
