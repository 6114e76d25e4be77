"""Leases after a restart: a process takes over at once what its own dead predecessor held (inbox rows and
outbox rows it was sending), and never what another live process holds before that lease runs out."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from bot import instance
from bot.core.events import IncomingMessage, UserRef
from bot.delivery import Delivery, Outgoing
from bot.dispatch import payload_of, utc_clock
from bot.instance import Instance
from storage import inbox, outbox
from storage.db import Database
from storage.models import InboxEvent
from tests.conftest import ChatHarness, Clock

ROOT = Path(__file__).resolve().parents[1]
ME, OTHER = "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"


class Recorder:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.hold = 0.0

    async def send(self, message: Outgoing) -> None:
        await asyncio.sleep(self.hold)
        self.sent.append(message.out.text)


async def _seed(db: Database, texts: list[str], now: dt.datetime) -> None:
    async with db.unit_of_work() as session:
        await outbox.enqueue(session, [{"platform": "console", "chat": "c1", "user": None, "thread": None,
                                        "payload": {"text": t, "card": None}, "created_at": now} for t in texts])


async def _lease(db: Database, holder: Instance, now: dt.datetime, limit: int) -> None:
    """A sender claims a batch (and, for the dead one, never gets to send it)."""
    async with db.unit_of_work() as session:
        await outbox.claim(session, now=now, lease=dt.timedelta(seconds=10), limit=limit, token=holder.token)


async def test_a_restarted_sender_sends_its_dead_runs_batch_at_once_and_leaves_a_live_ones(
        db_url: str, clock: Clock) -> None:
    db = Database(db_url)
    try:
        await _seed(db, ["mine-1", "mine-2", "mine-3"], clock())
        await _lease(db, Instance(ME, run="dead"), clock(), 3)  # this instance's earlier run, killed mid-batch
        await _seed(db, ["theirs-1", "theirs-2"], clock())
        await _lease(db, Instance(OTHER), clock(), 2)  # a live replica, sending right now
        sender = Recorder()
        restarted = Delivery(db, {"console": sender}, clock=clock, instance=Instance(ME))
        stop = asyncio.Event()
        running = asyncio.create_task(restarted.run(stop))
        for _ in range(200):
            if len(sender.sent) == 3:
                break
            await asyncio.sleep(0.01)
        assert sender.sent == ["mine-1", "mine-2", "mine-3"]  # the clock did not move: no lease ran out
        clock.advance(seconds=9)
        assert await restarted.run_once() == 0  # the live replica's lease still runs
        clock.advance(seconds=2)  # ...and now it has run out (that replica died too)
        restarted.wake()
        for _ in range(200):
            if len(sender.sent) == 5:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await running
        assert sender.sent == ["mine-1", "mine-2", "mine-3", "theirs-1", "theirs-2"]
    finally:
        await db.dispose()


async def test_a_batch_slower_than_its_lease_keeps_it(db_url: str) -> None:
    """Renewed while it is being sent, a lease outlives a slow batch: another sender does not take its rows."""
    db = Database(db_url)
    try:
        await _seed(db, ["slow-1", "slow-2", "slow-3"], utc_clock())
        slow, other = Recorder(), Recorder()
        slow.hold = 0.8
        first = Delivery(db, {"console": slow}, clock=utc_clock, lease=0.9, instance=Instance(ME))
        second = Delivery(db, {"console": other}, clock=utc_clock, lease=0.9, instance=Instance(OTHER))
        sending = asyncio.create_task(first.run_once())
        for _ in range(8):  # 2 s: more than twice the lease
            await asyncio.sleep(0.25)
            await second.run_once()
        assert await sending == 3
        assert slow.sent == ["slow-1", "slow-2", "slow-3"] and other.sent == []
    finally:
        await db.dispose()


def _msg(event_id: str) -> IncomingMessage:
    return IncomingMessage("console", event_id, UserRef("console", "bob"), "my tasks", chat="g")


async def test_a_restarted_intake_takes_its_own_rows_at_once_and_a_live_ones_after_their_lease(
        crm: ChatHarness, clock: Clock) -> None:
    db = crm.app.db
    held = clock() + dt.timedelta(seconds=15)
    await inbox.store(db, [("console", f"mine-{i}", payload_of(_msg(f"mine-{i}"))) for i in range(3)], clock(),
                      holder=Instance(ME, run="dead").token, until=held)
    await inbox.store(db, [("console", f"theirs-{i}", payload_of(_msg(f"theirs-{i}"))) for i in range(2)], clock(),
                      holder=Instance(OTHER).token, until=held)
    intake = crm.app.intake
    intake.instance = Instance(ME)
    assert await intake.recover() == 3  # its own, whatever their lease says
    assert await intake.recover() == 0  # the live replica's are not taken
    mine = f"select count(*) from inbox where claimed_by = '{intake.token}'"
    assert await crm.scalar(mine) == 3
    async with db.unit_of_work() as session:  # the heartbeat: queued rows stay held
        await inbox.renew(session, holder=intake.token, ids=sorted(intake._queued), until=held + dt.timedelta(hours=1))
    async with db.unit_of_work() as session:
        until = set((await session.scalars(select(InboxEvent.claimed_until).where(
            InboxEvent.claimed_by == intake.token))).all())
    assert until == {held + dt.timedelta(hours=1)}
    clock.advance(seconds=16)
    assert await intake.recover() == 2  # that lease ran out
    intake.start()
    await intake.stop()
    assert await crm.scalar("select count(*) from inbox where status = 'done' and "
                            "(event_id like 'mine-%' or event_id like 'theirs-%')") == 5


_HOLD = ("import sys, time; from bot import instance; i = instance.acquire(sys.argv[1]); print(i.id, flush=True); "
         "time.sleep(60)")


def test_an_instance_id_survives_a_kill_and_two_live_processes_never_share_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))

    def start() -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen([sys.executable, "-c", _HOLD, url], stdout=subprocess.PIPE, text=True, env=env,
                                cwd=ROOT)
        assert proc.stdout is not None
        return proc, proc.stdout.readline().strip()

    first, first_id = start()
    second, second_id = start()
    try:
        assert first_id != second_id and len(first_id) == 16  # two live processes: two instances
        first.send_signal(signal.SIGKILL)
        first.wait()
        third, third_id = start()  # the restart of the killed one
        third.kill()
        third.wait()
        assert third_id == first_id
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.db.instance-0", "bot.db.instance-1"]
    assert instance.named("pod-3").id == "pod-3" and len(instance.named("x" * 40).id) == 16
