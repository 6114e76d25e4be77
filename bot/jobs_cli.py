"""`pmo-bot jobs list | run NAME | settings KEY` and `pmo-bot report weekly --project KEY`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Config
from jobs import config as job_config
from jobs import reports, scheduler
from jobs.context import JobContext
from jobs.registry import JOBS
from storage import audit, jobruns, projects
from storage.db import Database
from storage.migrate import upgrade


def describe(row: dict[str, Any]) -> str:
    """One outbox row as a line: where it goes and what it says (images by name and size)."""
    where = f"{row['platform']}:{row['chat']}" if row.get("chat") else f"{row['platform']}:DM {row.get('user')}"
    if row.get("thread"):
        where += f" (thread {row['thread']})"
    payload = row.get("payload") or {}
    text = str(payload.get("text") or "")
    if row.get("kind") == "image":
        image = payload.get("image") or {}
        text = f"[image {image.get('filename')} {len(image.get('data') or '') * 3 // 4} bytes] {text}"
    return f"→ {where}\n" + "\n".join("  " + line for line in text.splitlines() or [""])


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if k != "created_at"}
    image = (row.get("payload") or {}).get("image")
    if image:
        out["payload"] = dict(row["payload"], image={**image, "data": f"<{len(image.get('data') or '')} base64 chars>"})
    return out


async def jobs_main(cfg: Config, args: argparse.Namespace, now: dt.datetime) -> int:
    db = Database(cfg.database_url)
    try:
        await upgrade(db.engine)
        if args.command == "report":
            return await _report(db, cfg, args, now)
        if args.verb == "list":
            tz = ZoneInfo(cfg.settings.default_tz)
            for name, schedule, nxt, what in scheduler.next_runs(now, scheduler.tick_seconds()):
                when = nxt.astimezone(tz).isoformat(timespec="seconds") if nxt else "-"
                print(f"{name:<16} next {when}  {schedule}\n{'':<16} {what}")
            return 0
        if args.verb == "settings":
            return await _settings(db, args, now)
        spec = JOBS.get(args.name)
        if spec is None:
            print(f"unknown job {args.name!r}; known: {', '.join(JOBS)}", file=sys.stderr)
            return 2
        ctx = JobContext(db=db, now=now, settings=cfg.settings, dry_run=args.dry_run)
        if not await scheduler.run_job(spec, ctx):
            print(f"job {spec.name} failed (see the log)", file=sys.stderr)
            return 1
        for row in ctx.sent:
            print(json.dumps(_jsonable(row), ensure_ascii=False) if args.json else describe(row))
        verb = "would send" if args.dry_run else "queued"
        print(f"{spec.name} at {now.isoformat(timespec='seconds')}: {verb} {len(ctx.sent)} message(s)",
              file=sys.stderr)
        return 0
    finally:
        await db.dispose()


async def _settings(db: Database, args: argparse.Namespace, now: dt.datetime) -> int:
    async with db.unit_of_work() as session:
        project = await projects.by_key(session, args.key)
        if project is None:
            print(f"no project {args.key.upper()}", file=sys.stderr)
            return 1
        before = stored = (await jobruns.project_settings(session)).get(project.id, {})
        try:
            for assignment in args.set:
                stored = job_config.apply_assignment(stored, assignment)
        except ValueError as exc:  # says what is wrong in both languages; nothing is saved
            print(str(exc), file=sys.stderr)
            return 2
        if args.set:
            await jobruns.save_project_settings(session, project.id, stored, now=now)
            await audit.append(session, actor_id=None, action="project.job_settings_set", entity=f"project:{project.key}",
                               at=now, project_id=project.id, before=before or None, after=stored,
                               event_id=f"cli:{uuid.uuid4().hex}")
    print(json.dumps(job_config.merged(stored), ensure_ascii=False, indent=2))
    return 0


async def _report(db: Database, cfg: Config, args: argparse.Namespace, now: dt.datetime) -> int:
    ctx = JobContext(db=db, now=now, settings=cfg.settings, dry_run=True)
    async with ctx.unit_of_work() as session:
        text = await reports.weekly_markdown(session, ctx, args.project)
    if text is None:
        print(f"no project {args.project.upper()}", file=sys.stderr)
        return 1
    print(text)
    return 0
