"""Engine creation and the unit of work. One session per event or job run; only this module commits."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import BigInteger, String, any_, bindparam, event, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool

from storage import sqlite_checkpoint, sqlite_inline

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///pmo-bot.db"


def async_url(url: str) -> str:
    """Accept plain `sqlite:///path` and `postgresql://...` URLs and pick the async driver."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
    name = driver.get(parsed.drivername, parsed.drivername)
    if parsed.drivername == "postgresql+psycopg2":
        name = "postgresql+asyncpg"
    return parsed.set(drivername=name).render_as_string(hide_password=False)


def is_sqlite(engine_or_url: AsyncEngine | str) -> bool:
    name = engine_or_url.dialect.name if isinstance(engine_or_url, AsyncEngine) else make_url(engine_or_url).get_backend_name()
    return name == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL + NORMAL: durable enough for a bot, and readers never block the writer.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=2000")  # short: with the inline driver a wait blocks the loop
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def inline_sqlite(url: str) -> bool:
    """Whether this SQLite URL gets the inline driver (statements on the event loop)."""
    database = make_url(url).database
    return (is_sqlite(url) and os.environ.get("SQLITE_DRIVER", "inline") == "inline" and bool(database)
            and database != ":memory:")


def create_engine(url: str, *, echo: bool = False, threaded: bool = False, pool_size: int = 1) -> AsyncEngine:
    """`threaded`: on SQLite, the aiosqlite driver (each statement in its thread) whatever SQLITE_DRIVER says."""
    full = async_url(url)
    if is_sqlite(full):
        # SQLite wants exactly one writer connection: several pooled writers push p99 to ~0.9 s
        # (performance-facts.md). The Database lock below serialises units of work on it.
        extra: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if not threaded and inline_sqlite(full):
            extra = {"async_creator": sqlite_inline.creator(make_url(full).database or "")}
        engine = create_async_engine(
            full, echo=echo, poolclass=AsyncAdaptedQueuePool, pool_size=pool_size, max_overflow=0, **extra,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(full, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


async def core(session: AsyncSession) -> AsyncConnection:
    """The session's connection for a prebuilt Core statement (about half the cost of session.execute here).

    Pending ORM changes are flushed first so the statement sees them, as autoflush would.
    """
    if session.new or session.dirty or session.deleted:
        await session.flush()
    return await session.connection()


def one_of(column: Any, ids: Sequence[int], dialect: str) -> Any:
    """`column IN ids` as one bound value however many ids: a BIGINT array on PostgreSQL, a JSON array read by
    json_each on SQLite. An IN list binds one parameter per id (drivers stop at 32,767) and SQLAlchemy re-renders
    the statement for each list, on the event loop, in time that grows with the list."""
    ordered = sorted(set(ids))
    if dialect == "postgresql":
        return column == any_(bindparam(None, ordered, type_=ARRAY(BigInteger)))
    return column.in_(select(literal_column("value")).select_from(
        func.json_each(bindparam(None, json.dumps(ordered), type_=String))).scalar_subquery())


_SQLITE_FULL, _SQLITE_IOERR, _SQLITE_BUSY = 13, 10, 5


def outage(exc: BaseException) -> str | None:
    """What is wrong with the database when `exc` says it is not reachable or cannot take writes (a full disk,
    a server restarting, a dropped connection): one line for the log and the CLI. None for any other error.

    These are the faults a retry fixes once the operator (or the server) has: the ack path answers 5xx so the
    platform retries, and logs this line instead of a traceback per request."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.OperationalError):
            code = getattr(current, "sqlite_errorcode", None)
            if code == _SQLITE_FULL or "disk is full" in str(current):
                return "the disk under the SQLite database is full"
            if code is not None and code & 0xFF in (_SQLITE_IOERR, _SQLITE_BUSY):
                return f"SQLite cannot write: {current}"
        if isinstance(current, OSError) and current.errno == errno.ENOSPC:
            return "the disk under the database is full"
        if isinstance(current, ConnectionError) or (
                isinstance(current, OSError) and current.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH)):
            return f"the database is unreachable: {current.__class__.__name__}: {current}"
        if _is_pg_outage(current):
            return f"the database connection failed: {current.__class__.__name__}: {current}"
        current = current.__cause__ or current.__context__
    return None


def _is_pg_outage(exc: BaseException) -> bool:
    """asyncpg's own words for a lost or refused connection (the server restarting, shutting down, or gone)."""
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - PostgreSQL support not installed
        return False
    if isinstance(exc, (asyncpg.PostgresConnectionError, asyncpg.ConnectionDoesNotExistError,
                        asyncpg.CannotConnectNowError, asyncpg.AdminShutdownError, asyncpg.CrashShutdownError)):
        return True
    return isinstance(exc, asyncpg.InterfaceError) and "connection" in str(exc) and "closed" in str(exc)


class _DirectPg:
    """The direct asyncpg connection, for one holder of the lock. A statement that fails because the connection
    died while idle (the server restarted, an administrator or a failover terminated it: asyncpg learns it only
    now, and says so in several ways) is sent again once on a new connection, so that request is not refused.
    A retried INSERT ... ON CONFLICT DO NOTHING that had committed returns no row: the event reads as a repeat,
    which is acked, and the recovery sweep processes it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db._direct_pg, name)

    async def fetch(self, query: str, *args: Any) -> Any:
        conn = self._db._direct_pg
        try:
            return await conn.fetch(query, *args)
        except Exception as exc:
            if not (outage(exc) is not None or conn.is_closed() or type(exc).__name__ == "InternalClientError"):
                raise  # the statement's own error (a constraint, a type): not the connection's
            conn.terminate()
            self._db._direct_pg = None
            logger.warning("the direct PostgreSQL connection was dead (%s); reconnecting", exc.__class__.__name__)
            self._db._direct_pg = await self._db._connect_pg()
            return await self._db._direct_pg.fetch(query, *args)


class Database:
    """The engine plus a session factory; `unit_of_work()` is the only place that commits."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self.sqlite = is_sqlite(self.engine)
        # One writer at a time on SQLite, in FIFO order, instead of fighting over the file lock.
        self._write_lock = asyncio.Lock() if self.sqlite else None
        self._threaded: Database | None = None
        self._direct: sqlite_inline.InlineConnection | None = None
        self._direct_pg: Any = None  # an asyncpg connection
        self._direct_pg_lock = asyncio.Lock()
        self.checkpoints = (sqlite_checkpoint.Checkpoints(self._path(), self._write_lock)
                            if self._write_lock is not None and inline_sqlite(url) else None)

    def threaded(self) -> Database:
        """This database for work whose big statements must not run on the event loop (scheduled jobs).

        With the inline SQLite driver: a twin on the threaded aiosqlite driver for the same file, sharing this
        one's writer lock (so writers still take turns instead of waiting on the file lock), with a second
        connection for lock-free reads; disposed with this one. Otherwise this database itself."""
        if self.checkpoints is None:  # not inline SQLite (a twin has none either)
            return self
        if self._threaded is None:
            twin = Database.__new__(Database)
            twin.url, twin.sqlite, twin._write_lock, twin._threaded = self.url, True, self._write_lock, None
            twin._direct, twin.checkpoints, twin._direct_pg = None, None, None  # the session path, in threads
            twin.engine = create_engine(self.url, echo=self.engine.echo, threaded=True, pool_size=2)
            twin.sessions = async_sessionmaker(twin.engine, expire_on_commit=False, autoflush=True)
            self._threaded = twin
        return self._threaded

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """Yield a session; commit when the block succeeds, roll back when it raises."""
        if self._write_lock is not None:
            if self.checkpoints is not None:
                self.checkpoints.ensure_running()
            async with self._write_lock, self._session() as session:
                yield session
        else:
            async with self._session() as session:
                yield session

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def direct_sqlite(self) -> AsyncIterator[sqlite3.Connection | None]:
        """For the one write on every platform request (the inbox), the sqlite3 connection itself, in its turn
        among writers; committed when the block succeeds. None when this is not inline SQLite: use a session.

        A session costs several times the SQL and the commit in Python per transaction (greenlet hops, ORM
        bookkeeping; docs/operations.md, "Measured here"); on the ack path that mattered. The connection is
        this Database's own, beside the pool, with the same settings."""
        if self._write_lock is None or self.checkpoints is None:
            yield None
            return
        self.checkpoints.ensure_running()
        async with self._write_lock:
            if self._direct is None:
                self._direct = sqlite_inline.open_connection(self._path())
                _sqlite_pragmas(self._direct.dbapi, None)
            conn = self._direct.dbapi
            try:
                yield conn
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    @asynccontextmanager
    async def direct_postgres(self) -> AsyncIterator[Any]:
        """`direct_sqlite`'s twin on PostgreSQL: an asyncpg connection of this Database's own, one user at a time
        (each statement commits by itself). None on SQLite. Reconnects after the server dropped it."""
        if self.sqlite:
            yield None
            return
        async with self._direct_pg_lock:
            if self._direct_pg is None or self._direct_pg.is_closed():
                self._direct_pg = await self._connect_pg()
            yield _DirectPg(self)

    async def _connect_pg(self) -> Any:
        import asyncpg

        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        return await asyncpg.connect(*args, **kwargs)

    async def ping(self) -> bool:
        from sqlalchemy import text

        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            logger.exception("database ping failed")
            return False

    def _path(self) -> str:
        return make_url(async_url(self.url)).database or ""

    async def dispose(self) -> None:
        if self.checkpoints is not None:
            await self.checkpoints.stop()
        if self._direct is not None:
            self._direct.stop()
            self._direct = None
        if self._direct_pg is not None:
            with contextlib.suppress(Exception):
                await self._direct_pg.close(timeout=5)
            self._direct_pg = None
        if self._threaded is not None:
            await self._threaded.dispose()
            self._threaded = None
        await self.engine.dispose()
