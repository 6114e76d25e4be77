"""Stopping the WAL checkpoints while one runs in its thread: the connection is never used by two threads at
once, never closed under a checkpoint, and the database file stays whole."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

from storage import sqlite_checkpoint
from storage.sqlite_checkpoint import Checkpoints


class Watched(sqlite3.Connection):
    """A checkpoint connection that records how many threads are inside it, and whether it was closed while
    one was (the crash: a second checkpoint or the close racing a checkpoint still in `execute`)."""

    inside = 0
    most_inside = 0
    closed_while_inside = False
    guard = threading.Lock()

    def execute(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        cls = type(self)
        with cls.guard:
            cls.inside += 1
            cls.most_inside = max(cls.most_inside, cls.inside)
        try:
            return super().execute(*args)
        finally:
            with cls.guard:
                cls.inside -= 1

    def close(self) -> None:
        if type(self).inside:
            type(self).closed_while_inside = True
        super().close()


class SlowCheckpoints(Checkpoints):
    """The first checkpoint blocks inside SQLite (a progress handler, called between its VM steps) until the
    test lets it go: deterministically "a checkpoint in flight"."""

    def __init__(self, path: str) -> None:
        super().__init__(path, asyncio.Lock())
        self.entered = threading.Event()
        self.release = threading.Event()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, check_same_thread=False, timeout=2.0, factory=Watched)

        def hold() -> int:
            if not self.release.is_set():
                self.entered.set()
                self.release.wait(10)
            return 0

        conn.set_progress_handler(hold, 1)
        return conn


def _fill(path: Path, rows: int) -> sqlite3.Connection:
    """A database whose rows are all in the WAL; the open connection keeps it there (closing it would copy)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    with conn:
        conn.execute("CREATE TABLE t (n INTEGER, body TEXT)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(n, "x" * 2000) for n in range(rows)])
    return conn


async def test_stop_while_a_checkpoint_runs_waits_for_it_then_closes(tmp_path: Path,
                                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(sqlite_checkpoint, "EVERY", 0.001)
    for round_ in range(40):
        path = tmp_path / f"r{round_}.db"
        writer = _fill(path, 500)
        Watched.inside = Watched.most_inside = 0
        Watched.closed_while_inside = False
        checkpoints = SlowCheckpoints(str(path))
        checkpoints.ensure_running()
        assert await asyncio.to_thread(checkpoints.entered.wait, 10)  # a checkpoint is inside `execute` now
        stopping = asyncio.create_task(checkpoints.stop())
        for _ in range(round_ % 4 + 1):  # let stop() get as far as it would go without the thread
            await asyncio.sleep(0.002)
        assert not stopping.done()  # it waits for the checkpoint in flight...
        assert checkpoints._conn is not None  # ...and has not closed the connection under it
        checkpoints.release.set()
        await asyncio.wait_for(stopping, 10)
        assert checkpoints._conn is None
        assert Watched.most_inside == 1 and not Watched.closed_while_inside
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (500,)
            assert conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0] == 0
        conn.close()
        writer.close()


async def test_stop_at_any_moment_of_a_busy_loop_leaves_the_file_whole(tmp_path: Path, monkeypatch: Any) -> None:
    """No injected hook: checkpoints back to back on a real WAL, stopped after a varying number of loop turns."""
    monkeypatch.setattr(sqlite_checkpoint, "EVERY", 0.0)
    for round_ in range(40):
        path = tmp_path / f"r{round_}.db"
        writer = _fill(path, 2000)
        checkpoints = Checkpoints(str(path), asyncio.Lock())
        checkpoints.ensure_running()
        for _ in range(round_ % 7):
            await asyncio.sleep(0)
        await checkpoints.stop()
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("SELECT count(*) FROM t").fetchone() == (2000,)
        conn.close()
        writer.close()
