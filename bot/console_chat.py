"""Run the console chat: `pmo-bot chat [--json]`, and the foreground chat of `pmo-bot run`."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from bot.app import App
from bot.config import Config
from bot.dispatch import utc_clock
from bot.platforms.console import PLATFORM, ConsoleSender, parse_line, typed_event


class _Lines:
    """Read a text stream on a daemon thread: a blocked readline() then never keeps the process alive
    after SIGTERM (an executor thread would: asyncio.run waits for it)."""

    def __init__(self, stream: TextIO) -> None:
        loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[str] = asyncio.Queue()

        def pump() -> None:
            while True:
                try:
                    line = stream.readline()
                except (OSError, ValueError):
                    line = ""
                loop.call_soon_threadsafe(self._queue.put_nowait, line)
                if not line:
                    return

        threading.Thread(target=pump, name="console-stdin", daemon=True).start()

    async def readline(self) -> str:
        return await self._queue.get()


_readers: dict[int, _Lines] = {}


async def _readline(stream: TextIO) -> str:
    reader = _readers.get(id(stream))
    if reader is None:
        reader = _readers[id(stream)] = _Lines(stream)
    return await reader.readline()


async def chat_main(cfg: Config, *, user: str, chat: str | None, json_mode: bool,
                    clock: Callable[[], dt.datetime] | None = None,
                    stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Talk to the bot in this process: every line is dispatched, then the console's outbox is delivered."""
    app = App(cfg, clock=clock or utc_clock)
    out = stdout or sys.stdout
    sender = ConsoleSender(out, json_mode=json_mode)
    app.add_sender(PLATFORM, sender)
    try:
        await app.migrate()
        await app.delivery.drain()
        if json_mode:
            await _json_loop(app, stdin or sys.stdin, out, user=user, chat=chat)
        else:
            await _interactive(app, sender, stdin or sys.stdin, out, user=user, chat=chat)
    finally:
        await app.close()
    return 0


async def _json_loop(app: App, stdin: TextIO, out: TextIO, *, user: str, chat: str | None) -> None:
    while line := await _readline(stdin):
        if not line.strip():
            continue
        try:
            event = parse_line(line, default_user=user, default_chat=chat)
        except (ValueError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
            out.write(json.dumps({"chat": None, "user": None, "text": f"bad input line: {exc}", "card": None,
                                  "error": True}, ensure_ascii=False) + "\n")
            out.flush()
            continue
        await app.handle(event)
        await app.delivery.drain()


async def _interactive(app: App, sender: ConsoleSender, stdin: TextIO, out: TextIO, *, user: str,
                       chat: str | None) -> None:
    where = chat or "DM"
    out.write(f"pmo-bot console — you are {user} in {where}. Type “help” / “帮助”; Ctrl-D to quit.\n")
    while True:
        out.write(f"{user}@{where}> ")
        out.flush()
        line = await _readline(stdin)
        if not line:
            out.write("\n")
            return
        if not line.strip():
            continue
        if line.strip() in ("/quit", "/exit"):
            return
        await app.handle(typed_event(line.rstrip("\n"), user=user, chat=chat, buttons=sender.buttons))
        await app.delivery.drain()


async def serve_main(cfg: Config, *, console: bool, user: str, chat: str | None, log_file: str | None,
                     install_signals: Callable[[asyncio.Event], None]) -> int:
    """`pmo-bot run`: migrate, serve; with the console in the foreground when no platform is configured."""
    app = App(cfg)
    stop = asyncio.Event()
    install_signals(stop)
    await app.migrate()
    sender = ConsoleSender(sys.stdout, json_mode=False)
    app.add_sender(PLATFORM, sender)
    server = asyncio.create_task(app.serve(stop, host=cfg.host, port=cfg.port))
    if console:
        print(f"pmo-bot is serving http://{cfg.host}:{cfg.port} (/healthz, /metrics); logs: {log_file}")
        chat_task = asyncio.create_task(_interactive(app, sender, sys.stdin, sys.stdout, user=user, chat=chat))
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([chat_task, server, stopping], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        chat_task.cancel()
        stopping.cancel()
    await server
    return 0
