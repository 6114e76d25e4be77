"""Risk alerts: rules with per-project thresholds, raised once per entity and day, resolved when they clear;
one threaded message per project per scan, with the owners mentioned."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import t
from bot.core.outbound import Outbound
from bot.core.workdays import WorkCalendar, WorkingHours, load_calendar
from bot.domain import approvals, metrics
from jobs import common, contract_risks, steps, trial_payables
from jobs import risk_rules as rules
from jobs.config import merged
from jobs.context import JobContext, zone
from jobs.risk_rules import Found, Scope, rule
from storage import jobruns, outbox, standups
from storage import risks as store
from storage.db import Database
from storage.models import Project

logger = logging.getLogger(__name__)

SCAN = "risks.scan"
# The order new risks are listed in a scan's message (a rule not named here comes after these, as registered).
SHOWN = ("overdue", "due_soon", "blocked", "overrun", "milestone_slipped", "milestone_late_task", "milestone_slip",
         "approval_sla", "idle", "payment_unaccepted", "signoff_overdue", "trial_ending", "contract_overrun",
         "vendor_done_unverified")


def evaluate(facts: store.Facts, projects: dict[int, Any], cfgs: dict[int, dict[str, Any]],
             cal: WorkCalendar, now: dt.datetime, hours: WorkingHours | None = None) -> list[Found]:
    """Apply every task, milestone and approval rule to the facts; pure."""
    facts = store.materialize(facts)
    between = functools.lru_cache(maxsize=None)(cal.workdays_between)  # few distinct (from, to) pairs
    scopes = {pid: Scope(p, cfgs[pid], now.astimezone(zone(p.timezone)), cal, between, hours, facts.assignees)
              for pid, p in projects.items()}
    task, row = attrgetter("project_id"), itemgetter("project_id")
    return rules.evaluate({
        "due": (task, facts.due), "blocked": (task, facts.blocked), "overrun": (task, facts.overrun),
        "idle": (task, facts.idle), "milestone": (row, facts.milestones), "approval": (row, facts.approvals),
    }, scopes)


def _task(f: store.TaskFact, scope: Scope, rule: str, **params: Any) -> tuple[Found]:
    """A task's risk, its assignees the owners (a one-item tuple: what a rule returns)."""
    params = {"task": f"{scope.project.key}-{f.seq}", "title": f.title, **params}
    return (Found(f.project_id, rule, f"task:{f.id}", params, tuple(scope.assignees.get(f.id, ()))),)


@rule("overdue", reads="due", setting="overdue")
def overdue(f: store.TaskFact, _on: bool, scope: Scope) -> Iterable[Found]:
    """Past its due day, or its due time on the day (bot/domain/metrics.py: the one definition)."""
    if metrics.is_overdue(f.status, f.due_date, f.due_time, scope.local):
        return _task(f, scope, "overdue", due=f.due_date.isoformat() if f.due_date else "")
    return ()


@rule("due_soon", reads="due", setting="due_soon_workdays")
def due_soon(f: store.TaskFact, workdays: int, scope: Scope) -> Iterable[Found]:
    """Due within `workdays` working days and not started, or under `due_soon_progress` %."""
    if f.due_date is None or metrics.is_overdue(f.status, f.due_date, f.due_time, scope.local) \
            or scope.between(scope.today, f.due_date) > workdays:
        return ()
    if f.status == "todo" or f.progress < (scope.cfg["due_soon_progress"] or 0):
        return _task(f, scope, "due_soon", due=f.due_date.isoformat(), progress=f.progress)
    return ()


@rule("blocked", reads="blocked", setting="blocked_workdays")
def blocked(f: store.TaskFact, workdays: int, scope: Scope) -> Iterable[Found]:
    """Blocked for more than `workdays` working days."""
    days = scope.between(f.updated_at.astimezone(zone(scope.project.timezone)).date(), scope.today)
    return _task(f, scope, "blocked", days=days) if days > workdays else ()


@rule("overrun", reads="overrun", setting="overrun_pct")
def overrun(f: store.TaskFact, pct: float, scope: Scope) -> Iterable[Found]:
    """More hours logged than `pct` % of the estimate."""
    if f.estimate and f.logged > f.estimate * pct / 100:
        return _task(f, scope, "overrun", logged=f"{f.logged:g}", estimate=f"{f.estimate:g}",
                     pct=round(f.logged * 100 / f.estimate))
    return ()


@rule("idle", reads="idle", setting="idle_workdays")
def idle(f: store.TaskFact, workdays: int, scope: Scope) -> Iterable[Found]:
    """In progress with no hours logged for `workdays` working days."""
    days = scope.between(f.last_log or f.updated_at.astimezone(zone(scope.project.timezone)).date(), scope.today)
    return _task(f, scope, "idle", days=days) if days >= workdays else ()


