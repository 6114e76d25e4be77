"""The skeleton every scheduled job runs on: what is due → claim → compute → send, as named steps.

A job is a `Steps` subclass: `name` (its claims' job name), `due` (slot → what the slot is for: a reader and their
day, a project and its week) and `send` (the outbox rows of the slots this run won), with `read` and `compute`
when it has work between them. `run` does the rest alike for every job:

- `due` and `read` run in a read-only transaction (`JobContext.reading`: no SQLite writer lock); slots another
  process claimed already are dropped between them, so nobody reads or computes for a slot that is done;
- `compute` runs outside any transaction (charts, a job worker process);
- one unit of work claims the remaining slots (`storage/jobruns.py`: the once-per-slot claim, so two replicas
  run a slot once) and enqueues what `send` returns for the slots it won, in the claim's transaction: a
  rolled-back run leaves neither a claim nor a message.

A small job whose due step is cheap sets `one_transaction`: due, claim and send then share one unit of work
(no read or compute step). One instance serves one run, so a step may keep what it learnt for the next one.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.outbound import Outbound
from jobs.context import JobContext
from storage import jobruns

T = TypeVar("T")
Rows = list[Outbound]


class Steps(Generic[T]):
    name: ClassVar[str]
    one_transaction: ClassVar[bool] = False

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx

    async def due(self, session: AsyncSession) -> dict[str, T]:
        """Slot → what it is for, every slot due now (in the order `send` should see them)."""
        raise NotImplementedError

    async def read(self, session: AsyncSession, due: dict[str, T]) -> None:
        """What the due slots need from the database (same read-only transaction as `due`). A slot it deletes
        from `due` (nothing to send for it) is neither computed nor claimed."""

    async def compute(self, due: dict[str, T]) -> None:
        """The heavy part, outside any transaction."""

    async def send(self, session: AsyncSession, won: dict[str, T]) -> Rows:
        """The outbox rows of the slots this run claimed (it may write other rows of its own too)."""
        raise NotImplementedError

    def done(self) -> None:
        """Called when a run that got past `read` is over, whether or not it sent (temporary files)."""


async def run(ctx: JobContext, job: type[Steps[Any]]) -> None:
    steps = job(ctx)
    if job.one_transaction:
        async with ctx.unit_of_work() as session:
            due = await steps.due(session)
            if due:
                await _claim_and_send(ctx, steps, session, due)
        return
    async with ctx.reading() as session:
        due = await steps.due(session)
        for slot in await jobruns.claimed(session, job.name, list(due)):
            del due[slot]
        if due:
            await steps.read(session, due)  # it may drop slots it has nothing to send for: they stay unclaimed
    if not due:
        return
    try:
        await steps.compute(due)
        async with ctx.unit_of_work() as session:
            await _claim_and_send(ctx, steps, session, due)
    finally:
        steps.done()


async def _claim_and_send(ctx: JobContext, steps: Steps[Any], session: AsyncSession, due: dict[str, Any]) -> None:
    won = await ctx.claim(session, steps.name, list(due))
    mine = {slot: item for slot, item in due.items() if slot in won}
    if mine:
        await ctx.send(session, await steps.send(session, mine))
