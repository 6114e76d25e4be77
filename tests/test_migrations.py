"""The models and the Alembic migrations describe the same schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.migrate import current, head
from storage.models import Base


async def test_migrations_match_models(db_url: str) -> None:
    db = Database(db_url)
    try:
        def diff(connection: object) -> list[object]:
            ctx = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
            return list(compare_metadata(ctx, Base.metadata))

        async with db.engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert differences == [], f"models and migrations disagree: {differences}"
        assert await current(db.engine) == head()
    finally:
        await db.dispose()


async def test_the_migration_downgrades_and_upgrades_cleanly(db_url: str) -> None:
    from sqlalchemy import inspect

    from storage.migrate import downgrade, upgrade

    db = Database(db_url)
    try:
        await downgrade(db.engine, "base")
        async with db.engine.connect() as conn:
            left = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert left <= {"alembic_version"}
        await upgrade(db.engine)
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert {t.name for t in Base.metadata.sorted_tables} <= tables
        assert await current(db.engine) == head()
    finally:
        await db.dispose()
