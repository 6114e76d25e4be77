"""An aiosqlite-shaped connection that runs sqlite3 calls inline on the event loop.

Why: SQLAlchemy's aiosqlite adapter makes about four thread hand-offs per statement (cursor, execute,
fetchall, close), dozens per chat message, and those hops, not the SQL, capped the pipeline
(docs/operations.md, "Measured here"). A local SQLite statement on a WAL file is far cheaper
than a hop, so we run it in place. The cost: a statement that waits on a lock held by *another process* (the
admin CLI, say) blocks the loop for up to `busy_timeout`, which we keep short. Inside the bot a FIFO lock
already serialises writers (storage/db.py). Set SQLITE_DRIVER=aiosqlite to go back to the threaded driver.

Commits run inline too. In WAL mode with synchronous=NORMAL a commit appends to the WAL and does not fsync; what
can be slow is the automatic checkpoint SQLite runs inside a commit once the WAL passes 1,000 pages (0.4-0.9 s
measured here under load). So these connections turn automatic checkpoints off and `Database` checkpoints from
a thread (storage/db.py). Handing each commit to a thread instead cost ~20% of the loop's time under load.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _ImmediateQueue:
    """SQLAlchemy sets isolation_level by queueing (future, fn) to aiosqlite's thread; run it now."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as exc:
            future.set_exception(exc)


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn  # aiosqlite's "still open" marker
        self._tx = _ImmediateQueue()

    @property
    def dbapi(self) -> sqlite3.Connection:
        return self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()  # no checkpoint in here (wal_autocheckpoint=0): Database.checkpoints does it

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._conn.close()
            self._connection = None

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value  # type: ignore[assignment]


def open_connection(path: str) -> InlineConnection:
    conn = sqlite3.connect(path, check_same_thread=False, timeout=2.0)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return InlineConnection(conn)


def creator(path: str) -> Callable[[], Any]:
    async def connect() -> InlineConnection:
        return open_connection(path)

    return connect