def _slipped(m: dict[str, Any], scope: Scope) -> bool:
    """Its day has passed with tasks open: it has slipped, not "may slip"."""
    return bool(m["due_date"] < scope.today and m["open_tasks"])


@rule("milestone_slipped", reads="milestone", setting="milestone_slip")
def milestone_slipped(m: dict[str, Any], _on: bool, scope: Scope) -> Iterator[Found]:
    if _slipped(m, scope):
        yield Found(m["project_id"], "milestone_slipped", f"milestone:{m['id']}",
                    {"name": m["name"], "due": m["due_date"].isoformat(), "open": int(m["open_tasks"])}, ())


@rule("milestone_late_task", reads="milestone", setting="milestone_slip")
def milestone_late_task(m: dict[str, Any], _on: bool, scope: Scope) -> Iterator[Found]:
    """A task under it is planned to finish after it."""
    if not _slipped(m, scope) and m.get("late_tasks"):
        yield Found(m["project_id"], "milestone_late_task", f"milestone:{m['id']}",
                    {"name": m["name"], "due": m["due_date"].isoformat(), "n": int(m["late_tasks"]),
                     "latest": m["latest_due"].isoformat()}, ())


@rule("milestone_slip", reads="milestone", setting="milestone_slip")
def milestone_slip(m: dict[str, Any], _on: bool, scope: Scope) -> Iterator[Found]:
    """More estimated hours left than its assignees have working days for (`day_hours` each) before it."""
    if _slipped(m, scope) or m.get("late_tasks"):
        return
    remaining = float(m["remaining"] or 0)
    days = max(0, scope.between(scope.today, m["due_date"]) + (1 if scope.cal.is_workday(scope.today) else 0))
    capacity = days * float(scope.cfg["day_hours"] or 8) * max(1, int(m["people"] or 0))
    if remaining > capacity:
        yield Found(m["project_id"], "milestone_slip", f"milestone:{m['id']}",
                    {"name": m["name"], "due": m["due_date"].isoformat(), "remaining": f"{remaining:g}",
                     "capacity": f"{capacity:g}"}, ())


@rule("approval_sla", reads="approval", setting="approval_sla")
def approval_sla(a: dict[str, Any], _on: bool, scope: Scope) -> Iterator[Found]:
    """A step pending longer than the approval policy's `sla_hours` (bot/domain/approvals.py), in working hours."""
    sla = scope.cfg["approval_sla_hours"]
    started = a["started_at"]
    started = (started if started.tzinfo else started.replace(tzinfo=dt.UTC)).astimezone(zone(scope.project.timezone))
    waited = scope.cal.working_hours_between(started, scope.local, scope.hours)
    if waited > sla:
        yield Found(a["project_id"], "approval_sla", f"change:{a['id']}",
                    {"id": a["id"], "summary": a["summary"] or "", "hours": round(waited), "sla": sla,
                     "role": a["role"]}, ())


async def scan(ctx: JobContext) -> None:
    """Scan every project in its working hours: raise new risks, resolve cleared ones, tell the project chat."""
    await trial_payables.run(ctx)  # issue 15.4: a trial run that ended releases its payments (own claims)
    await steps.run(ctx, Scan)


class Scan(steps.Steps[int]):
    """What is due is read here (small); the facts are read, the rules applied and the messages written in a job
    worker process (`compute`: 10^5 rows of Python work that would stall the event loop even in a thread,
    since a busy thread keeps the GIL from the loop); then one transaction here claims the slots and writes
    what changed, in a number of statements that grows with neither tasks nor risks."""

    name = SCAN

    async def due(self, session: AsyncSession) -> dict[str, int]:
        """A quarter-hour slot per project whose scans are on, in its working hours on its working days."""
        ctx = self.ctx
        cal = await load_calendar(session)
        stored = await jobruns.project_settings(session)
        self.projects: dict[int, Project] = {}
        self.cfgs: dict[int, dict[str, Any]] = {}
        slots: dict[str, int] = {}
        for p in await common.all_projects(session):
            cfg = merged(stored.get(p.id))["risks"]
            local = ctx.local(p.timezone)
            start, end = cfg["hours"]
            if not cfg["enabled"] or not cal.is_workday(local.date()) or not start <= local.hour < end:
                continue
            slots[f"{local:%Y-%m-%dT%H}:{local.minute // 15}:{p.id}"] = p.id
            # The approval SLA is the approval policy's (one home: bot/domain/approvals.py); the risk switch is ours.
            cfg = {**cfg, "approval_sla_hours": approvals.effective(p)["sla_hours"] if cfg["approval_sla"] else None}
            self.projects[p.id], self.cfgs[p.id] = p, cfg
        return slots

    async def compute(self, due: dict[str, int]) -> None:
        """The facts read, the rules applied and the messages written, in a job worker process."""
        ctx, projects = self.ctx, self.projects
        self.info = {pid: ProjectInfo(pid, projects[pid].key, projects[pid].timezone, projects[pid].locale)
                     for pid in sorted(due.values())}
        request = Request(self.info, {pid: self.cfgs[pid] for pid in self.info}, ctx.now,
                          ctx.settings.default_locale, ctx.settings.working_hours)
        in_memory = ctx.db.sqlite and make_url(ctx.db.url).database in (None, "", ":memory:")  # nobody else sees it
        self.outcome = await (_compute_on(ctx.db, request) if in_memory else
                              ctx.process(compute, ctx.db.url, request))
        ctx.counters["worker_statements"] = ctx.counters.get("worker_statements", 0) + self.outcome.statements

    async def send(self, session: AsyncSession, won: dict[str, int]) -> steps.Rows:
        """Raise, resolve and tell for the projects this run claimed (`_write` enqueues its own messages: the
        first one of a project's day starts the thread the later ones go in)."""
        await _write(self.ctx, session, {pid: self.info[pid] for pid in set(won.values())}, self.outcome)
        return []

    def done(self) -> None:
        outcome = getattr(self, "outcome", None)
        if outcome is not None and isinstance(outcome.packed, Path):
            outcome.packed.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class ProjectInfo:
    id: int
    key: str
    timezone: str | None
    locale: str | None


