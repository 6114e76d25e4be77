"""Contract risks (issue 15), found in the risk scan's worker beside jobs/risks.py's rules (one function each,
registered in jobs/risk_rules.py):

- payment_unaccepted: a payment milestone past its planned date whose acceptance stage is not signed off;
- signoff_overdue: an acceptance waiting on a signer longer than the acceptance policy's SLA (working hours);
- trial_ending: a trial run ending within N working days, 终验 not passed yet;
- contract_overrun: paid + payable more than the contract's amount;
- vendor_done_unverified: vendor-reported done the client has not verified after N days.
Thresholds are per project (`pmo-bot jobs settings KEY --set risks.trial_ending_workdays=5`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.core.i18n import t
from bot.core.workdays import WorkCalendar, WorkingHours
from bot.domain import acceptance, contracts
from jobs import risk_rules as rules
from jobs.config import merged
from jobs.context import zone
from jobs.risk_rules import Found, Scope, rule
from storage import contracts as store
from storage.models import (
    Acceptance,
    AcceptanceRound,
    AcceptanceSignoff,
    Contract,
    PaymentMilestone,
    Project,
    Task,
    TaskVerification,
)


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """A contract as its rules read it: each payment milestone with its state today, and its acceptances."""

    contract: Contract
    payments: list[tuple[PaymentMilestone, str]]
    stand: contracts.Standing


@dataclass(frozen=True, slots=True)
class Signoff:
    """An acceptance waiting on its current round's pending step."""

    acceptance: Acceptance
    step: AcceptanceSignoff
    ref: str


async def found(session: Any, project_ids: list[int], cfgs: dict[int, dict[str, Any]], cal: WorkCalendar,
                now: dt.datetime, hours: WorkingHours | None = None) -> list[Found]:
    """Every contract risk in these projects; `hours` are the office hours the approval SLA counts too (the
    WORKDAY_* settings)."""
    if not project_ids:
        return []
    base = merged(None)["risks"]
    projects = {p.id: p for p in (await session.scalars(select(Project).where(Project.id.in_(project_ids)))).all()}
    between = functools.lru_cache(maxsize=None)(cal.workdays_between)
    scopes = {pid: Scope(p, base | cfgs.get(pid, {}), now.astimezone(zone(p.timezone)), cal, between, hours)
              for pid, p in projects.items()}
    rows = await store.of_projects(session, project_ids)
    plans = await store.payments(session, [c.id for c in rows])
    accs = await store.acceptances(session, project_ids)
    by_id = {c.id: c for c in rows}
    facts: list[ContractFacts] = []
    for c in rows:
        stand, today = contracts.standing(c, accs), scopes[c.project_id].today
        facts.append(ContractFacts(c, [(p, contracts.state(p, c, stand, today)) for p in plans[c.id]], stand))
    waiting: list[Signoff] = []
    pending = [a for a in accs if a.status == "pending" and a.contract_id in by_id]
    if pending:
        rounds = await store.rounds(session, [a.id for a in pending])
        current: dict[int, AcceptanceRound] = {a.id: rounds[a.id][-1] for a in pending if rounds[a.id]}
        steps = await store.signoffs(session, [r.id for r in current.values()])
        for a in pending:
            rnd = current.get(a.id)
            step = next((s for s in steps.get(rnd.id, []) if s.status == "pending"), None) if rnd else None
            if step is not None and step.started_at is not None:
                assert a.contract_id is not None
                waiting.append(Signoff(a, step, contracts.ht(by_id[a.contract_id])))
    stmt = select(TaskVerification, Task).join(Task, Task.id == TaskVerification.task_id).where(
        Task.project_id.in_(project_ids), TaskVerification.verified_at.is_(None), Task.status == "done")
    unverified = [(v, task) for v, task in (await session.execute(stmt)).all()]
    return rules.evaluate({"contract": (_contract_project, facts), "signoff": (_signoff_project, waiting),
                           "unverified": (_task_project, unverified)}, scopes)


