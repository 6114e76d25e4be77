"""A delivery process for the crash test: sends the outbox to an HTTP sink with an idempotency key."""

from __future__ import annotations

import asyncio
import sys

import aiohttp

from bot.delivery import Delivery, Outgoing, SendError
from bot.dispatch import utc_clock
from storage.db import Database


class HttpSender:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url

    async def send(self, message: Outgoing) -> None:
        body = {"chat": message.out.chat, "text": message.out.text}
        async with self.session.post(self.url, json=body, headers={"Idempotency-Key": message.idempotency_key}) as r:
            if r.status >= 500:
                raise SendError(f"HTTP {r.status}")


async def main(db_url: str, sink: str) -> None:
    db = Database(db_url)
    async with aiohttp.ClientSession() as session:
        delivery = Delivery(db, {"console": HttpSender(session, sink)}, clock=utc_clock, lease=1.0, batch=5)
        while True:
            if not await delivery.run_once():
                await asyncio.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
