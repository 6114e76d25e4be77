"""Payments follow acceptance: a passed stage releases its payment milestones, and finance and the PMO hear of
each one (one card per milestone: contract, vendor, amount, the acceptance that released it)."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.replies import Card, Field, Reply
from bot.domain import contracts, notify
from storage import changes
from storage import contracts as store
from storage.models import Acceptance, Contract, PaymentMilestone, Project, Vendor


def card_tag(payment: PaymentMilestone) -> str:
    return f"pay:{payment.id}:card"


async def released(ctx: Ctx, acc: Acceptance, project: Project, contract: Contract, *,
                   trial_ended: bool = False, only: set[int] | None = None) -> list[Reply]:
    """Mark what `acc` releases (its stage's milestones; 终验 also ends the trial run's) and tell finance/PMO.
    `trial_ended`: the trial run `acc` (the passed 初验) started has ended, releasing the "after 试运行" ones
    (jobs/trial_payables.py, the moment nobody clicks anything); `only`: just these milestones (the ones that
    job claimed)."""
    stage = "trial" if trial_ended else acc.stage
    stages = {"trial"} if trial_ended else {acc.stage, "trial"} if acc.stage == "final" else {acc.stage}
    rows = (await store.payments(ctx.session, [contract.id]))[contract.id]
    freed = [p for p in rows if p.after in stages and p.payable_at is None and p.paid_amount < p.amount
             and (only is None or p.id in only)]
    if not freed:
        return []
    vendor = await ctx.session.get(Vendor, contract.vendor_id)
    readers = sorted({*await changes.holders(ctx.session, project.id, "finance"),
                      *await changes.holders(ctx.session, project.id, "pmo")})
    replies: list[Reply] = []
    for p in freed:
        p.payable_at, p.released_by = ctx.now, acc.id
        await ctx.audit("payment.payable", f"contract:{contracts.ht(contract)}", project_id=project.id,
                        after={"payment": p.name, "amount": str(p.amount - p.paid_amount),
                               "released_by": f"YS-{acc.id}", "stage": stage})
        replies += await notify.direct(ctx, readers, _render(p, contract, vendor, acc, stage), tag=card_tag(p))
    await ctx.session.flush()
    return replies


def _render(p: PaymentMilestone, contract: Contract, vendor: Vendor | None, acc: Acceptance,
            stage: str) -> notify.Render:
    async def render(reader: Ctx) -> tuple[str, Card | None]:
        ref, amount = contracts.ht(contract), contracts.show_money(p.amount - p.paid_amount, contract.currency)
        card = Card(title=reader.t("payment.payable_title", ref=ref, name=p.name), fields=(
            Field(reader.t("f.contract"), f"{ref} {contract.title}".strip()),
            Field(reader.t("f.vendor"), vendor.name if vendor else "-"),
            Field(reader.t("f.amount"), amount),
            Field(reader.t("f.released_by"), f"YS-{acc.id} {reader.t('stage.' + stage)}")))
        return reader.t("payment.payable_text", ref=ref, name=p.name, vendor=vendor.name if vendor else "-",
                        amount=amount), card

    return render
