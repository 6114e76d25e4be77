"""Risk alerts: rules with per-project thresholds, raised once per entity and day, resolved when they clear;
one threaded message per project per scan, with the owners mentioned."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bot.i18n import t
from handlers.workdays import WorkCalendar, load_calendar
from jobs import common
from jobs.config import merged
from jobs.context import JobContext, zone
from storage import jobruns, standups
from storage import risks as store
from storage.models import Project

logger = logging.getLogger(__name__)

SCAN = "risks.scan"
RULES = ("overdue", "due_soon", "blocked", "overrun", "milestone_slip", "approval_sla", "idle")


@dataclass(frozen=True, slots=True)
class Found:
    project_id: int
    rule: str
    entity: str
    params: dict[str, Any]  # what the message says (i18n parameters)
    owners: tuple[int, ...]


def evaluate(facts: store.Facts, projects: dict[int, Project], cfgs: dict[int, dict[str, Any]],
             cal: WorkCalendar, now: dt.datetime) -> list[Found]:
    """Apply every rule to the facts; pure (runs in a worker thread for big portfolios)."""
    out: list[Found] = []
    local = {pid: now.astimezone(zone(p.timezone)) for pid, p in projects.items()}

    def key(f: store.TaskFact) -> str:
        return f"{projects[f.project_id].key}-{f.seq}"

    def task(f: store.TaskFact, rule: str, **params: Any) -> None:
        out.append(Found(f.project_id, rule, f"task:{f.id}", {"task": key(f), "title": f.title, **params},
                         tuple(facts.assignees.get(f.id, ()))))

    for f in facts.due:
        cfg, at = cfgs[f.project_id], local[f.project_id]
        overdue = f.due_date is not None and (f.due_date < at.date() or (
            f.due_date == at.date() and f.due_time is not None and f.due_time < at.time()))
        if overdue and cfg["overdue"]:
            task(f, "overdue", due=f.due_date.isoformat() if f.due_date else "")
        elif not overdue and cfg["due_soon_workdays"] is not None and f.due_date is not None:
            within = cal.workdays_between(at.date(), f.due_date) <= cfg["due_soon_workdays"]
            if within and (f.status == "todo" or f.progress < (cfg["due_soon_progress"] or 0)):
                task(f, "due_soon", due=f.due_date.isoformat(), progress=f.progress)
    for f in facts.blocked:
        limit = cfgs[f.project_id]["blocked_workdays"]
        today = local[f.project_id].date()
        since = f.updated_at.astimezone(zone(projects[f.project_id].timezone)).date()
        if limit is not None and cal.workdays_between(since, today) > limit:
            task(f, "blocked", days=cal.workdays_between(since, today))
    for f in facts.overrun:
        pct = cfgs[f.project_id]["overrun_pct"]
        if pct is not None and f.estimate and f.logged > f.estimate * pct / 100:
            task(f, "overrun", logged=f"{f.logged:g}", estimate=f"{f.estimate:g}",
                 pct=round(f.logged * 100 / f.estimate))
    for f in facts.idle:
        limit = cfgs[f.project_id]["idle_workdays"]
        today = local[f.project_id].date()
        last = f.last_log or f.updated_at.astimezone(zone(projects[f.project_id].timezone)).date()
        if limit is not None and cal.workdays_between(last, today) >= limit:
            task(f, "idle", days=cal.workdays_between(last, today))
    for m in facts.milestones:
        cfg, today = cfgs[m["project_id"]], local[m["project_id"]].date()
        if not cfg["milestone_slip"]:
            continue
        remaining = float(m["remaining"] or 0)
        days = max(0, cal.workdays_between(today, m["due_date"]) + (1 if cal.is_workday(today) else 0))
        capacity = days * float(cfg["day_hours"] or 8) * max(1, int(m["people"] or 0))
        if (m["due_date"] < today and m["open_tasks"]) or remaining > capacity:
            out.append(Found(m["project_id"], "milestone_slip", f"milestone:{m['id']}",
                             {"name": m["name"], "due": m["due_date"].isoformat(), "remaining": f"{remaining:g}",
                              "capacity": f"{capacity:g}"}, ()))
    for a in facts.approvals:
        sla = cfgs[a["project_id"]]["approval_sla_workdays"]
        tz = zone(projects[a["project_id"]].timezone)
        waited = cal.workdays_between(a["created_at"].astimezone(tz).date(), local[a["project_id"]].date())
        if sla is not None and waited > sla:
            out.append(Found(a["project_id"], "approval_sla", f"change:{a['id']}",
                             {"id": a["id"], "summary": a["summary"] or "", "days": waited}, ()))
    return out


async def scan(ctx: JobContext) -> None:
    """Scan every project in its working hours: raise new risks, resolve cleared ones, tell the project chat."""
    async with ctx.unit_of_work() as session:
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
            projects[p.id], cfgs[p.id] = p, cfg
        won = await ctx.claim(session, SCAN, list(slots))
        projects = {pid: projects[pid] for s, pid in slots.items() if s in won}
        if not projects:
            return
        horizon = max(ctx.local(p.timezone).date() for p in projects.values()) + dt.timedelta(days=14)
        overrun = min((c["overrun_pct"] for pid, c in cfgs.items() if pid in projects and c["overrun_pct"]),
                      default=100.0)
        facts = await store.facts(session, list(projects), horizon=horizon, min_overrun=float(overrun))
        found = await ctx.offload(evaluate, facts, projects, cfgs, cal, ctx.now)
        await _reconcile(ctx, session, projects, found)


async def _reconcile(ctx: JobContext, session: Any, projects: dict[int, Project], found: list[Found]) -> None:
    days = {pid: ctx.local(p.timezone).date() for pid, p in projects.items()}
    current = {(f.project_id, f.rule, f.entity): f for f in found}
    open_rows = await store.open_risks(session, list(projects))
    known = {(r.project_id, r.rule, r.entity) for r in open_rows}
    cleared = [r for r in open_rows if (r.project_id, r.rule, r.entity) not in current]
    await store.resolve(session, [r.id for r in cleared], now=ctx.now)
    fresh = [f for k, f in current.items() if k not in known]
    raised = await store.raise_risks(session, [
        {"project_id": f.project_id, "rule": f.rule, "entity": f.entity, "raised_on": days[f.project_id],
         "raised_at": ctx.now, "detail": {"params": f.params, "owners": list(f.owners)}} for f in fresh])
    fresh = [f for f in fresh if (f.rule, f.entity) in raised]
    new_by: dict[int, list[Found]] = defaultdict(list)
    for f in fresh:
        new_by[f.project_id].append(f)
    cleared_by: dict[int, list[Any]] = defaultdict(list)
    for r in cleared:
        cleared_by[r.project_id].append(r)
    touched = sorted(set(new_by) | set(cleared_by))
    if not touched:
        return
    members = await common.members(session, touched)
    names = {m.person_id: m.name for m in members}
    pms = defaultdict(list)
    for m in members:
        if m.role == "pm":
            pms[m.project_id].append(m.person_id)
    chats = await standups.project_chats(session, touched)
    threads = await store.day_threads(session, {pid: days[pid] for pid in touched})
    refs = await jobruns.sent_refs(session, list(threads.values()))
    for pid in touched:
        project = projects[pid]
        locale = project.locale or ctx.settings.default_locale
        mention_ids: set[int] = set()
        lines = [t(locale, "risk.header", key=project.key, new=len(new_by[pid]), resolved=len(cleared_by[pid]))]
        for f in sorted(new_by[pid], key=lambda f: (RULES.index(f.rule), f.entity)):
            owners = list(f.owners) or pms[pid]
            mention_ids |= set(owners)
            who = " ".join(f"@{names.get(o, o)}" for o in owners)
            lines.append(f"• {t(locale, 'risk.' + f.rule, **f.params)} {who}".rstrip())
        for r in cleared_by[pid]:
            lines.append("✅ " + t(locale, "risk.resolved", what=t(locale, "risk." + r.rule, **r.detail["params"])))
        text = "\n".join(lines)
        ids = await standups.identities(session, sorted(mention_ids))
        targets = chats.get(pid) or []
        if not targets:  # no chat bound: the PMs hear it directly
            rows = [common.dm(*to, text, job=SCAN) for to in (common.address(ids.get(p, {})) for p in pms[pid]) if to]
            await ctx.send(session, rows)
            continue
        platform, chat = targets[0]
        thread = refs.get(threads.get(pid, 0))
        mentions = sorted({i.get(platform) or next(iter(i.values())) for i in ids.values() if i})
        sent = await ctx.send(session, [common.to_chat(platform, chat, text, thread=thread, mentions=mentions,
                                                       job=SCAN)], ids=True)
        await ctx.send(session, [common.to_chat(p, c, text, mentions=mentions, job=SCAN) for p, c in targets[1:]])
        if pid not in threads and sent and new_by[pid]:
            await store.set_thread(session, pid, days[pid], sent[0])
