"""Vendors, contracts and payment milestones (issue 15): set up by the PMO, read in chat, paid by finance.

Who sees a contract: the project's PM, PMO and sponsor, finance, and the members of the contract's own vendor
(never another vendor's, and vendors never see the project budget). When a payment milestone (付款节点) is
payable, and what a contract's money stands at, are domain rules (bot/domain/contracts.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.domain.contracts import Standing, ht, next_text, released, show_money, standing, state, summarize
from bot.nlu.intents import ContractQuery, ContractView, RecordPayment
from handlers import lookup, permissions
from storage import contracts as store
from storage.models import Contract, PaymentMilestone, Person, Project, Vendor

# Who may read contracts and payment plans (vendors: only their own organisation's).
READERS = frozenset({"pmo", "pm", "sponsor", "finance", "vendor", "supervisor"})
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
HT_RE = re.compile(r"^\s*HT\s*-?\s*(\d{1,9})\s*$", re.IGNORECASE)
_AFTER_WORDS = {
    "初验": "initial", "初步验收": "initial", "initial": "initial", "preliminary": "initial",
    "试运行": "trial", "trial": "trial", "trial_run": "trial", "trial-run": "trial",
    "终验": "final", "最终验收": "final", "竣工验收": "final", "final": "final",
    "signing": "signing", "签约": "signing", "签订": "signing", "签署": "signing", "sign": "signing",
}


def after_of(word: str) -> tuple[str, dt.date | None]:
    """`--after 初验|试运行|终验|signing|YYYY-MM-DD` -> ("initial", None) / ("date", 2026-12-31)."""
    key = word.strip().lower()
    if key in _AFTER_WORDS:
        return _AFTER_WORDS[key], None
    try:
        return "date", dt.date.fromisoformat(word.strip())
    except ValueError:
        raise UserError("contract.bad_after", value=word[:40]) from None


def amount_of(text: str | Decimal) -> Decimal:
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise UserError("contract.bad_amount", value=str(text)[:40]) from None
    if not value.is_finite() or value <= 0 or value >= Decimal("1e12"):
        raise UserError("contract.bad_amount", value=str(text)[:40])
    return value.quantize(Decimal("0.01"))


# ---- setting up (admin CLI; the PMO) ------------------------------------------------------------------------

async def add_vendor(ctx: Ctx, name: str) -> Vendor:
    permissions.require_pmo(ctx)
    name = lookup.cut(ctx, name.strip(), 200)
    if not name:
        raise UserError("vendor.need_name")
    if await store.vendor_by_name(ctx.session, name) is not None:
        raise UserError("vendor.exists", name=name)
    vendor = Vendor(name=name, created_at=ctx.now)
    ctx.session.add(vendor)
    await ctx.session.flush()
    await ctx.audit("vendor.added", f"vendor:{vendor.id}", after={"name": name})
    return vendor


async def vendor_named(ctx: Ctx, name: str) -> Vendor:
    vendor = await store.vendor_by_name(ctx.session, name)
    if vendor is None:
        known = ", ".join(v.name for v in await store.vendors(ctx.session)) or "-"
        raise UserError("vendor.not_found", name=name[:60], known=known)
    return vendor


async def set_member_vendor(ctx: Ctx, project: Project, person: Person, vendor_name: str) -> Vendor:
    """Make a project member a person of this vendor (`admin member add KEY USER --role vendor --vendor NAME`)."""
    from sqlalchemy import select

    from storage.models import Membership

    await permissions.require_manage(ctx, project, what="what.members")
    vendor = await vendor_named(ctx, vendor_name)
    row = (await ctx.session.scalars(select(Membership).where(Membership.project_id == project.id,
                                                              Membership.person_id == person.id))).first()
    if row is None:
        raise UserError("perm.not_member", project=project.key)
    old = row.vendor_id
    row.vendor_id = vendor.id
    await ctx.session.flush()
    await ctx.audit("member.vendor_set", f"member:{project.key}/{person.id}", project_id=project.id,
                    before={"vendor_id": old} if old else None, after={"vendor": vendor.name})
    return vendor


async def add_contract(ctx: Ctx, project: Project, *, vendor_name: str, amount: Decimal, currency: str = "CNY",
                       signed: dt.date | None = None, title: str = "") -> Contract:
    await permissions.require_manage(ctx, project, what="what.contracts")
    vendor = await vendor_named(ctx, vendor_name)
    currency = currency.upper()
    if not CURRENCY_RE.match(currency):
        raise UserError("contract.bad_currency", value=currency[:10])
    amount = amount_of(amount)
    seq = await store.next_contract_seq(ctx.session, project.tenant_id)
    contract = Contract(tenant_id=project.tenant_id, seq=seq, project_id=project.id, vendor_id=vendor.id,
                        title=lookup.cut(ctx, title, 200), amount=amount, currency=currency, signed_on=signed,
                        created_at=ctx.now)
    ctx.session.add(contract)
    await ctx.session.flush()
    await ctx.audit("contract.added", f"contract:{ht(contract)}", project_id=project.id,
                    after={"vendor": vendor.name, "amount": str(amount), "currency": currency,
                           "signed": signed.isoformat() if signed else None, "title": contract.title})
    return contract


async def contract_named(ctx: Ctx, ref: str, *, role_check: bool = True) -> tuple[Contract, Project]:
    """`HT-3` as the actor may see it: outsiders and other vendors get "not found", never a hint."""
    m = HT_RE.match(ref or "")
    if m is None:
        raise UserError("contract.not_found", ref=(ref or "-")[:20])
    for contract in await store.contracts_by_seq(ctx.session, int(m[1])):
        project = await ctx.session.get(Project, contract.project_id)
        if project is None:
            continue
        if not role_check or await may_read(ctx, project, contract):
            return contract, project
    raise UserError("contract.not_found", ref=f"HT-{m[1]}")


async def may_read(ctx: Ctx, project: Project, contract: Contract | None = None) -> bool:
    """The one rule of who reads contracts: READERS, and a vendor member only their own organisation's."""
    role = await permissions.role_of(ctx, project)
    if role not in READERS:
        return False
    if role == "vendor":
        mine = await store.member_vendor(ctx.session, project.id, ctx.actor_id) if ctx.actor_id else None
        return mine is not None and (contract is None or contract.vendor_id == mine)
    return True


