"""The end of a trial run (试运行) releases the contract's "after 试运行" payment milestones: the moment comes with
no click, so the risk scan (jobs/risks.py) runs this step first. Each milestone is a slot claimed in the same
transaction as its cards, so two replicas scanning at once send its payable card once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core import outbound
from bot.core.context import Ctx
from handlers import payables
from jobs.context import JobContext
from storage.models import Acceptance, Contract, PaymentMilestone, Project

JOB = "trial_payable"


async def run(ctx: JobContext) -> None:
    """Release, mark and announce every "after 试运行" milestone whose trial run ended by the project's today."""
    async with ctx.unit_of_work() as session:
        stmt = (select(PaymentMilestone, Contract, Acceptance, Project)
                .join(Contract, Contract.id == PaymentMilestone.contract_id)
                .join(Acceptance, (Acceptance.contract_id == Contract.id) & (Acceptance.stage == "initial")
                      & (Acceptance.status == "passed"))
                .join(Project, Project.id == Contract.project_id)
                .where(PaymentMilestone.after == "trial", PaymentMilestone.payable_at.is_(None),
                       PaymentMilestone.paid_amount < PaymentMilestone.amount, Acceptance.trial_end.is_not(None),
                       Acceptance.trial_end <= (ctx.now + dt.timedelta(days=1)).date())  # any zone's today
                .order_by(PaymentMilestone.id))
        due: dict[int, tuple[Contract, Acceptance, Project, set[int]]] = {}
        for p, contract, acc, project in (await session.execute(stmt)).all():
            assert acc.trial_end is not None
            if acc.trial_end <= ctx.local(project.timezone).date():
                due.setdefault(contract.id, (contract, acc, project, set()))[3].add(p.id)
        if not due:
            return
        won = await ctx.claim(session, JOB, [f"payment:{pid}" for *_, ids in due.values() for pid in ids])
        for contract, acc, project, ids in due.values():
            mine = {pid for pid in ids if f"payment:{pid}" in won}  # the rest: another replica sent them
            if not mine:
                continue
            hctx = Ctx(session=session, now=ctx.now, platform="", event_id=f"job:{JOB}:{contract.id}", actor=None,
                       actor_ref="job", chat=None, locale=project.locale or ctx.settings.default_locale,
                       tz=project.timezone or ctx.settings.default_tz, settings=ctx.settings)
            replies = await payables.released(hctx, acc, project, contract, trial_ended=True, only=mine)
            await ctx.send(session, [outbound.of_reply(r) for r in replies])  # notify.direct: each names its user
