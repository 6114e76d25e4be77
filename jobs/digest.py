"""Daily digests at each reader's end of day: PMs and sponsors get their projects, the PMO the portfolio.
Each carries a chart: burndown (agile), milestone timeline (waterfall), portfolio status (PMO)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import t
from bot.core.outbound import Image
from bot.core.workdays import load_calendar
from bot.domain import metrics
from jobs import common, contract_digest, steps
from jobs.config import GRACE, merged, parse_time
from jobs.context import JobContext, due_slot
from storage import digest as store
from storage import jobruns, standups
from storage.metrics import Counts
from storage.models import Person, Project

logger = logging.getLogger(__name__)

DAILY = "digest.daily"
BURNDOWN_DAYS = 14
MAX_CHARTS = 3  # one person managing many projects gets the first three charts, not a wall of images


@dataclass(slots=True)
class Digest:
    slot: str
    to: tuple[str, str]
    text: str
    charts: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)  # fn name, args, kw


@dataclass(slots=True)
class Figures:
    """A project's metrics (bot/domain/metrics.py) and the counts behind its "today" lines."""

    metrics: metrics.Metrics
    counts: Counts
    capacity: float = 0.0  # today's planned hours: each working member's day


class Reader(NamedTuple):
    """What a digest slot is for: a reader, the day (theirs) it is for, and their timezone."""

    person: int
    day: dt.date
    tz: str


async def daily(ctx: JobContext) -> None:
    """Send each PM, sponsor and PMO their digest with a chart, at their end of day on working days."""
    await steps.run(ctx, Daily)