async def add_payment(ctx: Ctx, ref: str, *, name: str, percent: Decimal | None, amount: Decimal | None,
                      after: str, planned: dt.date | None = None) -> tuple[PaymentMilestone, Contract]:
    """A payment milestone; the percentages of a contract's milestones may not pass 100%, nor amounts its value."""
    contract, project = await contract_named(ctx, ref)
    await permissions.require_manage(ctx, project, what="what.contracts")
    name = lookup.cut(ctx, name.strip(), 100)
    if not name:
        raise UserError("payment.need_name")
    if (percent is None) == (amount is None):
        raise UserError("payment.percent_or_amount")
    kind, on = after_of(after)
    existing = (await store.payments(ctx.session, [contract.id]))[contract.id]
    if any(p.name == name for p in existing):
        raise UserError("payment.exists", ref=ht(contract), name=name)
    if percent is not None:
        if not Decimal(0) < percent <= Decimal(100):
            raise UserError("payment.bad_percent", value=str(percent))
        used = sum((p.percent or p.amount * 100 / contract.amount for p in existing), Decimal(0))
        if used + percent > Decimal(100):
            raise UserError("payment.over_100", ref=ht(contract), used=f"{used:g}", asked=f"{percent:g}")
        value = (contract.amount * percent / 100).quantize(Decimal("0.01"))
    else:
        assert amount is not None
        value = amount_of(amount)
    planned_total = sum((p.amount for p in existing), Decimal(0)) + value
    if planned_total > contract.amount:
        raise UserError("payment.over_amount", ref=ht(contract), total=show_money(planned_total),
                        amount=show_money(contract.amount, contract.currency))
    payment = PaymentMilestone(contract_id=contract.id, seq=len(existing) + 1, name=name, percent=percent,
                               amount=value, after=kind, after_date=on, planned_on=planned,
                               paid_amount=Decimal(0), created_at=ctx.now)
    ctx.session.add(payment)
    await ctx.session.flush()
    await ctx.audit("payment.added", f"contract:{ht(contract)}", project_id=project.id,
                    after={"payment": name, "percent": str(percent) if percent is not None else None,
                           "amount": str(value), "after": kind, "after_date": on.isoformat() if on else None,
                           "planned": planned.isoformat() if planned else None})
    return payment, contract


