"""The contracts section of the PM, sponsor and PMO digests and of the weekly report, and the PMO's vendor
scorecard (issue 15). Read once per digest run (`read`), drawn per reader (`section`, pure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from bot.core.i18n import t
from bot.domain import contracts
from storage import contracts as store
from storage.models import ChangeRequest, Membership, Task, TaskAssignee, TaskVerification


@dataclass(slots=True)
class Facts:
    lines: dict[int, list[tuple[str, str, contracts.Summary, contracts.Standing, str]]] = field(default_factory=dict)
    money: dict[int, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)  # value, paid, payable
    completion: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # total, reported done, verified
    vendors: list[dict[str, Any]] = field(default_factory=list)


async def read(session: Any, project_ids: list[int], today: dt.date) -> Facts:
    out = Facts()
    if not project_ids:
        return out
    rows = await store.of_projects(session, project_ids)
    plans = await store.payments(session, [c.id for c in rows])
    accs = await store.acceptances(session, project_ids)
    vendors = {v.id: v.name for v in await store.vendors(session)}
    for c in rows:
        stand = contracts.standing(c, accs)
        s = contracts.summarize(c, plans[c.id], stand, today)
        out.lines.setdefault(c.project_id, []).append((contracts.ht(c), vendors.get(c.vendor_id, "-"), s, stand,
                                                       c.currency))
        value, paid, payable = out.money.get(c.project_id, (Decimal(0),) * 3)
        out.money[c.project_id] = (value + c.amount, paid + s.paid, payable + s.payable)
    done = dict((await session.execute(select(Task.project_id, func.count()).where(
        Task.project_id.in_(project_ids), Task.status == "done").group_by(Task.project_id))).all())
    total = dict((await session.execute(select(Task.project_id, func.count()).where(
        Task.project_id.in_(project_ids)).group_by(Task.project_id))).all())
    unverified = dict((await session.execute(select(Task.project_id, func.count()).join(
        TaskVerification, TaskVerification.task_id == Task.id).where(
        Task.project_id.in_(project_ids), Task.status == "done", TaskVerification.verified_at.is_(None))
        .group_by(Task.project_id))).all())
    for pid in project_ids:
        d = int(done.get(pid, 0))
        out.completion[pid] = (int(total.get(pid, 0)), d, d - int(unverified.get(pid, 0)))
    out.vendors = await _scorecard(session, project_ids, accs, vendors)
    return out


async def _scorecard(session: Any, project_ids: list[int], accs: list[Any], names: dict[int, str]
                     ) -> list[dict[str, Any]]:
    """Per vendor: on-time delivery of its people's tasks, first-pass acceptance, change requests, rounds."""
    members = (await session.execute(select(Membership.person_id, Membership.vendor_id).where(
        Membership.project_id.in_(project_ids), Membership.vendor_id.is_not(None)))).all()
    people: dict[int, set[int]] = {}
    for person, vendor in members:
        people.setdefault(int(vendor), set()).add(int(person))
    contract_vendor = {c.id: c.vendor_id for c in await store.of_projects(session, project_ids)}
    out = []
    for vid in sorted(set(people) | set(contract_vendor.values()), key=lambda v: names.get(v, "")):
        mine = sorted(people.get(vid, set()))
        done = (await session.execute(select(Task.due_date, Task.done_at).join(
            TaskAssignee, TaskAssignee.task_id == Task.id).where(
            Task.project_id.in_(project_ids), Task.status == "done", Task.due_date.is_not(None),
            TaskAssignee.person_id.in_(mine)).distinct())).all() if mine else []
        on_time = sum(1 for due, at in done if at is not None and at.date() <= due)
        changes = int((await session.execute(select(func.count()).where(
            ChangeRequest.project_id.in_(project_ids), ChangeRequest.requester_id.in_(mine),
            ChangeRequest.status != "draft"))).scalar_one()) if mine else 0
        decided = [a for a in accs if contract_vendor.get(a.contract_id) == vid and a.status == "passed"]
        theirs = [a for a in accs if contract_vendor.get(a.contract_id) == vid]
        out.append({"vendor": names.get(vid, "-"),
                    "ontime": f"{round(on_time * 100 / len(done))}%" if done else "-",
                    "first": f"{round(sum(1 for a in decided if a.rounds == 1) * 100 / len(decided))}%"
                    if decided else "-",
                    "changes": changes,
                    "rounds": f"{sum(a.rounds for a in theirs) / len(theirs):.1f}" if theirs else "-"})
    return out


def section(locale: str, project_ids: list[int], facts: Facts, *, portfolio: bool) -> list[str]:
    """The digest's contracts lines for these projects (and the scorecard for the PMO); [] when none."""
    rows = [r for pid in project_ids for r in facts.lines.get(pid, [])]
    lines: list[str] = []
    if rows:
        lines.append(t(locale, "digest.contracts", n=len(rows)))
        for ref, vendor, s, stand, _cur in rows[:20]:
            lines.append(t(locale, "digest.contract_line", ref=ref, vendor=vendor, paid=contracts.show_money(s.paid),
                           payable=contracts.show_money(s.payable), pending=contracts.show_money(s.pending),
                           next=contracts.next_text(locale, s, stand)))
    if portfolio:
        value = paid = payable = Decimal(0)
        for pid in project_ids:
            v, pd, pb = facts.money.get(pid, (Decimal(0),) * 3)
            value, paid, payable = value + v, paid + pd, payable + pb
        if value:
            lines.append(t(locale, "digest.contract_money", value=contracts.show_money(value),
                           paid=contracts.show_money(paid), payable=contracts.show_money(payable)))
        for pid in project_ids:
            total, done, verified = facts.completion.get(pid, (0, 0, 0))
            if total and done != verified:
                lines.append(t(locale, "digest.verified", reported=f"{round(done * 100 / total)}%",
                               verified=f"{round(verified * 100 / total)}%"))
        if facts.vendors:
            lines.append(t(locale, "digest.vendor_scorecard"))
            lines += [t(locale, "digest.vendor_line", **v) for v in facts.vendors[:20]]
    return lines
