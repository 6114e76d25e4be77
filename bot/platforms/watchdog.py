"""The state of each platform connection (Slack Socket Mode, the Feishu long connection) for /healthz and
/metrics, and the rule for a connection that went deaf.

Known SDK bugs leave a socket "connected" that hears nothing (no frame, no pong). Each connection records when
it last heard anything; its watchdog (in the adapter: the SDKs differ) reconnects it when that is older than
`deaf_after`, and gives up loudly after `give_up` seconds down: the state becomes `failed`, /healthz says so,
and an orchestrator restarts the process. One log line when a connection is lost and one when it is back.

Updated from the Feishu connection's own thread too: each update is a few attribute assignments (atomic under
the GIL) and readers only need a recent-enough picture.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

logger = logging.getLogger(__name__)

GRACE = 60.0  # a connection down this long makes /healthz unhealthy (a reconnect takes seconds)
GIVE_UP = 900.0  # down this long: stop calling it reconnecting; failed, loudly


class CredentialsRejected(RuntimeError):
    """The platform refused the configured credentials at start-up: no point in serving (message says which)."""


@dataclasses.dataclass
class Connection:
    platform: str
    clock: Callable[[], float] = time.monotonic
    state: str = "connecting"  # connecting, up, down, failed
    since: float = 0.0  # when the state began
    last_heard: float = 0.0  # the last frame, ping or pong received
    reconnects: int = 0
    reason: str = ""

    def __post_init__(self) -> None:
        self.since = self.last_heard = self.clock()

    def heard(self) -> None:
        self.last_heard = self.clock()

    def up(self) -> None:
        now = self.clock()
        if self.state in ("down", "failed"):
            self.reconnects += 1
            logger.warning("%s connection regained after %.0f s down", self.platform, now - self.since)
        elif self.state == "connecting":
            logger.info("%s connection up", self.platform)
        self.state, self.since, self.last_heard, self.reason = "up", now, now, ""

    def down(self, reason: str) -> None:
        if self.state in ("down", "failed"):
            return
        logger.warning("%s connection lost (%s): reconnecting", self.platform, reason)
        self.state, self.since, self.reason = "down", self.clock(), reason

    def fail(self, reason: str) -> None:
        if self.state == "failed":
            return
        logger.error("%s connection failed for good (%s): restart pmo-bot once the cause is fixed", self.platform,
                     reason)
        self.state, self.since, self.reason = "failed", self.clock(), reason

    def deaf_for(self) -> float:
        return self.clock() - self.last_heard

    def healthy(self, grace: float = GRACE) -> bool:
        if self.state == "up":
            return True
        if self.state == "failed":
            return False
        return self.clock() - self.since < grace  # connecting or reconnecting: fine for a while

    def report(self, grace: float = GRACE) -> dict[str, object]:
        now = self.clock()
        return {"state": self.state, "healthy": self.healthy(grace), "for_seconds": round(now - self.since, 1),
                "last_heard_seconds_ago": round(now - self.last_heard, 1), "reconnects": self.reconnects,
                **({"reason": self.reason} if self.reason else {})}


@dataclasses.dataclass
class Connections:
    """Every configured connection, by platform. Webhook-only platforms have none (nothing to watch)."""

    items: dict[str, Connection] = dataclasses.field(default_factory=dict)
    grace: float = GRACE

    def add(self, platform: str, clock: Callable[[], float] = time.monotonic) -> Connection:
        self.items[platform] = Connection(platform, clock)
        return self.items[platform]

    def healthy(self) -> bool:
        return all(c.healthy(self.grace) for c in self.items.values())

    def report(self) -> dict[str, dict[str, object]]:
        return {name: c.report(self.grace) for name, c in sorted(self.items.items())}


async def watch(conn: Connection, *, connected: Callable[[], Awaitable[bool]], reconnect: Callable[[], Awaitable[None]],
                deaf_after: float, check_every: float = 1.0, give_up: float = GIVE_UP,
                max_backoff: float = 60.0) -> None:
    """A connection's watchdog, for SDKs that can be asked to reconnect (Slack Socket Mode): up while connected
    and hearing; otherwise reconnect, waiting 1, 2, 4… s (up to `max_backoff`) between tries, and fail after
    `give_up` seconds down."""
    backoff = 1.0
    while True:
        await asyncio.sleep(check_every)
        if conn.state == "failed":
            continue
        is_connected = await connected()
        if is_connected and conn.deaf_for() <= deaf_after:
            if conn.state != "up":
                conn.up()
            backoff = 1.0
            continue
        if conn.state == "connecting" and conn.clock() - conn.since < deaf_after:
            continue  # still saying hello
        conn.down(f"nothing heard for {conn.deaf_for():.0f} s" if is_connected else "disconnected")
        if conn.clock() - conn.since > give_up:
            conn.fail(f"could not reconnect for {give_up:.0f} s")
            continue
        try:
            await asyncio.wait_for(reconnect(), 30)
        except Exception as exc:  # the next round tries again, after the backoff
            logger.warning("%s reconnect failed: %r", conn.platform, exc)
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, max_backoff)


SLACK_REJECTED = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                            "not_allowed_token_type"})  # auth.test / apps.connections.open errors no retry fixes


def watch_socket_mode(client: Any, conn: Connection, *, check_every: float = 1.0) -> asyncio.Task[None]:
    """Watch slack_sdk's aiohttp SocketModeClient: every message (hello, envelopes, disconnect) and every pong
    of its pings counts as heard; deaf for 4 ping intervals (when slack_sdk itself would call the session
    stale, if its monitor still runs) means reconnect through a new `apps.connections.open` URL."""

    async def on_message(_: Any) -> None:
        conn.heard()

    client.on_message_listeners.append(on_message)

    async def connected() -> bool:
        pong = client.last_ping_pong_time  # time.time() of the last pong, set by slack_sdk
        if pong is not None and time.time() - float(pong) < conn.deaf_for():
            conn.last_heard = conn.clock() - (time.time() - float(pong))
        return bool(await client.is_connected())

    return asyncio.create_task(watch(conn, connected=connected, reconnect=client.connect_to_new_endpoint,
                                     deaf_after=4 * float(client.ping_interval), check_every=check_every))
