"""WAL checkpoints for the inline SQLite driver, off the event loop.

The inline connections commit on the loop with automatic checkpoints off (storage/sqlite_inline.py), so the WAL
is copied back into the database file here instead, from a connection of its own in a thread:

- every EVERY seconds a PASSIVE checkpoint copies what it can while writers go on (the slow part: the copy and
  its fsync);
- once the WAL holds RESTART_AT frames, one more checkpoint runs while holding the process's writer lock. No
  writer adds frames meanwhile, so it finishes, and the next write starts the WAL file over. Without it a
  steady stream of writes (each passive checkpoint ends behind the newest frames) grows the WAL for ever.

Writers waiting for that lock wait asynchronously: the loop never waits for a checkpoint.

The checkpoint connection is used by one thread at a time and closed only when no checkpoint runs: cancelling a
task that awaits `asyncio.to_thread` does not stop the thread, and a second thread executing on the same
sqlite3 connection, or closing it under the first, crashed the interpreter (a segfault in a test's teardown).
So `stop()` never cancels: it asks the loop to end, waits for the checkpoint in flight, and runs the last
checkpoint and the close in one thread, under `_conn_lock` like every checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)

EVERY = 0.5  # seconds between passive checkpoints
RESTART_AT = 2000  # WAL frames (pages, 4 KiB) after which a checkpoint takes the writer lock to finish


class Checkpoints:
    def __init__(self, path: str, write_lock: asyncio.Lock) -> None:
        self.path = path
        self.write_lock = write_lock
        self.runs = 0
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._conn: sqlite3.Connection | None = None
        self._conn_lock = threading.Lock()  # held by the one thread that uses (or closes) _conn

    def ensure_running(self) -> None:
        if self._task is None:
            self._stopping = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._run(self._stopping),
                                                                name=f"sqlite-checkpoints:{self.path}")

    async def stop(self) -> None:
        """Stop after the checkpoint in flight, then run one last checkpoint (closing the last connection would
        checkpoint on the loop) and close the connection."""
        if self._task is None:
            return
        task, self._task = self._task, None
        self._stopping.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # ends at its next await: at once when sleeping, after the thread when checkpointing
        await asyncio.to_thread(self._close)

    async def _run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(EVERY):
                    await stopping.wait()
            if stopping.is_set():
                return
            try:
                frames = await asyncio.to_thread(self._checkpoint)
                if frames >= RESTART_AT and not stopping.is_set():
                    async with self.write_lock:
                        await asyncio.to_thread(self._checkpoint)
                    self.restarts += 1
            except sqlite3.Error:  # busy (another process checkpoints) or gone: the next round tries again
                logger.debug("checkpoint of %s skipped", self.path, exc_info=True)
            except Exception:
                logger.exception("checkpoint of %s failed", self.path)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, check_same_thread=False, timeout=2.0)

    def _checkpoint(self) -> int:
        """One PASSIVE checkpoint; the number of frames in the WAL (0 when it is not in WAL mode)."""
        with self._conn_lock:
            if self._conn is None:
                self._conn = self._connect()
            _busy, frames, _copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.runs += 1
            return max(0, int(frames))

    def _close(self) -> None:
        """The last checkpoint and the close, in one thread, after any checkpoint still running."""
        with self._conn_lock:
            try:
                if self._conn is None:
                    self._conn = self._connect()
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                    self.runs += 1
            finally:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
