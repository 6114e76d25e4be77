"""`pmo-bot admin inbox list [--dead] [--limit N]` and `pmo-bot admin inbox retry ID|--all-dead`.

For an operator: the inbound events still waiting to be processed, and those dead-lettered after failing every
try (bot/intake.py), with their error; `retry` gives dead events a fresh start, and a running bot's next sweep
(within seconds) processes them, or the next start does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bot.config import Config
from storage import inbox
from storage.db import Database
from storage.migrate import upgrade


def register(admin: Any,  # the `admin` subparsers
             with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser]) -> None:
    verbs = admin.add_parser("inbox", help="inbound events waiting to be processed, or dead-lettered") \
        .add_subparsers(dest="verb", required=True)
    listing = with_db(verbs.add_parser("list", help="events waiting to be processed (--dead: the dead-lettered)"))
    listing.add_argument("--dead", action="store_true", help="the dead-lettered events, with their error")
    listing.add_argument("--limit", type=int, default=50, help="at most this many, oldest first (default 50)")
    retry = with_db(verbs.add_parser("retry", help="process dead-lettered events again"))
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("id", nargs="?", type=int, help="the event's inbox id (from `admin inbox list --dead`)")
    which.add_argument("--all-dead", action="store_true", help="every dead-lettered event")


async def main(cfg: Config, args: argparse.Namespace) -> int:
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        async with db.unit_of_work() as session:
            if args.verb == "list":
                rows = await inbox.listing(session, dead=args.dead, limit=max(1, args.limit))
                counts = await inbox.counts(session)
            else:
                retried = await inbox.retry(session, None if args.all_dead else [args.id])
    finally:
        await db.dispose()
    if args.verb == "list":
        for row in rows:
            error = f"  {row.error.splitlines()[0]}" if row.error else ""  # the rest (SQL, say): in the database
            print(f"{row.id}  {row.platform}  {row.event_id}  {row.status}  attempts={row.attempts}  "
                  f"received={row.received_at.isoformat(timespec='seconds')}{error}")
        print(f"{counts['received']} waiting, {counts['dead']} dead")
        return 0
    if not retried:
        print("no dead-lettered event to retry" if args.all_dead else f"inbox event {args.id} is not dead-lettered",
              file=sys.stderr)
        return 1
    print(f"retrying {len(retried)} event(s): {', '.join(map(str, retried))} "
          "(a running bot processes them within seconds; otherwise the next start does)")
    return 0