# ---- what is payable, in words ----------------------------------------------------------------------------------

def _after_text(ctx: Ctx, p: PaymentMilestone) -> str:
    return ctx.t("after." + p.after, day=p.after_date.isoformat() if p.after_date else "-")


def _why_not(ctx: Ctx, p: PaymentMilestone, contract: Contract, stand: Standing) -> str:
    if p.after in ("initial", "final"):
        return ctx.t("payment.why_stage", stage=ctx.t("stage." + p.after))
    if p.after == "trial":
        end = stand.trial_end
        return ctx.t("payment.why_trial_until", day=end.isoformat()) if end else ctx.t("payment.why_trial")
    if p.after == "signing":
        return ctx.t("payment.why_signing")
    return ctx.t("payment.why_date", day=p.after_date.isoformat() if p.after_date else "-")


async def visible_contracts(ctx: Ctx, project: Project) -> list[Contract]:
    """The contracts of a project the actor may read (a vendor member: their organisation's)."""
    role = await permissions.require_view(ctx, project)
    if not await may_read(ctx, project):
        raise UserError("contract.readers")
    if role != "vendor":
        return await store.of_project(ctx.session, project.id)
    mine = await store.member_vendor(ctx.session, project.id, ctx.actor_id) if ctx.actor_id else None
    return await store.of_project(ctx.session, project.id, vendor_id=mine) if mine is not None else []


async def list_contracts(ctx: Ctx, key: str | None) -> list[str]:
    project = await lookup.project(ctx, key)
    rows = await visible_contracts(ctx, project)
    if not rows:
        return [ctx.t("contract.none", key=project.key)]
    plans = await store.payments(ctx.session, [c.id for c in rows])
    accs = await store.acceptances(ctx.session, [project.id])
    names = {v.id: v.name for v in await store.vendors(ctx.session, [c.vendor_id for c in rows])}
    today = ctx.today(project.timezone)
    lines = [ctx.t("contract.list_title", key=project.key, n=len(rows))]
    for c in rows:
        stand = standing(c, accs)
        s = summarize(c, plans[c.id], stand, today)
        lines.append(ctx.t("contract.line", ref=ht(c), vendor=names.get(c.vendor_id, "-"),
                           amount=show_money(c.amount, c.currency), paid=show_money(s.paid),
                           payable=show_money(s.payable), pending=show_money(s.pending), next=next_text(ctx.locale, s, stand)))
    return lines


async def payment_plan(ctx: Ctx, ref: str | None) -> list[str]:
    contract, project = await contract_named(ctx, ref or "")
    rows = (await store.payments(ctx.session, [contract.id]))[contract.id]
    vendor = await ctx.session.get(Vendor, contract.vendor_id)
    stand = standing(contract, await store.acceptances(ctx.session, [project.id]))
    lines = [ctx.t("plan.title", ref=ht(contract), vendor=vendor.name if vendor else "-",
                   amount=show_money(contract.amount, contract.currency))]
    if not rows:
        return [*lines, ctx.t("plan.none", ref=ht(contract))]
    today = ctx.today(project.timezone)
    for p in rows:
        st = state(p, contract, stand, today)
        label = ctx.t("pay_state." + st)
        if st == "pending":
            label += f"（{_why_not(ctx, p, contract, stand)}）" if ctx.locale == "zh" else \
                f" ({_why_not(ctx, p, contract, stand)})"
        paid = ctx.t("plan.paid", amount=show_money(p.paid_amount), day=p.paid_on.isoformat()) \
            if p.paid_amount and p.paid_on else ""
        lines.append(ctx.t("plan.line", name=p.name, amount=show_money(p.amount, contract.currency),
                           after=_after_text(ctx, p), state=label, paid=paid,
                           planned=ctx.t("plan.planned", day=p.planned_on.isoformat()) if p.planned_on else ""))
    if stand.trial_end is not None:
        lines.append(ctx.t("plan.trial", day=stand.trial_end.isoformat()))
    return lines