def _contract_project(c: ContractFacts) -> int:
    return c.contract.project_id


def _signoff_project(s: Signoff) -> int:
    return s.acceptance.project_id


def _task_project(item: tuple[TaskVerification, Task]) -> int:
    return item[1].project_id


def _locale(scope: Scope) -> str:
    return scope.project.locale or "zh"


@rule("payment_unaccepted", reads="contract", setting="payment_unaccepted")
def payment_unaccepted(c: ContractFacts, _on: bool, scope: Scope) -> Iterator[Found]:
    """A payment milestone past its planned date whose acceptance stage is not signed off."""
    for p, st in c.payments:
        if st == "pending" and p.after in ("initial", "final") and p.planned_on is not None \
                and p.planned_on < scope.today:
            yield Found(c.contract.project_id, "payment_unaccepted", f"payment:{p.id}",
                        {"ref": contracts.ht(c.contract), "name": p.name, "planned": p.planned_on.isoformat(),
                         "stage": t(_locale(scope), "stage." + p.after)}, ())


@rule("contract_overrun", reads="contract", setting="contract_overrun")
def contract_overrun(c: ContractFacts, _on: bool, scope: Scope) -> Iterator[Found]:
    """Paid + payable more than the contract's amount."""
    total = Decimal(0)
    for p, st in c.payments:
        total += p.paid_amount + ((p.amount - p.paid_amount) if st == "payable" else Decimal(0))
    if total > c.contract.amount:
        yield Found(c.contract.project_id, "contract_overrun", f"contract:{c.contract.id}",
                    {"ref": contracts.ht(c.contract), "total": contracts.show_money(total),
                     "amount": contracts.show_money(c.contract.amount, c.contract.currency)}, ())


@rule("trial_ending", reads="contract", setting="trial_ending_workdays")
def trial_ending(c: ContractFacts, workdays: int, scope: Scope) -> Iterator[Found]:
    """A trial run ending within `workdays` working days, 终验 not passed yet."""
    end = c.stand.trial_end
    if end is not None and end >= scope.today and "final" not in c.stand.passed:
        days = scope.between(scope.today, end)
        if days <= workdays:
            yield Found(c.contract.project_id, "trial_ending", f"contract:{c.contract.id}",
                        {"ref": contracts.ht(c.contract), "day": end.isoformat(), "days": days}, ())


@rule("signoff_overdue", reads="signoff", setting="signoff_sla")
def signoff_overdue(s: Signoff, _on: bool, scope: Scope) -> Iterator[Found]:
    """A sign-off pending longer than the acceptance policy's `sla_hours` (bot/domain/acceptance.py), in working
    hours."""
    assert s.step.started_at is not None
    sla = acceptance.policy(scope.project)["sla_hours"]
    tz = zone(scope.project.timezone)
    waited = scope.cal.working_hours_between(s.step.started_at.astimezone(tz), scope.local.astimezone(tz),
                                             scope.hours)
    if waited > sla:
        a, locale = s.acceptance, _locale(scope)
        yield Found(a.project_id, "signoff_overdue", f"acceptance:{a.id}",
                    {"id": a.id, "ref": s.ref, "hours": round(waited), "stage": t(locale, "stage." + a.stage),
                     "role": t(locale, "role." + s.step.role)}, ())


@rule("vendor_done_unverified", reads="unverified", setting="vendor_done_unverified_days")
def vendor_done_unverified(item: tuple[TaskVerification, Task], days_limit: int, scope: Scope) -> Iterator[Found]:
    """Vendor-reported done that the client has not verified after `days_limit` days."""
    v, task = item
    days = (scope.local - v.reported_at).days
    if days >= days_limit:
        yield Found(task.project_id, "vendor_done_unverified", f"task:{task.id}",
                    {"key": f"{scope.project.key}-{task.seq}", "days": days}, ())
