"""Contract risks (issue 15), found in the risk scan's worker beside jobs/risks.py's rules.

- payment_unaccepted: a payment milestone past its planned date whose acceptance stage is not signed off;
- signoff_overdue: an acceptance waiting on a signer longer than the acceptance policy's SLA (working hours);
- trial_ending: a trial run ending within N working days, 终验 not passed yet;
- contract_overrun: paid + payable more than the contract's amount;
- vendor_done_unverified: vendor-reported done the client has not verified after N days.
Thresholds are per project (`pmo-bot jobs settings KEY --set risks.trial_ending_workdays=5`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from bot.core.i18n import t
from bot.core.workdays import WorkCalendar, WorkingHours
from bot.domain import acceptance, contracts
from jobs.config import merged
from jobs.context import zone
from storage import contracts as store
from storage.models import AcceptanceRound, Project, Task, TaskVerification

RULES = ("payment_unaccepted", "signoff_overdue", "trial_ending", "contract_overrun", "vendor_done_unverified")


async def found(session: Any, project_ids: list[int], cfgs: dict[int, dict[str, Any]], cal: WorkCalendar,
                now: dt.datetime, hours: WorkingHours | None = None
                ) -> list[tuple[int, str, str, dict[str, Any], tuple[int, ...]]]:
    """(project, rule, entity, params, owners) for every contract risk in these projects; `hours` are the office
    hours the approval SLA counts too (the WORKDAY_* settings)."""
    out: list[tuple[int, str, str, dict[str, Any], tuple[int, ...]]] = []
    if not project_ids:
        return out
    base = merged(None)["risks"]
    projects = {p.id: p for p in (await session.scalars(select(Project).where(Project.id.in_(project_ids)))).all()}
    rows = await store.of_projects(session, project_ids)
    plans = await store.payments(session, [c.id for c in rows])
    accs = await store.acceptances(session, project_ids)
    by_id = {c.id: c for c in rows}
    for c in rows:
        project, cfg = projects[c.project_id], base | cfgs.get(c.project_id, {})
        locale, today = project.locale or "zh", now.astimezone(zone(project.timezone)).date()
        stand = contracts.standing(c, accs)
        ref = contracts.ht(c)
        total = Decimal(0)
        for p in plans[c.id]:
            st = contracts.state(p, c, stand, today)
            total += p.paid_amount + ((p.amount - p.paid_amount) if st == "payable" else Decimal(0))
            if (cfg["payment_unaccepted"] and st == "pending" and p.after in ("initial", "final")
                    and p.planned_on is not None and p.planned_on < today):
                out.append((c.project_id, "payment_unaccepted", f"payment:{p.id}",
                            {"ref": ref, "name": p.name, "planned": p.planned_on.isoformat(),
                             "stage": t(locale, "stage." + p.after)}, ()))
        if cfg["contract_overrun"] and total > c.amount:
            out.append((c.project_id, "contract_overrun", f"contract:{c.id}",
                        {"ref": ref, "total": contracts.show_money(total),
                         "amount": contracts.show_money(c.amount, c.currency)}, ()))
        limit = cfg["trial_ending_workdays"]
        end = stand.trial_end
        if limit is not None and end is not None and end >= today and "final" not in stand.passed:
            days = cal.workdays_between(today, end)
            if days <= limit:
                out.append((c.project_id, "trial_ending", f"contract:{c.id}",
                            {"ref": ref, "day": end.isoformat(), "days": days}, ()))
    pending = [a for a in accs if a.status == "pending" and a.contract_id in by_id]
    if pending:
        rounds = await store.rounds(session, [a.id for a in pending])
        current: dict[int, AcceptanceRound] = {a.id: rounds[a.id][-1] for a in pending if rounds[a.id]}
        steps = await store.signoffs(session, [r.id for r in current.values()])
        for a in pending:
            project, cfg = projects[a.project_id], base | cfgs.get(a.project_id, {})
            rnd = current.get(a.id)
            step = next((s for s in steps.get(rnd.id, []) if s.status == "pending"), None) if rnd else None
            if not cfg["signoff_sla"] or step is None or step.started_at is None:
                continue
            sla = acceptance.policy(project)["sla_hours"]
            tz = zone(project.timezone)
            waited = cal.working_hours_between(step.started_at.astimezone(tz), now.astimezone(tz), hours)
            if waited > sla:
                assert a.contract_id is not None
                locale = project.locale or "zh"
                out.append((a.project_id, "signoff_overdue", f"acceptance:{a.id}",
                            {"id": a.id, "ref": contracts.ht(by_id[a.contract_id]), "hours": round(waited),
                             "stage": t(locale, "stage." + a.stage), "role": t(locale, "role." + step.role)}, ()))
    stmt = select(TaskVerification, Task).join(Task, Task.id == TaskVerification.task_id).where(
        Task.project_id.in_(project_ids), TaskVerification.verified_at.is_(None), Task.status == "done")
    for v, task in (await session.execute(stmt)).all():
        project = projects[task.project_id]
        limit = (base | cfgs.get(task.project_id, {}))["vendor_done_unverified_days"]
        days = (now - v.reported_at).days
        if limit is not None and days >= limit:
            out.append((task.project_id, "vendor_done_unverified", f"task:{task.id}",
                        {"key": f"{project.key}-{task.seq}", "days": days}, ()))
    return out
