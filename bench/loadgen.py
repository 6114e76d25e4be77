"""What both ingest benches use: N clients posting signed events as fast as they are acked, and the pmo-bot
process they post to (on a fresh SQLite file or $PMO_TEST_POSTGRES_URL)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
Request = Callable[[int, str], tuple[bytes, dict[str, str]]]  # (sequence number, run id) -> body, headers


async def load(http: aiohttp.ClientSession, url: str, seconds: float, concurrency: int,
               make: Request) -> tuple[int, list[float]]:
    """Post `make(n, run)` from `concurrency` clients for `seconds`; return the count and each ack's latency."""
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds
    failures = 0

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < deadline:
            body, headers = make(next(counter), run)
            t0 = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    if failures:
        print(f"  {failures} requests were not acked with 200")
    return len(latencies), latencies


def p99(values: list[float]) -> float:
    """The 99th percentile, in milliseconds."""
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000


async def spawn(args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    """A server process pinned to core 0 (the load generator gets the other core)."""
    def pin() -> None:
        if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(0, {0})

    return await asyncio.create_subprocess_exec(*args, env=env, cwd=ROOT, preexec_fn=pin,
                                                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_up(http: aiohttp.ClientSession, url: str) -> None:
    """Until `url` answers at all (any status): the server is listening."""
    for _ in range(2400):
        try:
            async with http.get(url) as r:
                await r.read()
                return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not start")


def database(kind: str, tmp: str) -> str:
    """The bot's DATABASE_URL: a fresh SQLite file in `tmp`, or $PMO_TEST_POSTGRES_URL for "postgresql"."""
    if kind == "postgresql":
        return os.environ.get("PMO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    return f"sqlite:///{tmp}/bench.db"


async def spawn_bot(port: int, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`pmo-bot run` without the console on `port`, pinned like every server here."""
    return await spawn([sys.executable, "-m", "bot.cli", "run", "--console", "off", "--port", str(port)], env)
