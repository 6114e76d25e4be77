"""The export's contract tables (issue 15): `vendors`, `contracts` (with `payments`) and `acceptances` (with
their `rounds` and each round's `signoffs`). People appear by platform user id, like the rest of the export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import contracts
from storage import contracts as store
from storage.models import Membership, Project

COLUMNS = {
    "vendors": ["name", "members"],
    "contracts": ["id", "vendor", "title", "amount", "currency", "signed", "payments"],
    "acceptances": ["id", "contract", "stage", "status", "submitted_by", "trial_end", "created_at", "decided_at",
                    "rounds"],
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _num(value: Any) -> float | None:
    return float(value) if value is not None else None


async def tables(session: AsyncSession, project: Project, who: dict[int, str]) -> dict[str, list[dict[str, Any]]]:
    rows = await store.of_project(session, project.id)
    plans = await store.payments(session, [c.id for c in rows])
    accs = await store.acceptances(session, [project.id])
    names = {v.id: v.name for v in await store.vendors(session)}
    refs = {c.id: contracts.ht(c) for c in rows}
    members: dict[int, list[str]] = {}
    for person, vendor in (await session.execute(select(Membership.person_id, Membership.vendor_id).where(
            Membership.project_id == project.id, Membership.vendor_id.is_not(None)))).all():
        if vendor is not None:
            members.setdefault(vendor, []).append(who.get(person, str(person)))
    vendor_ids = sorted({c.vendor_id for c in rows} | set(members), key=lambda v: names.get(v, ""))
    out_vendors = [{"name": names.get(v, "-"), "members": sorted(members.get(v, []))} for v in vendor_ids]
    out_contracts = [{
        "id": refs[c.id], "vendor": names.get(c.vendor_id, "-"), "title": c.title, "amount": _num(c.amount),
        "currency": c.currency, "signed": _iso(c.signed_on),
        "payments": [{"name": p.name, "percent": _num(p.percent), "amount": _num(p.amount), "after": p.after,
                      "after_date": _iso(p.after_date), "planned": _iso(p.planned_on),
                      "payable_at": _iso(p.payable_at), "released_by": f"YS-{p.released_by}" if p.released_by else None,
                      "paid": _num(p.paid_amount), "paid_on": _iso(p.paid_on)} for p in plans[c.id]],
    } for c in rows]
    rounds = await store.rounds(session, [a.id for a in accs])
    signoffs = await store.signoffs(session, [r.id for rs in rounds.values() for r in rs])
    out_acceptances = [{
        "id": f"YS-{a.id}", "contract": refs.get(a.contract_id or 0), "stage": a.stage, "status": a.status,
        "submitted_by": who.get(a.submitted_by), "trial_end": _iso(a.trial_end), "created_at": _iso(a.created_at),
        "decided_at": _iso(a.decided_at),
        "rounds": [{"n": r.n, "status": r.status, "submitted_by": who.get(r.submitted_by),
                    "submitted_at": _iso(r.submitted_at), "deliverables": (r.deliverables or {}).get("items", []),
                    "issues": (r.issues or {}).get("items", []), "decided_at": _iso(r.decided_at),
                    "signoffs": [{"role": s.role, "status": s.status, "by": who.get(s.decided_by or 0),
                                  "at": _iso(s.decided_at), "issues": (s.issues or {}).get("items", [])}
                                 for s in signoffs[r.id]]} for r in rounds[a.id]],
    } for a in accs if a.contract_id in refs]
    return {"vendors": out_vendors, "contracts": out_contracts, "acceptances": out_acceptances}
