"""Risk alerts: rules with per-project thresholds, raised once per entity and day, resolved when they clear;
one threaded message per project per scan, with the owners mentioned."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url

from bot.core.i18n import t
from bot.core.outbound import Outbound
from bot.core.workdays import WorkCalendar, WorkingHours, load_calendar
from handlers import approvals, metrics
from jobs import common, contract_risks, trial_payables
from jobs.config import merged
from jobs.context import JobContext, zone
from storage import jobruns, outbox, standups
from storage import risks as store
from storage.db import Database
from storage.models import Project

logger = logging.getLogger(__name__)

SCAN = "risks.scan"
RULES = ("overdue", "due_soon", "blocked", "overrun", "milestone_slipped", "milestone_late_task", "milestone_slip",
         "approval_sla", "idle",
         *contract_risks.RULES)  # issue 15


@dataclass(frozen=True, slots=True)
class Found:
    project_id: int
    rule: str
    entity: str
    params: dict[str, Any]  # what the message says (i18n parameters)
    owners: tuple[int, ...]


def evaluate(facts: store.Facts, projects: dict[int, Any], cfgs: dict[int, dict[str, Any]],
             cal: WorkCalendar, now: dt.datetime, hours: WorkingHours | None = None) -> list[Found]:
    """Apply every rule to the facts; pure."""
    facts = store.materialize(facts)
    out: list[Found] = []
    local = {pid: now.astimezone(zone(p.timezone)) for pid, p in projects.items()}
    between = functools.lru_cache(maxsize=None)(cal.workdays_between)  # few distinct (from, to) pairs

    def key(f: store.TaskFact) -> str:
        return f"{projects[f.project_id].key}-{f.seq}"

    def task(f: store.TaskFact, rule: str, **params: Any) -> None:
        out.append(Found(f.project_id, rule, f"task:{f.id}", {"task": key(f), "title": f.title, **params},
                         tuple(facts.assignees.get(f.id, ()))))

    for f in facts.due:
        cfg, at = cfgs[f.project_id], local[f.project_id]
        overdue = metrics.is_overdue(f.status, f.due_date, f.due_time, at)
        if overdue and cfg["overdue"]:
            task(f, "overdue", due=f.due_date.isoformat() if f.due_date else "")
        elif not overdue and cfg["due_soon_workdays"] is not None and f.due_date is not None:
            within = between(at.date(), f.due_date) <= cfg["due_soon_workdays"]
            if within and (f.status == "todo" or f.progress < (cfg["due_soon_progress"] or 0)):
                task(f, "due_soon", due=f.due_date.isoformat(), progress=f.progress)
    for f in facts.blocked:
        limit = cfgs[f.project_id]["blocked_workdays"]
        today = local[f.project_id].date()
        since = f.updated_at.astimezone(zone(projects[f.project_id].timezone)).date()
        if limit is not None and between(since, today) > limit:
            task(f, "blocked", days=between(since, today))
    for f in facts.overrun:
        pct = cfgs[f.project_id]["overrun_pct"]
        if pct is not None and f.estimate and f.logged > f.estimate * pct / 100:
            task(f, "overrun", logged=f"{f.logged:g}", estimate=f"{f.estimate:g}",
                 pct=round(f.logged * 100 / f.estimate))
    for f in facts.idle:
        limit = cfgs[f.project_id]["idle_workdays"]
        today = local[f.project_id].date()
        last = f.last_log or f.updated_at.astimezone(zone(projects[f.project_id].timezone)).date()
        if limit is not None and between(last, today) >= limit:
            task(f, "idle", days=between(last, today))
    for m in facts.milestones:
        cfg, today = cfgs[m["project_id"]], local[m["project_id"]].date()
        if not cfg["milestone_slip"]:
            continue
        remaining = float(m["remaining"] or 0)
        days = max(0, between(today, m["due_date"]) + (1 if cal.is_workday(today) else 0))
        capacity = days * float(cfg["day_hours"] or 8) * max(1, int(m["people"] or 0))
        entity, due = f"milestone:{m['id']}", m["due_date"].isoformat()
        if m["due_date"] < today and m["open_tasks"]:  # its day has passed: it has slipped, not "may slip"
            out.append(Found(m["project_id"], "milestone_slipped", entity,
                             {"name": m["name"], "due": due, "open": int(m["open_tasks"])}, ()))
        elif m.get("late_tasks"):  # a task under it is planned to finish after it
            out.append(Found(m["project_id"], "milestone_late_task", entity,
                             {"name": m["name"], "due": due, "n": int(m["late_tasks"]),
                              "latest": m["latest_due"].isoformat()}, ()))
        elif remaining > capacity:
            out.append(Found(m["project_id"], "milestone_slip", entity,
                             {"name": m["name"], "due": due, "remaining": f"{remaining:g}",
                              "capacity": f"{capacity:g}"}, ()))
    for a in facts.approvals:
        sla = cfgs[a["project_id"]].get("approval_sla_hours")  # the project's approval policy, when on
        tz = zone(projects[a["project_id"]].timezone)
        started = a["started_at"]
        started = (started if started.tzinfo else started.replace(tzinfo=dt.UTC)).astimezone(tz)
        waited = cal.working_hours_between(started, local[a["project_id"]], hours)
        if sla is not None and waited > sla:
            out.append(Found(a["project_id"], "approval_sla", f"change:{a['id']}",
                             {"id": a["id"], "summary": a["summary"] or "", "hours": round(waited), "sla": sla,
                              "role": a["role"]}, ()))
    return out


async def scan(ctx: JobContext) -> None:
    """Scan every project in its working hours: raise new risks, resolve cleared ones, tell the project chat.

    What is due is read here (small); the facts are read, the rules applied and the messages written in a job
    worker process (`compute`: 10^5 rows of Python work that would stall the event loop even in a thread,
    since a busy thread keeps the GIL from the loop); then one transaction here claims the slots and writes
    what changed, in a number of statements that grows with neither tasks nor risks."""
    await trial_payables.run(ctx)  # issue 15.4: a trial run that ended releases its payments (own claims)
    async with ctx.reading() as session:
        cal = await load_calendar(session)
        stored = await jobruns.project_settings(session)
        projects: dict[int, Project] = {}
        cfgs: dict[int, dict[str, Any]] = {}
        slots: dict[str, int] = {}
        for p in await common.all_projects(session):
            cfg = merged(stored.get(p.id))["risks"]
            local = ctx.local(p.timezone)
            start, end = cfg["hours"]
            if not cfg["enabled"] or not cal.is_workday(local.date()) or not start <= local.hour < end:
                continue
            slots[f"{local:%Y-%m-%dT%H}:{local.minute // 15}:{p.id}"] = p.id
            # The approval SLA is the approval policy's (one home: handlers/approvals.py); the risk switch is ours.
            cfg = {**cfg, "approval_sla_hours": approvals.effective(p)["sla_hours"] if cfg["approval_sla"] else None}
            projects[p.id], cfgs[p.id] = p, cfg
        for slot in await jobruns.claimed(session, SCAN, list(slots)):  # another process did these already
            del slots[slot]
    if not slots:
        return
    info = {pid: ProjectInfo(pid, projects[pid].key, projects[pid].timezone, projects[pid].locale)
            for pid in sorted(slots.values())}
    request = Request(info, {pid: cfgs[pid] for pid in info}, ctx.now, ctx.settings.default_locale,
                      ctx.settings.working_hours)
    in_memory = ctx.db.sqlite and make_url(ctx.db.url).database in (None, "", ":memory:")  # no other process sees it
    outcome = await (_compute_on(ctx.db, request) if in_memory else ctx.process(compute, ctx.db.url, request))
    ctx.counters["worker_statements"] = ctx.counters.get("worker_statements", 0) + outcome.statements
    try:
        async with ctx.unit_of_work() as session:
            won = await ctx.claim(session, SCAN, list(slots))
            mine = {pid for s, pid in slots.items() if s in won}
            if mine:
                await _write(ctx, session, {pid: info[pid] for pid in mine}, outcome)
    finally:
        if isinstance(outcome.packed, Path):
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
    found += [Found(*f) for f in await contract_risks.found(session, sorted(projects), cfgs, cal, now,
                                                                 request.hours)]  # issue 15
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
    for pid in sorted(set(new_by) | set(cleared_by)):
        project = projects[pid]
        locale = project.locale or default_locale
        mention_ids: set[int] = set()
        lines = [t(locale, "risk.header", key=project.key, new=len(new_by.get(pid, [])),
                   resolved=len(cleared_by.get(pid, [])))]
        for f in sorted(new_by.get(pid, []), key=lambda f: (RULES.index(f.rule), f.entity)):
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
