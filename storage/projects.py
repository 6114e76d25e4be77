"""Projects, memberships and chats."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import Chat, Membership, Milestone, Person, Project


async def by_key(session: AsyncSession, key: str) -> Project | None:
    return (await session.scalars(select(Project).where(Project.key == key.upper()))).first()


async def all_keys(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Project.key).order_by(Project.key))).all())


_ROLE = select(Membership.role).where(Membership.project_id == bindparam("project"),
                                     Membership.person_id == bindparam("person"))
_NEXT_SEQ = (update(Project).where(Project.id == bindparam("project"))
             .values(next_task_seq=Project.next_task_seq + 1).returning(Project.next_task_seq))
_CHAT = select(Chat).where(Chat.platform == bindparam("platform"), Chat.external_id == bindparam("ext"))


async def role(session: AsyncSession, project_id: int, person_id: int) -> str | None:
    conn = await core(session)
    return (await conn.execute(_ROLE, {"project": project_id, "person": person_id})).scalar_one_or_none()


async def memberships(session: AsyncSession, person_id: int) -> list[tuple[Project, str]]:
    stmt = (select(Project, Membership.role).join(Membership, Membership.project_id == Project.id)
            .where(Membership.person_id == person_id).order_by(Project.key))
    return [(p, r) for p, r in (await session.execute(stmt)).all()]


async def members(session: AsyncSession, project_id: int) -> list[tuple[Person, str]]:
    stmt = (select(Person, Membership.role).join(Membership, Membership.person_id == Person.id)
            .where(Membership.project_id == project_id).order_by(Person.display_name))
    return [(p, r) for p, r in (await session.execute(stmt)).all()]


async def set_role(session: AsyncSession, project_id: int, person_id: int, new_role: str) -> str | None:
    """Add the member or change their role; return the previous role (None when new)."""
    row = (await session.scalars(select(Membership).where(
        Membership.project_id == project_id, Membership.person_id == person_id))).first()
    if row is None:
        session.add(Membership(project_id=project_id, person_id=person_id, role=new_role))
        await session.flush()
        return None
    old = row.role
    row.role = new_role
    await session.flush()
    return old


async def remove_role(session: AsyncSession, project_id: int, person_id: int) -> str | None:
    """Take the person off the project; return the role they had (None: they were not a member)."""
    row = (await session.scalars(select(Membership).where(
        Membership.project_id == project_id, Membership.person_id == person_id))).first()
    if row is None:
        return None
    old = row.role
    await session.delete(row)
    await session.flush()
    return old


async def next_task_seq(session: AsyncSession, project_id: int) -> int:
    """Reserve the next per-project task number; the row lock keeps keys unique across replicas."""
    conn = await core(session)
    return int((await conn.execute(_NEXT_SEQ, {"project": project_id})).scalar_one()) - 1


async def chat(session: AsyncSession, platform: str, external_id: str, *, create: bool = True) -> Chat | None:
    row = (await session.scalars(_CHAT, {"platform": platform, "ext": external_id})).first()
    if row is None and create:
        try:
            async with session.begin_nested():  # another event may create the same chat concurrently
                row = Chat(platform=platform, external_id=external_id)
                session.add(row)
                await session.flush()
        except IntegrityError:
            row = (await session.scalars(_CHAT, {"platform": platform, "ext": external_id})).first()
    return row


async def milestone_by_name(session: AsyncSession, project_id: int, name: str) -> Milestone | None:
    stmt = select(Milestone).where(Milestone.project_id == project_id, Milestone.name == name).limit(1)
    return (await session.scalars(stmt)).first()
