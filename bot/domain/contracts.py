"""What a contract's payments stand at: the one home of when a payment milestone is payable (`released`: signing,
a date, an acceptance stage passed (初验/终验), or the end of the trial run (试运行) that passing 初验 started),
of each milestone's state, of a contract's money by state, and of how money and contract numbers are shown.
Pure; read by the contract handlers, the digests, the weekly report and the contract risks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from bot.core.i18n import t
from storage.models import Acceptance, Contract, PaymentMilestone


def show_money(value: Decimal | float | None, currency: str = "") -> str:
    """1200000 -> "1,200,000"; cents only when there are any."""
    if value is None:
        return "-"
    d = Decimal(str(value))
    text = f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,.2f}"
    return f"{text} {currency}".strip()


def ht(contract: Contract) -> str:
    return f"HT-{contract.seq}"


@dataclass(frozen=True, slots=True)
class Standing:
    """A contract's acceptances as payments read them: the passed stage of each, and the trial run."""

    passed: dict[str, Acceptance]  # stage -> its passed acceptance
    pending: dict[str, Acceptance]  # stage -> its open (pending or failed) acceptance

    @property
    def trial_end(self) -> dt.date | None:
        initial = self.passed.get("initial")
        return initial.trial_end if initial is not None else None


def standing(contract: Contract, rows: list[Acceptance]) -> Standing:
    passed: dict[str, Acceptance] = {}
    pending: dict[str, Acceptance] = {}
    for a in rows:
        if a.contract_id != contract.id:
            continue
        (passed if a.status == "passed" else pending)[a.stage] = a
    return Standing(passed, {k: v for k, v in pending.items() if k not in passed})


def released(payment: PaymentMilestone, contract: Contract, stand: Standing, today: dt.date) -> bool:
    """Whether what the milestone waits for has happened (it may then be paid)."""
    if payment.after == "signing":
        return contract.signed_on is not None and contract.signed_on <= today
    if payment.after == "date":
        return payment.after_date is not None and payment.after_date <= today
    if payment.after == "trial":
        return stand.trial_end is not None and stand.trial_end <= today
    return payment.after in stand.passed


def state(payment: PaymentMilestone, contract: Contract, stand: Standing, today: dt.date) -> str:
    """paid / payable / pending."""
    if payment.paid_amount >= payment.amount:
        return "paid"
    return "payable" if released(payment, contract, stand, today) else "pending"


def _acc_state(locale: str, stand: Standing, stage: str) -> str:
    found = stand.passed.get(stage) or stand.pending.get(stage)
    return t(locale, "acc_status." + (found.status if found is not None else "none"))


@dataclass(frozen=True, slots=True)
class Summary:
    """A contract's money by state, and its next unpaid milestone (digests and the contract list)."""

    paid: Decimal
    payable: Decimal
    pending: Decimal
    next: PaymentMilestone | None
    next_state: str


def summarize(contract: Contract, rows: list[PaymentMilestone], stand: Standing, today: dt.date) -> Summary:
    paid = payable = pending = Decimal(0)
    nxt: PaymentMilestone | None = None
    nxt_state = ""
    for p in rows:
        st = state(p, contract, stand, today)
        paid += p.paid_amount
        rest = p.amount - p.paid_amount
        if st == "payable":
            payable += rest
        elif st == "pending":
            pending += rest
        if st != "paid" and nxt is None:
            nxt, nxt_state = p, st
    return Summary(paid, payable, pending, nxt, nxt_state)


def next_text(locale: str, summary: Summary, stand: Standing) -> str:
    """"; next: 初验款 (payable)" with the acceptance state of a stage milestone (chat, digests, reports)."""
    p = summary.next
    if p is None:
        return ""
    label = t(locale, "pay_state." + summary.next_state)
    if p.after in ("initial", "final") and summary.next_state == "pending":
        label = t(locale, "stage." + p.after) + ("" if locale == "zh" else " ") + _acc_state(locale, stand, p.after)
    return t(locale, "contract.next", name=p.name, state=label)