@dataclass(frozen=True, slots=True)
class Request:
    projects: dict[int, ProjectInfo]
    cfgs: dict[int, dict[str, Any]]
    now: dt.datetime
    default_locale: str
    hours: WorkingHours = field(default_factory=WorkingHours)  # office hours, for the approval SLA


@dataclass(slots=True)
class Outcome:
    """What a scan found, ready to write: small, whatever the portfolio's size (but `packed`: one document,
    handed back as a file when it is big)."""

    packed: store.Packed  # the new risks as storage.risks.pack's JSON, or a file holding it (from a worker)
    raised: dict[int, int]  # per project: how many new risks
    cleared: dict[int, list[int]]  # per project: the ids of open risks that cleared
    texts: dict[int, tuple[str, list[int]]]  # per touched project: the message, the people it mentions
    pms: dict[int, list[int]]
    statements: int = 0


def compute(url: str, request: Request) -> Outcome:
    """The heavy part of a scan; runs in a job worker process (its own engine, read-only). Megabytes of new
    risks come back as a file (`storage.risks.spill`), which the caller removes."""
    outcome = asyncio.run(_compute(url, request))
    if isinstance(outcome.packed, str) and len(outcome.packed) > SPILL_OVER:
        outcome.packed = store.spill(outcome.packed)
    return outcome


SPILL_OVER = 1 << 20  # characters


async def _compute(url: str, request: Request) -> Outcome:
    db = Database(url)
    try:
        return await _compute_on(db, request)
    finally:
        await db.dispose()


async def _compute_on(db: Database, request: Request) -> Outcome:
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.sessions() as session:
            outcome = await _evaluate_all(session, request)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    outcome.statements = statements
    return outcome


async def _evaluate_all(session: Any, request: Request) -> Outcome:
    projects, cfgs, now = request.projects, request.cfgs, request.now
    cal = await load_calendar(session)
    days = {pid: now.astimezone(zone(p.timezone)).date() for pid, p in projects.items()}
    horizon = max(days.values()) + dt.timedelta(days=14)
    overrun = min((cfgs[pid]["overrun_pct"] for pid in projects if cfgs[pid]["overrun_pct"]), default=100.0)
    facts = await store.facts(session, sorted(projects), horizon=horizon, min_overrun=float(overrun))
    found = evaluate(facts, projects, cfgs, cal, now, request.hours)
    found += await contract_risks.found(session, sorted(projects), cfgs, cal, now, request.hours)  # issue 15
    open_ = await store.open_keys(session, list(projects))
    again = await store.resolved_on(session, days)  # raised and cleared earlier today: not raised again
    diff = _diff(found, open_, again, days)
    cleared = await store.details(session, diff.cleared_ids)
    new_by: dict[int, list[Found]] = defaultdict(list)
    for f in diff.fresh:
        new_by[f.project_id].append(f)
    cleared_by: dict[int, list[Any]] = defaultdict(list)
    for r in cleared:
        cleared_by[int(r.project_id)].append(r)
    touched = sorted(set(new_by) | set(cleared_by))
    members = await common.members(session, touched) if touched else []
    names = {m.person_id: m.name for m in members}
    pms: dict[int, list[int]] = defaultdict(list)
    for m in members:
        if m.role == "pm":
            pms[m.project_id].append(m.person_id)
    texts = _texts(projects, new_by, cleared_by, names, pms, request.default_locale)
    packed = store.pack([(f.project_id, f.rule, f.entity, days[f.project_id],
                          {"params": f.params, "owners": list(f.owners)}) for f in diff.fresh])
    return Outcome(packed, {pid: len(fs) for pid, fs in new_by.items()}, {pid: [int(r.id) for r in rs] for pid, rs in cleared_by.items()},
                   {pid: (text, sorted(m)) for pid, (text, m) in texts.items()}, dict(pms))


