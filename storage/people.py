"""People and their platform identities."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, exists, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import core
from storage.models import Base, Identity, Person

_BY_IDENTITY = (select(Person).join(Identity)
                .where(Identity.platform == bindparam("platform"), Identity.external_id == bindparam("ext")))


async def by_identity(session: AsyncSession, platform: str, external_id: str) -> Person | None:
    return (await session.scalars(_BY_IDENTITY, {"platform": platform, "ext": external_id})).first()


async def get_or_create(session: AsyncSession, *, platform: str, external_id: str, name: str = "",
                        locale: str | None = None, timezone: str | None = None,
                        email: str | None = None, pmo_if_first: bool = False) -> tuple[Person, bool]:
    """Return the person behind a platform user, creating them on first sight.

    `pmo_if_first`: someone writing to the bot in a database with nobody in it yet becomes the PMO.
    (People seeded by the admin CLI or mentioned in chat never get that by accident.)
    """
    person = await by_identity(session, platform, external_id)
    if person is not None:
        # Seeded by id (admin CLI) or seen before the profile was known: fill in what the platform says.
        if name and name != external_id and person.display_name == external_id:
            person.display_name = name[:200]
        for attr, value in (("email", email), ("timezone", timezone), ("locale", locale)):
            if value and getattr(person, attr) is None:
                setattr(person, attr, value)
        return person, False
    first = False
    if pmo_if_first:
        if session.get_bind().dialect.name == "postgresql":  # two first users at once: only one is PMO
            await session.execute(text("SELECT pg_advisory_xact_lock(7243001)"))
        first = not (await session.execute(select(exists().where(Person.id.is_not(None))))).scalar_one()
    # The same email on another platform is the same person: one person, two identities.
    same = (await session.scalars(select(Person).where(func.lower(Person.email) == email.lower())
                                  .order_by(Person.id).limit(1))).first() if email else None
    try:
        # A savepoint: when another event of the same new user wins the race, use their row.
        async with session.begin_nested():
            person = same or Person(display_name=(name or external_id)[:200], locale=locale, timezone=timezone,
                                    email=email, is_pmo=first)
            session.add(person)
            await session.flush()
            session.add(Identity(person_id=person.id, platform=platform, external_id=external_id,
                                 name=(name or external_id)[:200]))
            await session.flush()
    except IntegrityError:
        existing = await by_identity(session, platform, external_id)
        if existing is None:
            raise
        return existing, False
    return person, same is None


async def find(session: AsyncSession, platform: str, token: str) -> Person | None:
    """Resolve a mention: a platform id first, then a display or account name (case-insensitive)."""
    person = await by_identity(session, platform, token)
    if person is not None:
        return person
    low = token.lower()
    stmt = (
        select(Person).outerjoin(Identity)
        .where(or_(func.lower(Identity.name) == low, func.lower(Person.display_name) == low))
        .order_by(Person.id).limit(2)
    )
    found = list((await session.scalars(stmt)).unique().all())
    return found[0] if len(found) == 1 else None


async def lock(session: AsyncSession, person_id: int) -> None:
    """Serialise writes about one person (a row lock on PostgreSQL; SQLite has a single writer anyway)."""
    await session.execute(select(Person.id).where(Person.id == person_id).with_for_update())


_NAMES = select(Person.id, Person.display_name).where(Person.id.in_(bindparam("ids", expanding=True)))


async def display_names(session: AsyncSession, person_ids: list[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    conn = await core(session)
    return {pid: name for pid, name in (await conn.execute(_NAMES, {"ids": list(set(person_ids))})).all()}


async def external_ids(session: AsyncSession, person_ids: list[int], platform: str) -> dict[int, str]:
    """The id each person has on `platform` (falling back to any identity, then the display name)."""
    if not person_ids:
        return {}
    conn = await core(session)
    rows = (await conn.execute(_IDENTITIES, {"ids": list(set(person_ids))})).all()
    out: dict[int, str] = {}
    for pid, plat, ext in rows:
        if plat == platform or pid not in out:
            out[pid] = ext
    missing = [pid for pid in person_ids if pid not in out]
    if missing:
        names = await display_names(session, missing)
        out.update({pid: names.get(pid, str(pid)) for pid in missing})
    return out


_IDENTITIES = (select(Identity.person_id, Identity.platform, Identity.external_id)
               .where(Identity.person_id.in_(bindparam("ids", expanding=True))).order_by(Identity.id))


async def addresses(session: AsyncSession, person_ids: list[int], prefer: str) -> dict[int, tuple[str, str]]:
    """Where to reach each person: (platform, id), on `prefer` when they are there, else where first seen.
    People with no identity at all (seeded by name) are left out."""
    if not person_ids:
        return {}
    conn = await core(session)
    out: dict[int, tuple[str, str]] = {}
    for pid, plat, ext in (await conn.execute(_IDENTITIES, {"ids": list(set(person_ids))})).all():
        if plat == prefer or pid not in out:
            out[pid] = (plat, ext)
    return out


async def link(session: AsyncSession, person: Person, platform: str, external_id: str) -> int | None:
    """Give `person` the identity (platform, external_id), e.g. their Feishu account next to their Slack one.

    When that identity is already another person's record and the record holds nothing but identities (the
    bot saw them once, or an admin named them), the record is folded into `person`; its id is returned.
    A record with data of its own (tasks, hours, memberships...) is not merged: LinkRefused names the tables.
    """
    other = await by_identity(session, platform, external_id)
    if other is None:
        session.add(Identity(person_id=person.id, platform=platform, external_id=external_id, name=external_id))
        await session.flush()
        return None
    if other.id == person.id:
        return None
    used = []
    for table in Base.metadata.sorted_tables:
        if table.name == Identity.__tablename__:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == Person.__tablename__:
                hit = await session.execute(select(fk.parent).where(fk.parent == other.id).limit(1))
                if hit.first() is not None:
                    used.append(table.name)
    if used:
        raise LinkRefused(sorted(set(used)))
    await session.execute(update(Identity).where(Identity.person_id == other.id).values(person_id=person.id))
    for attr in ("email", "timezone", "locale"):
        if getattr(person, attr) is None and getattr(other, attr) is not None:
            setattr(person, attr, getattr(other, attr))
    person.is_pmo = person.is_pmo or other.is_pmo
    await session.execute(delete(Person).where(Person.id == other.id))
    await session.flush()
    return other.id


class LinkRefused(Exception):
    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables


async def languages(session: AsyncSession, person_ids: list[int]) -> dict[int, str]:
    """Each person's language: chosen (or given by their platform), else the one they last wrote in."""
    if not person_ids:
        return {}
    rows = await session.execute(select(Person.id, Person.locale, Person.seen_locale)
                                 .where(Person.id.in_(list(set(person_ids)))))
    return {pid: str(locale or seen) for pid, locale, seen in rows.all() if locale or seen}
