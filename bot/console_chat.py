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
from bot.platforms.console import Console, ConsoleSender, parse_line, typed_event


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
    console = Console(out, json_mode=json_mode)
    sender = console.sender
    try:
        await app.add_platform(console)
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


CONSOLE_HELP = """console commands · 控制台命令:
  /user NAME     speak as NAME (one terminal plays a team) · 切换身份，例如 /user bob
  /chat ID       speak in group chat ID (bind it: 本群绑定 CRM) · 进入群聊，例如 /chat crm-group
  /dm            back to direct messages · 回到私聊
  /help          this list · 本帮助；the bot's own help: help / 帮助
  /quit          leave (or Ctrl-D) · 退出
  a number       clicks that numbered button · 输入数字点击按钮"""


async def _interactive(app: App, sender: ConsoleSender, stdin: TextIO, out: TextIO, *, user: str,
                       chat: str | None) -> None:
    out.write(f"pmo-bot console — you are {user} in {chat or 'DM'}. Type “help” / “帮助”; /help for console "
              "commands (/user bob, /chat crm-group); Ctrl-D to quit.\n")
    while True:
        out.write(f"{user}@{chat or 'DM'}> ")
        out.flush()
        line = await _readline(stdin)
        if not line:
            out.write("\n")
            return
        if not line.strip():
            continue
        command, _, rest = line.strip().partition(" ")
        if command in ("/quit", "/exit"):
            return
        if command.startswith("/") and command in _COMMANDS:
            user, chat, note = _switch(command, rest.strip(), user, chat)
            out.write(note + "\n")
            continue
        await app.handle(typed_event(line.rstrip("\n"), user=user, chat=chat, buttons=sender.buttons))
        await app.delivery.drain()


_COMMANDS = ("/user", "/chat", "/dm", "/help")


def _switch(command: str, arg: str, user: str, chat: str | None) -> tuple[str, str | None, str]:
    """A console command: who speaks and where, and the line that says so."""
    if command == "/user" and arg and " " not in arg:
        return arg, chat, f"(you are now {arg} · 现在你是 {arg})"
    if command == "/chat" and arg and " " not in arg:
        return user, arg, f"(now in chat {arg} · 现在在群聊 {arg})"
    if command == "/dm":
        return user, None, "(now in direct messages · 现在在私聊)"
    if command in ("/user", "/chat"):
        example = "/user bob" if command == "/user" else "/chat crm-group"
        return user, chat, f"(one name, no spaces, e.g. {example} · 需要一个不含空格的名字，例如 {example})"
    return user, chat, CONSOLE_HELP


async def serve_main(cfg: Config, *, console: bool, user: str, chat: str | None, log_file: str | None,
                     install_signals: Callable[[asyncio.Event], None]) -> int:
    """`pmo-bot run`: migrate, serve; with the console in the foreground when no platform is configured."""
    app = App(cfg)
    stop = asyncio.Event()
    install_signals(stop)
    await app.migrate()
    terminal = Console(sys.stdout, json_mode=False)
    sender = terminal.sender
    await app.add_platform(terminal)
    ready = asyncio.Event()
    server = asyncio.create_task(app.serve(stop, host=cfg.host, port=cfg.port, ready=ready))
    bound = asyncio.create_task(ready.wait())
    await asyncio.wait([bound, server], return_when=asyncio.FIRST_COMPLETED)
    if not ready.is_set():  # serve() ended before binding (a taken port: cli.py says so); no prompt
        bound.cancel()
        try:
            await server
        finally:
            await app.close()
        return 0
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