@dataclass(slots=True)
class _Diff:
    fresh: list[Found]
    cleared_ids: list[int]


def _diff(found: list[Found], open_: dict[store.Key, int], again: set[store.Key], days: dict[int, dt.date]) -> _Diff:
    """What to raise and what to resolve; pure."""
    current = {(f.project_id, f.rule, f.entity): f for f in found if f.project_id in days}
    fresh = [f for k, f in current.items() if k not in open_ and k not in again]
    cleared = sorted(i for k, i in open_.items() if k not in current)
    return _Diff(fresh, cleared)


def _texts(projects: dict[int, Any], new_by: dict[int, list[Found]], cleared_by: dict[int, list[Any]],
           names: dict[int, str], pms: dict[int, list[int]], default_locale: str) -> dict[int, tuple[str, set[int]]]:
    """Each touched project's message and the people it mentions; pure."""
    out: dict[int, tuple[str, set[int]]] = {}
    shown = rules.order(SHOWN)
    for pid in sorted(set(new_by) | set(cleared_by)):
        project = projects[pid]
        locale = project.locale or default_locale
        mention_ids: set[int] = set()
        lines = [t(locale, "risk.header", key=project.key, new=len(new_by.get(pid, [])),
                   resolved=len(cleared_by.get(pid, [])))]
        for f in sorted(new_by.get(pid, []), key=lambda f: (shown[f.rule], f.entity)):
            owners = list(f.owners) or pms.get(pid, [])
            mention_ids |= set(owners)
            who = " ".join(f"@{names.get(o, o)}" for o in owners)
            lines.append(f"• {t(locale, 'risk.' + f.rule, **f.params)} {who}".rstrip())
        for r in cleared_by.get(pid, []):
            lines.append("✅ " + t(locale, "risk.resolved", what=t(locale, "risk." + r.rule, **r.detail["params"])))
        out[pid] = "\n".join(lines), mention_ids
    return out


async def _write(ctx: JobContext, session: Any, projects: dict[int, ProjectInfo], outcome: Outcome) -> None:
    """Raise, resolve and tell, for the projects this process claimed."""
    days = {pid: ctx.local(p.timezone).date() for pid, p in projects.items()}
    if outcome.raised:
        packed = outcome.packed
        if not set(outcome.raised) <= set(projects):  # another process claimed some of the projects
            packed = await ctx.process(store.pack_only, packed, sorted(projects))
        try:
            await store.insert_packed(session, packed, now=ctx.now)
        finally:
            if isinstance(packed, Path) and packed != outcome.packed:  # pack_only's own file
                packed.unlink(missing_ok=True)
    await store.resolve(session, [i for pid in sorted(projects) for i in outcome.cleared.get(pid, [])],
                        now=ctx.now)
    touched = sorted(pid for pid in outcome.texts if pid in projects)
    if not touched:
        return
    pms = outcome.pms
    chats = await standups.project_chats(session, touched)
    threads = await store.day_threads(session, {pid: days[pid] for pid in touched})
    refs = await outbox.sent_refs(session, list(threads.values()))
    ids = await standups.identities(session, sorted(
        {i for pid in touched for i in outcome.texts[pid][1]} | {p for pid in touched for p in pms.get(pid, [])}))
    firsts: list[Outbound] = []  # the message to each project's first chat (its id starts the thread)
    rest: list[Outbound] = []
    for pid in touched:
        text, mention_ids = outcome.texts[pid]
        targets = chats.get(pid) or []
        if not targets:  # no chat bound: the PMs hear it directly
            rest += [common.dm(*to, text, job=SCAN) for to in (common.address(ids.get(p, {}))
                                                                for p in pms.get(pid, [])) if to]
            continue
        platform, chat = targets[0]
        people = [ids.get(i, {}) for i in mention_ids]
        mentions = sorted({i.get(platform) or next(iter(i.values())) for i in people if i})
        firsts.append(common.to_chat(platform, chat, text, thread=refs.get(threads.get(pid, 0)), mentions=mentions,
                                     job=SCAN))
        rest += [common.to_chat(p, c, text, mentions=mentions, job=SCAN) for p, c in targets[1:]]
    sent = await ctx.send(session, firsts, ids=True)
    await ctx.send(session, rest)
    started = [pid for pid in touched if chats.get(pid)]
    await store.set_threads(session, {pid: (days[pid], outbox_id) for pid, outbox_id in zip(started, sent, strict=True)
                                      if pid not in threads and pid in outcome.raised})
