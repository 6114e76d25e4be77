"""``pmo-bot parse``: print the intent of one message, or stream JSON lines.

    pmo-bot parse --now 2026-11-25T10:00:00 --tz Asia/Shanghai "CRM-3 done"
    pmo-bot parse --jsonl < messages.jsonl      # {"text", "now"?, "tz"?} per line

In ``--jsonl`` mode every input line yields exactly one output line, in order, flushed at
once, so a caller can stream; a bad line gives ``{"intent": "unknown", "error": ...}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from .dates import HolidayLookup
from .parser import parse

DEFAULT_TZ = "Asia/Shanghai"


def _build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pmo-bot parse", description="Parse chat text into a structured intent.")
    p.add_argument("--now", help="ISO time the message was sent (naive = local to --tz); default: now")
    p.add_argument("--tz", default=DEFAULT_TZ, help=f"IANA time zone of the chat (default {DEFAULT_TZ})")
    p.add_argument("--bot-id", default=None, help="the bot's own user id; its <@ID> mention is removed")
    p.add_argument("--keys", default="", help="project keys that exist, comma-separated (\"QA,IT\"): a key that is also "
                                              "a word names the project, as inside the bot")
    p.add_argument("--jsonl", action="store_true", help="read JSON lines from stdin, write one result per line")
    p.add_argument("text", nargs="*", help="the message (words are joined with spaces)")
    return p


def _resolve_now(raw: str | None, tz: str) -> datetime:
    zone = ZoneInfo(tz)  # raises for an unknown zone: reported, never guessed
    if raw:
        return datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    return datetime.now(zone)


def _one(text: str, now_raw: str | None, tz: str, bot_id: str | None,
         holidays: HolidayLookup | None = None, keys: str = "") -> dict[str, Any]:
    now = _resolve_now(now_raw, tz)
    known = frozenset(k.strip().upper() for k in keys.split(",") if k.strip())
    return parse(text, now=now, tz=tz, bot_id=bot_id, holidays=holidays, known_keys=known).to_dict()


def _line(raw: str, args: argparse.Namespace, holidays: HolidayLookup | None = None) -> dict[str, Any]:
    try:
        obj = json.loads(raw)
        if not isinstance(obj, dict):
            raise ValueError("each line must be a JSON object")
        text = obj.get("text")
        if not isinstance(text, str):
            raise ValueError('missing string field "text"')
        now_raw = obj.get("now") or args.now
        tz = obj.get("tz") or args.tz
        bot_id = obj.get("bot_id") or args.bot_id
        if now_raw is not None and not isinstance(now_raw, str):
            raise ValueError('"now" must be an ISO date-time string')
        if not isinstance(tz, str) or (bot_id is not None and not isinstance(bot_id, str)):
            raise ValueError('"tz" and "bot_id" must be strings')
        return _one(text, now_raw, tz, bot_id, holidays, args.keys)
    except Exception as exc:  # one bad line must not stop the stream
        return {"intent": "unknown", "error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None,
         holidays: HolidayLookup | None = None) -> int:
    """``holidays`` is the holiday-name lookup (``pmo-bot parse`` passes the project calendar's; the parser
    package itself imports nothing outside ``bot.nlu``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "parse":
        argv = argv[1:]
    args = _build_parser().parse_args(argv)
    out = stdout or sys.stdout
    if args.jsonl:
        src = stdin or sys.stdin
        for raw in src:
            raw = raw.rstrip("\r\n")
            if not raw.strip():
                continue
            out.write(json.dumps(_line(raw, args, holidays), ensure_ascii=False) + "\n")
            out.flush()
        return 0
    text = " ".join(args.text) if args.text else (stdin or sys.stdin).read()
    try:
        result = _one(text, args.now, args.tz, args.bot_id, holidays, args.keys)
        code = 0
    except Exception as exc:
        result = {"intent": "unknown", "error": f"{type(exc).__name__}: {exc}"}
        code = 2
    out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return code


if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(encoding="utf-8", errors="replace")
    raise SystemExit(main())
