"""Projects, memberships and chats."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, Membership, Person, Project


async def by_key(session: AsyncSession, key: str) -> Project | None:
    return (await session.scalars(select(Project).where(Project.key == key.upper()))).first()


async def all_keys(session: AsyncSession) -> list[str]:
    return list((await session.scalars(select(Project.key).order_by(Project.key))).all())


async def role(session: AsyncSession, project_id: int, person_id: int) -> str | None:
    stmt = select(Membership.role).where(Membership.project_id == project_id, Membership.person_id == person_id)
    return (await session.execute(stmt)).scalar_one_or_none()


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


async def next_task_seq(session: AsyncSession, project_id: int) -> int:
    """Reserve the next per-project task number; the row lock keeps keys unique across replicas."""
    stmt = (update(Project).where(Project.id == project_id)
            .values(next_task_seq=Project.next_task_seq + 1).returning(Project.next_task_seq))
    return int((await session.execute(stmt)).scalar_one()) - 1


async def chat(session: AsyncSession, platform: str, external_id: str, *, create: bool = True) -> Chat | None:
    row = (await session.scalars(select(Chat).where(
        Chat.platform == platform, Chat.external_id == external_id))).first()
    if row is None and create:
        row = Chat(platform=platform, external_id=external_id)
        session.add(row)
        await session.flush()
    return row


async def chats_of(session: AsyncSession, project_id: int) -> list[Chat]:
    return list((await session.scalars(select(Chat).where(Chat.project_id == project_id))).all())