class Daily(steps.Steps[Reader]):
    """Who is due (`due`), what each digest says (`read`: a statement count that depends on neither tasks nor
    work logs nor readers), the charts (`compute`), one direct message and its images per reader (`send`)."""

    name = DAILY

    async def due(self, session: AsyncSession) -> dict[str, Reader]:
        """Each PM and sponsor of a project whose digest is on, and each PMO, whose digest time has come on a
        working day of theirs."""
        ctx = self.ctx
        self.cal = await load_calendar(session)
        stored = await jobruns.project_settings(session)
        self.projects = {p.id: p for p in await common.all_projects(session)}
        self.cfg = {pid: merged(stored.get(pid)) for pid in self.projects}  # a deep copy each: per project, not member
        default_cfg = merged(None)
        self.members = await common.members(session)
        self.pmo = {int(i): (n, tz, loc) for i, n, tz, loc in (await session.execute(
            select(Person.id, Person.display_name, Person.timezone, Person.locale).where(Person.is_pmo))).all()}
        self.readers: dict[int, list[common.Member]] = {}
        await asyncio.sleep(0)  # tens of thousands of memberships were just read: let the event loop through
        for m in self.members:
            if m.role == "pmo":
                self.pmo.setdefault(m.person_id, (m.name, m.timezone, m.locale))
            elif m.role in ("pm", "sponsor") and self.cfg.get(m.project_id, default_cfg)["digest"]["enabled"]:
                self.readers.setdefault(m.person_id, []).append(m)
        due: dict[str, Reader] = {}
        for n, (pid, info) in enumerate({**{p: (ms[0].name, ms[0].timezone, ms[0].locale)
                                             for p, ms in self.readers.items()}, **self.pmo}.items()):
            if n % 200 == 199:
                await asyncio.sleep(0)
            first = self.readers.get(pid, [None])[0]
            project = self.projects.get(first.project_id) if first else None
            tz = info[1] or (project.timezone if project else ctx.settings.default_tz)
            configured = (self.cfg.get(project.id, default_cfg) if project else default_cfg)["digest"]["time"]
            at = parse_time(configured) if configured else ctx.settings.workday_end
            day = due_slot(ctx.local(tz), at, GRACE["digest"])
            if day is not None and self.cal.is_workday(day):
                due[f"{day}:{pid}"] = Reader(pid, day, tz)
        return due

    async def read(self, session: AsyncSession, due: dict[str, Reader]) -> None:
        """Every figure the due digests show, read once for all of them, then each digest's text; a reader
        with no address to write to is dropped (and their slot not claimed)."""
        wanted = list(self.projects) if any(r.person in self.pmo for r in due.values()) else sorted(
            {m.project_id for r in due.values() for m in self.readers.get(r.person, [])})
        stats = await self._figures(session, wanted)
        approvals = await _waiting_approvals(session, wanted)
        ids = await standups.identities(session, [r.person for r in due.values()])
        chats = await standups.project_chats(session, wanted)
        milestones = await store.milestones(session, wanted)
        burndowns = await self._burndowns(session, due, milestones)
        today = max(r.day for r in due.values())  # the contracts section's day (the latest reader's)
        money = await contract_digest.read(session, wanted, today)  # issue 15: contracts, vendor scorecard
        self.plan: list[Digest] = []
        for n, (slot, reader) in enumerate(sorted(due.items())):
            if n % 20 == 19:
                await asyncio.sleep(0)  # thousands of readers: let the event loop through often
            digest = self._compose(slot, reader, ids, chats, stats, approvals, milestones, burndowns, money)
            if digest is None:
                del due[slot]
            else:
                self.plan.append(digest)

    async def _figures(self, session: AsyncSession, wanted: list[int]) -> dict[int, Figures]:
        """Every figure from the one home of the metrics, each project on its own clock and day; and the plan
        for today's hours: each working member's day."""
        figures, counts = await metrics.read(session, [self.projects[pid] for pid in wanted], now=self.ctx.now,
                                             cal=self.cal, hours=self.ctx.settings.working_hours)
        stats = {pid: Figures(figures[pid], counts[pid]) for pid in wanted}
        for m in self.members:
            if m.role in ("pm", "member", "vendor") and m.project_id in stats:
                stats[m.project_id].capacity += float(self.cfg[m.project_id]["risks"]["day_hours"] or 8)
        return stats

    async def _burndowns(self, session: AsyncSession, due: dict[str, Reader],
                         milestones: dict[int, list[tuple[str, dt.date, int]]]) -> dict[tuple[int, dt.date], list[int]]:
        """The burndown series the charts need, per reader's day (agile projects, and those with no milestone)."""
        burn: dict[dt.date, set[int]] = {}
        for r in due.values():
            for m in self.readers.get(r.person, [])[:MAX_CHARTS] if r.person not in self.pmo else []:
                if self.projects[m.project_id].methodology == "agile" or not milestones.get(m.project_id):
                    burn.setdefault(r.day, set()).add(m.project_id)
        return {(pid, day): series for day, pids in burn.items() for pid, series in
                (await store.burndowns(session, sorted(pids), _days(day))).items()}

    def _compose(self, slot: str, reader: Reader, ids: dict[int, dict[str, str]],
                 chats: dict[int, list[tuple[str, str]]], stats: dict[int, Figures], approvals: Approvals,
                 milestones: dict[int, list[tuple[str, dt.date, int]]],
                 burndowns: dict[tuple[int, dt.date], list[int]], money: contract_digest.Facts) -> Digest | None:
        """One reader's digest: the portfolio for the PMO, their projects for a PM or sponsor; then contracts."""
        pid, day = reader.person, reader.day
        mine = self.readers.get(pid, [])
        prefer = [plat for m in mine for plat, _ in chats.get(m.project_id, [])]
        to = common.address(ids.get(pid, {}), prefer)
        if to is None:
            return None
        info = self.pmo.get(pid) or (mine[0].name, mine[0].timezone, mine[0].locale)
        locale = info[2] or (self.projects[mine[0].project_id].locale if mine else self.ctx.settings.default_locale)
        if pid in self.pmo:
            digest = _portfolio(slot, to, locale, day, list(self.projects.values()), stats)
        else:
            digest = _projects(slot, to, locale, day, mine, self.projects, stats, approvals, milestones, burndowns,
                               self.cal.is_workday(day))
        extra = contract_digest.section(locale, list(self.projects) if pid in self.pmo else
                                        [m.project_id for m in mine], money, portfolio=pid in self.pmo)
        digest.text = "\n".join([digest.text, *extra])  # issue 15
        return digest

    async def compute(self, due: dict[str, Reader]) -> None:
        """Each distinct chart drawn once (a PM and a sponsor of one project see the same), in chart worker
        processes: off the event loop and off its GIL, outside any transaction."""
        specs: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {}
        for d in self.plan:
            for spec in d.charts:
                specs.setdefault(_key(spec), spec)
        drawn = dict(zip(specs, await self.ctx.render(list(specs.values())), strict=True))
        self.encoded = {k: base64.b64encode(png).decode() for k, png in drawn.items()}

    async def send(self, session: AsyncSession, won: dict[str, Reader]) -> steps.Rows:
        """Each reader's digest and its charts as direct messages."""
        rows = []
        for d in self.plan:
            if d.slot not in won:  # another process sent it meanwhile
                continue
            rows.append(common.dm(*d.to, d.text, job=DAILY))
            for i, spec in enumerate(d.charts):
                rows.append(common.dm(*d.to, "", job=DAILY, image=Image(
                    data=self.encoded[_key(spec)], filename=f"digest-{i + 1}.png", title=spec[1][0])))
        return rows


