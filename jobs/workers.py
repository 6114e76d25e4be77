"""Job worker processes: CPU-heavy job work (chart drawing, a big risk scan) off the bot's process.

A thread is not enough: a busy thread keeps the GIL from the event loop (a pure-Python thread delays the loop's
timers many times over on a loaded machine: docs/operations.md, "Measured here"), and matplotlib's drawing
holds it for long stretches. The pool starts on first use (forkserver, else spawn: nothing is inherited from the
bot's process, and matplotlib is imported only in the workers), its workers run niced and warm up the chart
fonts once; it stops at exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")
WORKERS = max(1, min(4, os.cpu_count() or 1))
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()
_warm: set[ProcessPoolExecutor] = set()  # pools whose workers were started off the loop


def _start() -> None:
    with contextlib.suppress(OSError):
        os.nice(19)  # the bot's event loop first
    from jobs import charts

    charts.warm_up()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context(method), initializer=_start)
        return _pool


def _ping() -> int:
    return os.getpid()


def _started() -> ProcessPoolExecutor:
    """The pool with all its workers running. Starting a worker blocks its caller until the process answers
    (hundreds of milliseconds while the first one imports), so this runs in a thread, never on the loop."""
    pool = _executor()
    for _ in range(3):  # each round of pings starts workers while none is idle
        if len(getattr(pool, "_processes", None) or {}) >= WORKERS:
            break
        for future in [pool.submit(_ping) for _ in range(WORKERS)]:
            future.result()
    return pool


async def call(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a worker process (a pool that broke, say a worker killed, is replaced once)."""
    return (await gather([(fn, args)]))[0]


async def gather(calls: list[tuple[Callable[..., T], tuple[Any, ...]]]) -> list[T]:
    """Several calls spread over the workers; results in order."""
    global _pool
    if not calls:
        return []
    loop = asyncio.get_running_loop()
    for attempt in (1, 2):
        pool = _pool if _pool is not None and _pool in _warm else await asyncio.to_thread(_started)
        _warm.add(pool)
        try:
            return list(await asyncio.gather(*(loop.run_in_executor(pool, fn, *args) for fn, args in calls)))
        except BrokenProcessPool:
            with _lock:
                if _pool is pool:
                    _pool = None
            if attempt == 2:
                raise
            logger.warning("a job worker process died; starting new ones")
    raise AssertionError("unreachable")


def peak_rss_mib() -> float:
    """The largest peak RSS of the live workers (Linux; 0 elsewhere)."""
    peak = 0
    for pid in list(getattr(_pool, "_processes", None) or {}):
        try:
            with open(f"/proc/{pid}/status") as status:
                peak = max([peak] + [int(line.split()[1]) for line in status if line.startswith("VmHWM:")])
        except OSError:
            pass
    return peak / 1024


def shutdown() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        _warm.discard(pool)
        pool.shutdown(wait=True, cancel_futures=True)
