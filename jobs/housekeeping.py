"""Trim the inbox, the sent outbox and old job-run claims once they can no longer matter."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete

from jobs.context import JobContext
from storage import jobruns
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage

logger = logging.getLogger(__name__)

# Feishu retries an event for about 7.1 hours and Slack for minutes: keep ids far longer than that.
INBOX_KEEP = dt.timedelta(days=7)
SENT_KEEP = dt.timedelta(days=30)
# A claim only matters within a job's grace period (hours); keep a month for `jobs` inspection.
RUNS_KEEP = dt.timedelta(days=35)


async def purge(db: Database, now: dt.datetime) -> tuple[int, int]:
    """Delete inbox rows past the retry horizon and sent outbox rows past a month; return the counts."""
    async with db.unit_of_work() as session:
        # never an event still waiting to be processed, nor a dead one (kept for `pmo-bot admin inbox`)
        inbox = await session.execute(delete(InboxEvent).where(
            InboxEvent.received_at < now - INBOX_KEEP, InboxEvent.status.not_in(("received", "dead"))))
        sent = await session.execute(delete(OutboxMessage).where(
            OutboxMessage.status == "sent", OutboxMessage.sent_at < now - SENT_KEEP))
    counts = (getattr(inbox, "rowcount", 0) or 0, getattr(sent, "rowcount", 0) or 0)
    logger.info("housekeeping purged inbox=%s outbox=%s", *counts)
    return counts


async def run(ctx: JobContext) -> None:
    """Housekeeping: purge the inbox, the sent outbox and old job-run claims."""
    await purge(ctx.db, ctx.now)
    async with ctx.unit_of_work() as session:
        await jobruns.purge(session, ctx.now - RUNS_KEEP)
