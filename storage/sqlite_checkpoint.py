"""WAL checkpoints for the inline SQLite driver, off the event loop.

The inline connections commit on the loop with automatic checkpoints off (storage/sqlite_inline.py), so the WAL
is copied back into the database file here instead, from a connection of its own in a thread:

- every EVERY seconds a PASSIVE checkpoint copies what it can while writers go on (the slow part: the copy and
  its fsync);
- once the WAL holds RESTART_AT frames, one more checkpoint runs while holding the process's writer lock. No
  writer adds frames meanwhile, so it finishes, and the next write starts the WAL file over. Without it a
  steady stream of writes (each passive checkpoint ends behind the newest frames) grows the WAL for ever.

Writers waiting for that lock wait asynchronously: the loop never waits for a checkpoint.
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
        self._conn: sqlite3.Connection | None = None
        # A cancelled run's checkpoint may still be running in its thread when stop() checkpoints and closes:
        # one at a time on the connection (closing it under a running statement crashed the process).
        self._conn_lock = threading.Lock()

    def ensure_running(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"sqlite-checkpoints:{self.path}")

    async def stop(self) -> None:
        """Stop, after one last checkpoint (closing the last connection would checkpoint on the loop)."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        with contextlib.suppress(sqlite3.Error):
            await asyncio.to_thread(self._checkpoint)
        with self._conn_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(EVERY)
            try:
                frames = await asyncio.to_thread(self._checkpoint)
                if frames >= RESTART_AT:
                    async with self.write_lock:
                        await asyncio.to_thread(self._checkpoint)
                    self.restarts += 1
            except sqlite3.Error:  # busy (another process checkpoints) or gone: the next round tries again
                logger.debug("checkpoint of %s skipped", self.path, exc_info=True)
            except Exception:
                logger.exception("checkpoint of %s failed", self.path)

    def _checkpoint(self) -> int:
        """One PASSIVE checkpoint; the number of frames in the WAL (0 when it is not in WAL mode)."""
        with self._conn_lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=2.0)
            _busy, frames, _copied = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.runs += 1
        return max(0, int(frames))
