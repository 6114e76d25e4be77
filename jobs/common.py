"""Helpers the jobs share: who to write to on which platform, mentions, project rows, working days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.outbound import Image, Kind, Outbound, Ref
from bot.core.workdays import WorkCalendar
from storage.models import Membership, Person, Project


@dataclass(frozen=True, slots=True)
class Member:
    project_id: int
    person_id: int
    role: str
    name: str
    timezone: str | None
    locale: str | None


async def all_projects(session: AsyncSession) -> list[Project]:
    """The projects the jobs work for: every one not archived (an archived one gets no standup, risk scan,
    digest or weekly report)."""
    stmt = select(Project).where(Project.archived_at.is_(None)).order_by(Project.key)
    return list((await session.scalars(stmt)).all())


async def members(session: AsyncSession, project_ids: Sequence[int] | None = None) -> list[Member]:
    """Every membership of a project not archived, with the person's name, timezone and locale (one SELECT)."""
    stmt = (select(Membership.project_id, Membership.person_id, Membership.role, Person.display_name,
                   Person.timezone, Person.locale)
            .join(Person, Person.id == Membership.person_id)
            .join(Project, Project.id == Membership.project_id).where(Project.archived_at.is_(None))
            .order_by(Membership.project_id, Person.display_name))
    if project_ids is not None:
        stmt = stmt.where(Membership.project_id.in_(list(project_ids)))
    return [Member(int(p), int(u), r, n, tz, loc) for p, u, r, n, tz, loc in (await session.execute(stmt)).all()]


def address(ids: dict[str, str], prefer: Sequence[str] = ()) -> tuple[str, str] | None:
    """(platform, user id) to write to: a platform the project's chats use, else the person's first account."""
    for platform in prefer:
        if platform in ids:
            return platform, ids[platform]
    return next(iter(ids.items()), None)


def dm(platform: str, user: str, text: str, *, job: str | None = None, image: Image | None = None,
       mentions: Sequence[str] = ()) -> Outbound:
    """A direct message (an image, when there is one: its caption is `text`)."""
    return Outbound(platform=platform, kind=Kind.IMAGE if image is not None else Kind.MESSAGE, text=text, user=user,
                    job=job, image=image, mentions=tuple(mentions))


def to_chat(platform: str, chat: str, text: str, *, thread: str | None = None, job: str | None = None,
            mentions: Sequence[str] = ()) -> Outbound:
    """A message to a chat, in the thread of the message with that platform id when `thread` is given."""
    return Outbound(platform=platform, text=text, chat=chat, thread=Ref(id=thread) if thread else None, job=job,
                    mentions=tuple(mentions))


def is_standup_day(cal: WorkCalendar, day: dt.date, days: Any) -> bool:
    """`workdays`: the working calendar (holidays off, make-up workdays on); a list: those ISO weekdays,
    holidays still off."""
    if days == "workdays" or not isinstance(days, list):
        return cal.is_workday(day)
    return day.isoweekday() in days and cal.describe(day).kind != "holiday"


def locale_of(person_locale: str | None, project_locale: str | None, default: str) -> str:
    return person_locale or project_locale or default
