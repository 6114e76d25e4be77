"""Standups: each member's question at their own local time, then one summary per project chat."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import t
from bot.core.workdays import load_calendar
from bot.domain.standups import belonging
from jobs import common, steps
from jobs.config import GRACE, merged, parse_time
from jobs.context import JobContext, due_slot, zone
from storage import jobruns, standups, tasks
from storage.models import Project, StandupEntry

logger = logging.getLogger(__name__)

PROMPT, SUMMARY = "standup.prompt", "standup.summary"
QUESTIONS = ("standup.q_yesterday", "standup.q_today", "standup.q_blockers")


async def prompts(ctx: JobContext) -> None:
    """Ask each member for their standup when it is their standup time, on their working days, unless away."""
    await steps.run(ctx, Prompts)


Asked = tuple[common.Member, dt.date]  # a member of a project, and the day they are asked for


class Prompts(steps.Steps[Asked]):
    name = PROMPT
    one_transaction = True

    async def due(self, session: AsyncSession) -> dict[str, Asked]:
        """`day:project:person` of each member whose standup time has come on a standup day, not on leave."""
        ctx = self.ctx
        self.cal = await load_calendar(session)
        self.stored = await jobruns.project_settings(session)
        self.projects = {p.id: p for p in await common.all_projects(session)}
        due: list[Asked] = []
        for m in await common.members(session):
            project = self.projects[m.project_id]
            cfg = merged(self.stored.get(m.project_id))["standup"]
            if not cfg["enabled"] or m.role not in cfg["roles"]:
                continue
            local = ctx.local(m.timezone or project.timezone)
            day = due_slot(local, parse_time(cfg["time"]), GRACE["standup"])
            if day is not None and common.is_standup_day(self.cal, day, cfg["days"]):
                due.append((m, day))
        if not due:
            return {}
        away = await standups.on_leave(session, [m.person_id for m, _ in due], min(d for _, d in due),
                                       max(d for _, d in due))
        due = [(m, d) for m, d in due if not any(a <= d <= b for a, b in away.get(m.person_id, []))]
        return dict(sorted({f"{d}:{m.project_id}:{m.person_id}": (m, d) for m, d in due}.items()))

    async def send(self, session: AsyncSession, won: dict[str, Asked]) -> steps.Rows:
        """One message per person, naming each project they are asked for; the prompts marked asked."""
        ctx, projects, due = self.ctx, self.projects, list(won.values())
        await standups.mark_asked(session, [(m.project_id, m.person_id, d) for m, d in due], now=ctx.now)
        ids = await standups.identities(session, [m.person_id for m, _ in due])
        chats = await standups.project_chats(session, list({m.project_id for m, _ in due}))
        stored_by_person: dict[int, list[Asked]] = defaultdict(list)
        for m, d in due:
            stored_by_person[m.person_id].append((m, d))
        rows = []
        for person_id, items in stored_by_person.items():
            first, day = items[0]
            project = projects[first.project_id]
            to = common.address(ids.get(person_id, {}), [p for p, _ in chats.get(first.project_id, [])])
            if to is None:
                continue
            locale = common.locale_of(first.locale, project.locale, ctx.settings.default_locale)
            cfg = merged(self.stored.get(first.project_id))["standup"]
            rows.append(common.dm(*to, _prompt_text(locale, first.name, [projects[m.project_id] for m, _ in items],
                                                     cfg["questions"], makeup=self.cal.is_makeup_workday(day)),
                                  job=PROMPT))
        logger.info("standup prompts sent=%s", len(rows))
        return rows


def _prompt_text(locale: str, name: str, projects: list[Project], questions: list[str], *, makeup: bool) -> str:
    keys = ", ".join(p.key for p in projects)
    asked = questions or [t(locale, q) for q in QUESTIONS]
    lines = [t(locale, "standup.prompt", name=name, projects=keys)]
    lines += [f"{i}. {q}" for i, q in enumerate(asked, 1)]
    if makeup:
        lines.append(t(locale, "standup.makeup_day"))
    lines.append(t(locale, "standup.how"))
    return "\n".join(lines)


async def summaries(ctx: JobContext) -> None:
    """Post each project's standup summary to its chats at the project's summary time."""
    await steps.run(ctx, Summaries)


class Summaries(steps.Steps[int]):
    name = SUMMARY
    one_transaction = True

    async def due(self, session: AsyncSession) -> dict[str, int]:
        """`day:project` of each project whose summary time has come and whose last day holds standup entries."""
        ctx = self.ctx
        stored = await jobruns.project_settings(session)
        self.windows: dict[int, tuple[Project, dt.date, dt.datetime]] = {}
        for project in await common.all_projects(session):
            cfg = merged(stored.get(project.id))["standup"]
            if not cfg["enabled"]:
                continue
            at = parse_time(cfg["summary_time"])
            day = due_slot(ctx.local(project.timezone), at, GRACE["summary"])
            if day is not None:
                moment = dt.datetime.combine(day, at, tzinfo=zone(project.timezone)).astimezone(dt.UTC)
                self.windows[project.id] = (project, day, moment)
        if not self.windows:
            return {}
        since = min(m for _, _, m in self.windows.values()) - dt.timedelta(hours=24)
        self.entries: dict[int, list[StandupEntry]] = defaultdict(list)
        for e in await standups.in_window(session, list(self.windows), since):
            _, _, moment = self.windows[e.project_id]
            stamp = e.asked_at or e.answered_at
            if stamp is not None and moment - dt.timedelta(hours=24) < stamp <= moment:
                self.entries[e.project_id].append(e)
        return dict(sorted({f"{self.windows[pid][1]}:{pid}": pid for pid in self.entries}.items()))

    async def send(self, session: AsyncSession, won: dict[str, int]) -> steps.Rows:
        """The summary to every chat of the project, with the people it names mentioned; the PMs directly
        when no chat is bound."""
        ctx, todo = self.ctx, list(won.values())
        people = {m.person_id: m for m in await common.members(session, todo)}
        chats = await standups.project_chats(session, todo)
        rows = []
        for pid in todo:
            project, day, _ = self.windows[pid]
            text, mentions = await _summary_text(session, project, day, self.entries[pid], people,
                                                 project.locale or ctx.settings.default_locale)
            ids = await standups.identities(session, list(mentions))
            targets = chats.get(pid) or []
            platform = targets[0][0] if targets else ""
            refs = sorted({ids[p].get(platform) or next(iter(ids[p].values())) for p in mentions if ids.get(p)})
            if targets:
                rows += [common.to_chat(plat, chat, text, mentions=refs, job=SUMMARY) for plat, chat in targets]
            else:  # no chat bound: the PMs get it directly
                pm_ids = await standups.identities(session, [m.person_id for m in people.values()
                                                             if m.project_id == pid and m.role == "pm"])
                rows += [common.dm(*to, text, job=SUMMARY) for to in
                         (common.address(i) for i in pm_ids.values()) if to]
        return rows


async def _summary_text(session: AsyncSession, project: Project, day: dt.date, entries: list[StandupEntry],
                        people: dict[int, common.Member], locale: str) -> tuple[str, set[int]]:
    def name(pid: int) -> str:
        return people[pid].name if pid in people else str(pid)

    answered = [e for e in entries if e.answered_at is not None]
    missing = sorted((e for e in entries if e.answered_at is None), key=lambda e: name(e.person_id))
    lines = [t(locale, "standup.summary", key=project.key, day=f"{day:%m-%d}", answered=len(answered),
               total=len(entries))]
    mentions: set[int] = set()
    for e in sorted(answered, key=lambda e: name(e.person_id)):
        lines.append(f"• {name(e.person_id)}: " + t(locale, "standup.line", yesterday=_short(e.yesterday),
                                                   today=_short(e.today)))
    # Only what belongs to this project (an answer stored before blockers were split by project may hold others').
    blockers = [(e.person_id, item) for e in answered
                for item in belonging((e.blockers or {}).get("items", []), project.key)]
    if blockers:
        lines.append(t(locale, "standup.blockers"))
        for pid, item in blockers:
            owners: list[int] = []
            for key in item.get("tasks", []):
                found = await tasks.by_key(session, key)
                if found is not None and found[1].id == project.id:
                    owners += (await tasks.assignees(session, [found[0].id])).get(found[0].id, [])
            owners = [o for o in dict.fromkeys(owners) if o != pid]
            mentions |= {pid, *owners}
            extra = (" → " + " ".join(f"@{name(o)}" for o in owners)) if owners else ""
            lines.append(f"• @{name(pid)}: {item.get('text', '')}{extra}")
    if missing:
        lines.append(t(locale, "standup.missing", names=", ".join(name(e.person_id) for e in missing)))
    return "\n".join(lines), mentions


def _short(text: str | None, limit: int = 80) -> str:
    if not text:
        return "-"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
