"""The end of a trial run (试运行) releases the contract's "after 试运行" payment milestones: the moment comes with
no click, so the risk scan (jobs/risks.py) runs this step first. Each milestone is a slot claimed in the same
transaction as its cards, so two replicas scanning at once send its payable card once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import outbound
from bot.core.context import Ctx
from bot.domain import payables
from jobs import steps
from jobs.context import JobContext
from storage.models import Acceptance, Contract, PaymentMilestone, Project

JOB = "trial_payable"


async def run(ctx: JobContext) -> None:
    """Release, mark and announce every "after 试运行" milestone whose trial run ended by the project's today."""
    await steps.run(ctx, TrialPayables)


Due = tuple[Contract, Acceptance, Project]  # a milestone's contract, the passed 初验 that started its trial run


class TrialPayables(steps.Steps[Due]):
    name = JOB
    one_transaction = True

    async def due(self, session: AsyncSession) -> dict[str, Due]:
        """`payment:<id>`, in milestone order, for each unreleased "after 试运行" milestone whose trial run ended."""
        ctx = self.ctx
        stmt = (select(PaymentMilestone, Contract, Acceptance, Project)
                .join(Contract, Contract.id == PaymentMilestone.contract_id)
                .join(Acceptance, (Acceptance.contract_id == Contract.id) & (Acceptance.stage == "initial")
                      & (Acceptance.status == "passed"))
                .join(Project, Project.id == Contract.project_id)
                .where(PaymentMilestone.after == "trial", PaymentMilestone.payable_at.is_(None),
                       PaymentMilestone.paid_amount < PaymentMilestone.amount, Acceptance.trial_end.is_not(None),
                       Acceptance.trial_end <= (ctx.now + dt.timedelta(days=1)).date())  # any zone's today
                .order_by(PaymentMilestone.id))
        due: dict[str, Due] = {}
        for p, contract, acc, project in (await session.execute(stmt)).all():
            assert acc.trial_end is not None
            if acc.trial_end <= ctx.local(project.timezone).date():
                due[f"payment:{p.id}"] = (contract, acc, project)
        return due

    async def send(self, session: AsyncSession, won: dict[str, Due]) -> steps.Rows:
        """Per contract, the milestones this run claimed (the rest: another replica sent them) released and
        announced through the one home of that rule (bot/domain/payables.py)."""
        ctx = self.ctx
        by_contract: dict[int, tuple[Due, set[int]]] = {}
        for slot, (contract, acc, project) in won.items():
            by_contract.setdefault(contract.id, ((contract, acc, project), set()))[1].add(int(slot.split(":")[1]))
        rows: steps.Rows = []
        for (contract, acc, project), mine in by_contract.values():
            hctx = Ctx(session=session, now=ctx.now, platform="", event_id=f"job:{JOB}:{contract.id}", actor=None,
                       actor_ref="job", chat=None, locale=project.locale or ctx.settings.default_locale,
                       tz=project.timezone or ctx.settings.default_tz, settings=ctx.settings)
            replies = await payables.released(hctx, acc, project, contract, trial_ended=True, only=mine)
            rows += [outbound.of_reply(r) for r in replies]  # notify.direct: each names its user
        return rows
