"""The platform contract: what every messenger adapter implements, and what the shell lends it.

A platform package (`bot/platforms/<name>/`) imports this module, the shared helpers beside it (`shape`,
`split`, `watchdog`) and the handler toolkit (`bot.core`), nothing else of ours. Its package `__init__` is a
registry entry (`bot/platforms/__init__.py` names it): `NAME`, `from_env(env)` (its own settings, or None when
it is not configured) and `create(config, deps)` (the adapter, imported only then). The adapter is a
`Platform`: `start()` connects and returns its `Sender`, `stop()`, `routes()` (its webhooks), `enrich(event)`
(a user lookup before processing) and `bot_user_id` (the bot's own user id there, once known; the parser
drops the bot's own mention with it). Everything it needs from the shell comes in `Deps`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from bot.core.events import Event, IncomingMessage, UserRef
from bot.core.outbound import Outbound
from bot.platforms.watchdog import Connections

if TYPE_CHECKING:
    from aiohttp import web


# ---- sending ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Outgoing:
    """An outbox row being sent: its id and attempt, and the message (references resolved by delivery)."""

    id: int
    out: Outbound
    attempts: int

    @property
    def platform(self) -> str:
        return self.out.platform

    @property
    def idempotency_key(self) -> str:
        return f"outbox:{self.id}"


class SendError(Exception):
    """A failed send. `permanent` stops retrying; `retry_after` (seconds) overrides the backoff."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: float | None = None,
                 deferred: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.deferred = deferred  # not a failure: the sender paces this conversation; try again later


class Sender(Protocol):
    async def send(self, message: Outgoing) -> str | None:
        """Send; return the platform's id of the posted message when there is one."""


# ---- receiving -------------------------------------------------------------------------------------------

Accept = Callable[[Event], Awaitable[bool]]
"""Store an event in the inbox; returns once it is committed (False: a repeat we already have). The ack waits."""


async def with_profiles(event: Event, profile: Callable[[UserRef], Awaitable[UserRef]]) -> Event:
    """The event with its writer (and the people it mentions) filled in by a platform's profile lookup."""
    user = await profile(event.user)
    if isinstance(event, IncomingMessage) and event.mentions:
        mentions = tuple([await profile(m) for m in event.mentions])
        return dataclasses.replace(event, user=user, mentions=mentions)
    return dataclasses.replace(event, user=user)


def _no_outage(_: BaseException) -> str | None:
    return None


async def _not_posted(_platform: str, _chat: str, _thread: str) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Deps:
    """What the shell lends a platform: passed in, so no platform imports the shell or storage."""

    accept: Accept
    connections: Connections = dataclasses.field(default_factory=Connections)  # long connections, for /healthz
    default_locale: str = "zh"  # the language of what a platform says before it knows the user's
    # What is wrong with the database when this exception says it is down (storage.db.outage), else None:
    # such a failure is answered 503 so the platform retries.
    outage: Callable[[BaseException], str | None] = _no_outage
    # Has the bot posted in this thread (platform, chat, thread id)? A thread reply there is addressed to it.
    posted_in_thread: Callable[[str, str, str], Awaitable[bool]] = _not_posted


class Platform(Protocol):
    """A running messenger adapter (what `create(config, deps)` returns)."""

    name: str

    @property
    def bot_user_id(self) -> str | None:
        """The bot's own user id on this platform, once known (configured, or learnt in `start`)."""

    async def start(self) -> Sender:
        """Connect (sessions, long connections, the bot's identity) and return the sender for its outbox rows."""

    async def stop(self) -> None:
        """Close what `start` opened."""

    def routes(self) -> list[web.RouteDef]:
        """The HTTP routes this platform serves (webhooks); none for a long connection only."""

    async def enrich(self, event: Event) -> Event:
        """The event with its users looked up (names, timezone, locale, email), outside the unit of work."""


class Entry(Protocol):
    """A platform package as the registry sees it (its `__init__`, cheap to import)."""

    NAME: str

    def from_env(self, env: Mapping[str, str]) -> Any | None:
        """This platform's settings from the environment, or None when it is not configured."""

    def create(self, config: Any, deps: Deps) -> Platform:
        """The adapter for these settings (the heavy imports happen here)."""