Approvals = dict[tuple[int, str], list[tuple[int, dict[str, Any]]]]  # (project, step's role) -> (position, request)


async def _waiting_approvals(session: AsyncSession, project_ids: list[int]) -> Approvals:
    """The pending approval steps of these projects by project and role, in order."""
    approvals: Approvals = {}
    for n, a in enumerate(await store.pending_approvals(session, project_ids)):
        approvals.setdefault((a["project_id"], a["role"]), []).append((n, a))
    return approvals


def _key(spec: tuple[str, tuple[Any, ...], dict[str, Any]]) -> str:
    name, args, kw = spec
    return repr((name, args, sorted(kw.items())))


def _portfolio(slot: str, to: tuple[str, str], locale: str, day: dt.date, projects: list[Project],
               stats: dict[int, Figures]) -> Digest:
    lines = [t(locale, "digest.portfolio", day=f"{day:%m-%d}", n=len(projects))]
    bars = []
    for p in projects:
        m = stats[p.id].metrics
        colour, why, params = metrics.rag(m)
        lines.append(t(locale, "digest.project_line", key=p.key, rag=t(locale, f"digest.rag_{colour}"),
                       why=t(locale, why, **params), **metrics.shown(m)))
        bars.append((p.key, m.completion or 0, colour))
    title = t(locale, "digest.chart_portfolio", day=f"{day:%m-%d}")
    d = Digest(slot, to, "\n".join(lines))
    d.charts.append(("portfolio", (title, bars[:40]), {"labels": {"x": t(locale, "digest.axis_completion")}}))
    return d


def _projects(slot: str, to: tuple[str, str], locale: str, day: dt.date, mine: list[common.Member],
              projects: dict[int, Project], stats: dict[int, Figures],
              approvals: Approvals,
              milestones: dict[int, list[tuple[str, dt.date, int]]],
              burndowns: dict[tuple[int, dt.date], list[int]], workday: bool) -> Digest:
    lines = []
    d = Digest(slot, to, "")
    # What waits on them, approvals first: requests whose current step is their role (never their own).
    roles = {(m.project_id, m.role) for m in mine}
    asked_by_them = {m.person_id for m in mine}
    waiting = [a for _, a in sorted(ia for key in roles for ia in approvals.get(key, ()))
               if a["requester_id"] not in asked_by_them]
    if waiting:
        lines.append(t(locale, "digest.waiting", n=len(waiting)))
        lines += [f"• CR-{a['id']} {a['summary'] or ''}".rstrip() for a in waiting[:10]]
    for m in mine:
        p, f = projects[m.project_id], stats[m.project_id]
        c, figures = f.counts, f.metrics
        colour, why, params = metrics.rag(figures)
        lines.append(t(locale, "digest.project", key=p.key, name=p.name, rag=t(locale, f"digest.rag_{colour}"),
                       why=t(locale, why, **params)))
        # One period for every "today" figure: the project's day (storage.metrics.Counts).
        lines.append(t(locale, "digest.changed", created=c.created_today, updated=c.updated_today,
                       logs=c.logs_today))
        lines.append(t(locale, "digest.hours", today=f"{c.hours_today:g}", plan=f"{f.capacity:g}" if workday else "0"))
        lines.append(t(locale, "digest.risks", new=c.risks_new, open=figures.at_risk, blocked=figures.blocked,
                       overdue=figures.overdue))
        lines.append(t(locale, "digest.metrics", **metrics.shown(figures)))
        if len(d.charts) < MAX_CHARTS:
            d.charts.append(_chart(p, locale, day, milestones.get(p.id, []), burndowns))
    d.text = t(locale, "digest.header", day=f"{day:%m-%d}") + "\n" + "\n".join(lines)
    return d


def _days(day: dt.date) -> list[dt.date]:
    return [day - dt.timedelta(days=i) for i in range(BURNDOWN_DAYS - 1, -1, -1)]


def _chart(p: Project, locale: str, day: dt.date, milestones: list[tuple[str, dt.date, int]],
           burndowns: dict[tuple[int, dt.date], list[int]]) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    if p.methodology == "agile" or not milestones:
        days = _days(day)
        remaining = burndowns[p.id, day]
        labels = {"actual": t(locale, "digest.axis_actual"), "ideal": t(locale, "digest.axis_ideal"),
                  "y": t(locale, "digest.axis_open")}
        return "burndown", (t(locale, "digest.chart_burndown", key=p.key), days, remaining), {"labels": labels}
    return "timeline", (t(locale, "digest.chart_timeline", key=p.key), milestones, day), {
        "labels": {"today": t(locale, "digest.axis_today")}}
