"""Vendors, contracts, payment milestones, acceptances (rounds, sign-offs) and vendor-done checks.

Repositories never commit. Sign-offs and payments change through compare-and-set UPDATEs (`... WHERE status =
'pending'`), so two clicks at once, on any number of replicas, decide once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Acceptance,
    AcceptanceRound,
    AcceptanceSignoff,
    Contract,
    Membership,
    PaymentMilestone,
    TaskVerification,
    Vendor,
)


async def vendor_by_name(session: AsyncSession, name: str) -> Vendor | None:
    return (await session.scalars(select(Vendor).where(func.lower(Vendor.name) == name.strip().lower()))).first()


async def vendors(session: AsyncSession, ids: Sequence[int] | None = None) -> list[Vendor]:
    stmt = select(Vendor).order_by(Vendor.name)
    if ids is not None:
        stmt = stmt.where(Vendor.id.in_(list(ids)))
    return list((await session.scalars(stmt)).all())


async def member_vendor(session: AsyncSession, project_id: int, person_id: int) -> int | None:
    stmt = select(Membership.vendor_id).where(Membership.project_id == project_id, Membership.person_id == person_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def vendor_members(session: AsyncSession, project_id: int, vendor_id: int) -> list[int]:
    stmt = select(Membership.person_id).where(Membership.project_id == project_id, Membership.vendor_id == vendor_id)
    return sorted((await session.scalars(stmt)).all())


async def vendor_people(session: AsyncSession, project_id: int) -> list[int]:
    """The project's vendor members (of any organisation): they never sign the client's acceptance."""
    stmt = select(Membership.person_id).where(Membership.project_id == project_id, Membership.role == "vendor")
    return sorted((await session.scalars(stmt)).all())


async def next_contract_seq(session: AsyncSession, tenant_id: int | None) -> int:
    stmt = select(func.coalesce(func.max(Contract.seq), 0))
    stmt = stmt.where(Contract.tenant_id.is_(None) if tenant_id is None else Contract.tenant_id == tenant_id)
    return int((await session.execute(stmt)).scalar_one()) + 1


async def contracts_by_seq(session: AsyncSession, seq: int) -> list[Contract]:
    """Contracts shown as HT-<seq> (one per tenant)."""
    return list((await session.scalars(select(Contract).where(Contract.seq == seq).order_by(Contract.id))).all())


async def of_project(session: AsyncSession, project_id: int, vendor_id: int | None = None) -> list[Contract]:
    stmt = select(Contract).where(Contract.project_id == project_id).order_by(Contract.seq)
    if vendor_id is not None:
        stmt = stmt.where(Contract.vendor_id == vendor_id)
    return list((await session.scalars(stmt)).all())


async def of_projects(session: AsyncSession, project_ids: Sequence[int]) -> list[Contract]:
    if not project_ids:
        return []
    stmt = select(Contract).where(Contract.project_id.in_(list(project_ids))).order_by(Contract.seq)
    return list((await session.scalars(stmt)).all())


async def payments(session: AsyncSession, contract_ids: Sequence[int]) -> dict[int, list[PaymentMilestone]]:
    out: dict[int, list[PaymentMilestone]] = {c: [] for c in contract_ids}
    if contract_ids:
        stmt = select(PaymentMilestone).where(PaymentMilestone.contract_id.in_(list(contract_ids))) \
            .order_by(PaymentMilestone.contract_id, PaymentMilestone.seq)
        for row in (await session.scalars(stmt.execution_options(populate_existing=True))).all():
            out[row.contract_id].append(row)
    return out


async def record_payment(session: AsyncSession, payment_id: int, *, was: Decimal, add: Decimal,
                         on: dt.date) -> bool:
    """Add a payment if nobody else recorded one since we read `was`; False when someone did."""
    result = await session.execute(
        update(PaymentMilestone).where(PaymentMilestone.id == payment_id, PaymentMilestone.paid_amount == was)
        .values(paid_amount=was + add, paid_on=on).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


async def acceptances(session: AsyncSession, project_ids: Sequence[int] | None = None, *,
                      lock_id: int | None = None) -> list[Acceptance]:
    stmt = select(Acceptance).order_by(Acceptance.id)
    if project_ids is not None:
        stmt = stmt.where(Acceptance.project_id.in_(list(project_ids)))
    if lock_id is not None:
        stmt = stmt.where(Acceptance.id == lock_id).with_for_update()
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def rounds(session: AsyncSession, acceptance_ids: Sequence[int]) -> dict[int, list[AcceptanceRound]]:
    out: dict[int, list[AcceptanceRound]] = {a: [] for a in acceptance_ids}
    if acceptance_ids:
        stmt = select(AcceptanceRound).where(AcceptanceRound.acceptance_id.in_(list(acceptance_ids))) \
            .order_by(AcceptanceRound.acceptance_id, AcceptanceRound.n)
        for row in (await session.scalars(stmt.execution_options(populate_existing=True))).all():
            out[row.acceptance_id].append(row)
    return out


async def open_rounds(session: AsyncSession, person_id: int, *, limit: int) -> list[tuple[Acceptance, AcceptanceRound]]:
    """The acceptances still being signed whose current round this person submitted, newest round first."""
    stmt = (select(Acceptance, AcceptanceRound)
            .join(AcceptanceRound, (AcceptanceRound.acceptance_id == Acceptance.id) & (AcceptanceRound.n == Acceptance.rounds))
            .where(Acceptance.status == "pending", AcceptanceRound.status == "pending",
                   AcceptanceRound.submitted_by == person_id)
            .order_by(AcceptanceRound.submitted_at.desc(), AcceptanceRound.id.desc()).limit(limit))
    return [(a, r) for a, r in (await session.execute(stmt)).all()]


async def signoffs(session: AsyncSession, round_ids: Sequence[int]) -> dict[int, list[AcceptanceSignoff]]:
    out: dict[int, list[AcceptanceSignoff]] = {r: [] for r in round_ids}
    if round_ids:
        stmt = select(AcceptanceSignoff).where(AcceptanceSignoff.round_id.in_(list(round_ids))) \
            .order_by(AcceptanceSignoff.round_id, AcceptanceSignoff.seq)
        for row in (await session.scalars(stmt.execution_options(populate_existing=True))).all():
            out[row.round_id].append(row)
    return out


async def decide_signoff(session: AsyncSession, signoff_id: int, *, status: str, by: int | None,
                         at: dt.datetime, issues: list[str]) -> bool:
    """pending -> passed/failed, once: the row's status is the compare in compare-and-set."""
    result = await session.execute(
        update(AcceptanceSignoff).where(AcceptanceSignoff.id == signoff_id, AcceptanceSignoff.status == "pending")
        .values(status=status, decided_by=by, decided_at=at, issues={"items": issues}, asking_by=None,
                asking_since=None).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


async def asking(session: AsyncSession, person_id: int, since: dt.datetime) -> AcceptanceSignoff | None:
    """The pending sign-off whose fail button this person pressed recently (the bot asked for the issues)."""
    stmt = select(AcceptanceSignoff).where(AcceptanceSignoff.asking_by == person_id,
                                           AcceptanceSignoff.status == "pending",
                                           AcceptanceSignoff.asking_since >= since) \
        .order_by(AcceptanceSignoff.asking_since.desc()).limit(1)
    return (await session.scalars(stmt)).first()


async def verification(session: AsyncSession, task_id: int) -> TaskVerification | None:
    return await session.get(TaskVerification, task_id, populate_existing=True)


async def verify(session: AsyncSession, task_id: int, *, by: int | None, at: dt.datetime) -> bool:
    result = await session.execute(
        update(TaskVerification).where(TaskVerification.task_id == task_id, TaskVerification.verified_at.is_(None))
        .values(verified_by=by, verified_at=at).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)