def _payment_named(ctx: Ctx, contract: Contract, rows: list[PaymentMilestone], name: str) -> PaymentMilestone:
    wanted = name.strip().lower()
    exact = [p for p in rows if p.name.lower() == wanted]
    near = exact or [p for p in rows if wanted and (wanted in p.name.lower() or p.name.lower() in wanted)]
    if len(near) != 1:
        raise UserError("payment.not_found", ref=ht(contract), name=name[:40],
                        known=", ".join(p.name for p in rows) or "-")
    return near[0]


async def record_payment(ctx: Ctx, ref: str | None, name: str | None, amount: float | None,
                         day: str | None) -> list[str]:
    """Finance records money paid on a milestone: never before it is released, never more than it is."""
    contract, project = await contract_named(ctx, ref or "")
    role = await permissions.role_of(ctx, project)
    if role not in ("finance", "pmo"):
        raise UserError("payment.finance_only")
    rows = (await store.payments(ctx.session, [contract.id]))[contract.id]
    payment = _payment_named(ctx, contract, rows, name or "")
    stand = standing(contract, await store.acceptances(ctx.session, [project.id]))
    today = ctx.today(project.timezone)
    on = dt.date.fromisoformat(day) if day else today
    if payment.paid_amount >= payment.amount:
        raise UserError("payment.already_paid", ref=ht(contract), name=payment.name)
    if not released(payment, contract, stand, today):
        raise UserError("payment.not_released", ref=ht(contract), name=payment.name,
                        why=_why_not(ctx, payment, contract, stand))
    asked = amount_of(Decimal(str(amount))) if amount is not None else payment.amount - payment.paid_amount
    if payment.paid_amount + asked > payment.amount:
        raise UserError("payment.overpaid", ref=ht(contract), name=payment.name,
                        amount=show_money(payment.amount), paid=show_money(payment.paid_amount),
                        asked=show_money(asked))
    was = payment.paid_amount
    if not await store.record_payment(ctx.session, payment.id, was=was, add=asked, on=on):
        raise UserError("payment.raced", ref=ht(contract), name=payment.name)
    await ctx.session.refresh(payment)
    await ctx.audit("payment.recorded", f"contract:{ht(contract)}", project_id=project.id,
                    before={"payment": payment.name, "paid": str(was)},
                    after={"payment": payment.name, "paid": str(payment.paid_amount), "amount": str(asked),
                           "on": on.isoformat()})
    return [ctx.t("payment.recorded", ref=ht(contract), name=payment.name,
                  amount=show_money(asked, contract.currency), day=on.isoformat(),
                  paid=show_money(payment.paid_amount), total=show_money(payment.amount))]


# ---- chat entry points ---------------------------------------------------------------------------------------

async def contract_query(intent: ContractQuery, ctx: Ctx) -> list[Reply]:
    """"CRM 合同" / "HT-1 付款计划" / "CRM 验收" (`_VIEWS`, one per view, at the bottom)."""
    return [ctx.reply("\n".join(await _VIEWS.get(intent.action, _VIEWS["list"])(intent, ctx)))]


async def _acceptances(intent: ContractQuery, ctx: Ctx) -> list[str]:
    from handlers import acceptance

    return await acceptance.list_lines(ctx, intent.project)


async def payment_paid(intent: RecordPayment, ctx: Ctx) -> list[Reply]:
    return [ctx.reply("\n".join(await record_payment(ctx, intent.contract, intent.payment, intent.amount,
                                                     intent.day)))]


_VIEWS: dict[ContractView, Callable[[ContractQuery, Ctx], Awaitable[list[str]]]] = {
    "list": lambda intent, ctx: list_contracts(ctx, intent.project),
    "plan": lambda intent, ctx: payment_plan(ctx, intent.contract),
    "acceptances": _acceptances,
}

# ---- routes ------------------------------------------------------------------------------------------------

router = Router("contracts")
router.on_intent(ContractQuery, contract_query)
router.on_intent(RecordPayment, payment_paid)
