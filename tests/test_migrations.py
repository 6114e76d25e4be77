"""The models and the Alembic migrations describe the same schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import Database
from storage.migrate import current
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
        assert await current(db.engine) == "0001"
    finally:
        await db.dispose()


async def test_a_model_change_without_migration_is_caught(db_url: str) -> None:
    from sqlalchemy import Column, MetaData, String, Table

    extra = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(extra)
    Table("tasks", extra, Column("sprint", String(20)), extend_existing=True)
    db = Database(db_url)
    try:
        def diff(connection: object) -> list[object]:
            ctx = MigrationContext.configure(connection)  # type: ignore[arg-type]
            return list(compare_metadata(ctx, extra))

        async with db.engine.connect() as conn:
            differences = await conn.run_sync(diff)
        assert any("sprint" in str(d) for d in differences)
    finally:
        await db.dispose()
