"""Send outbox rows through the Feishu open API: post, reply in thread, patch a card, ephemeral card, image.

Every send carries `uuid` = the outbox idempotency key, so a row sent again after a crash shows once.
Limits: 50 messages/s and 1,000 messages/minute per app, and 5 QPS per chat or user; a busy chat (or a
spent minute) is deferred without holding up the others. A card click waiting for its answer (`CardAnswers`) takes the click's replacement card or
private note here, instead of a PATCH or an ephemeral message.

A late private note goes to `ephemeral/v1/send`, which takes group chats only; in a one-to-one chat (known
from its messages, or from Feishu refusing the note) it is a normal message to that person: the chat is
private anyway.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import dataclasses
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.core.outbound import Image, Kind, Outbound
from bot.core.replies import Card
from bot.platforms.base import Outgoing, SendError
from bot.platforms.feishu import render
from bot.platforms.feishu.api import ApiError, FeishuApi
from bot.platforms.feishu.codes import EPHEMERAL_NOT_IN_P2P

logger = logging.getLogger(__name__)

APP_INTERVAL = 1 / 50  # message create: 50/s per app
APP_PER_MINUTE = 1000  # ...and 1,000 per minute per app
CHAT_INTERVAL = 1 / 5  # 5 QPS per chat (shared by all bots in it) and per user
MAX_WAIT = 0.25  # waits up to this are absorbed; longer ones go back to the outbox
# What Feishu shows; a home view (Slack's App Home has no Feishu twin) arrives as a message (Outbound.degrade).
KINDS = frozenset(Kind) - {Kind.HOME}


@dataclasses.dataclass(eq=False)
class Waiter:
    message: str
    user: str
    future: asyncio.Future[dict[str, Any]]


def update_target(out: Outbound) -> str:
    """The message an `update` replaces: the clicked card, or a card posted earlier and found by its tag
    (delivery filled in its id once that card was sent)."""
    return (out.target.id if out.target is not None else None) or ""


class CardAnswers:
    """Card clicks whose HTTP response (or long-connection ack) waits for the click's outcome.

    The adapter registers a waiter before storing the click; the sender hands the first fitting outbox row
    to it: a replacement card (kind `update` of that message) or a private note to the clicker (kind
    `ephemeral`, or any answer quoted under the card), which Feishu shows as a toast. Waiter and sender run
    on one loop, so a waiter that gave up (it is removed first) is never handed anything: that row is sent
    the ordinary way (PATCH, message).
    """

    def __init__(self) -> None:
        self._waiting: dict[str, list[Waiter]] = {}

    def expect(self, message: str, user: str) -> Waiter:
        waiter = Waiter(message, user, asyncio.get_running_loop().create_future())
        self._waiting.setdefault(message, []).append(waiter)
        return waiter

    def forget(self, waiter: Waiter) -> None:
        waiting = self._waiting.get(waiter.message, [])
        if waiter in waiting:
            waiting.remove(waiter)
        if not waiting:
            self._waiting.pop(waiter.message, None)

    def offer(self, message: Outgoing) -> bool:
        """Give the row to a waiting click; True when it was consumed (nothing else to send)."""
        out = message.out
        text, data, locale = out.text, out.card, out.locale
        if out.kind is Kind.UPDATE:
            waiting = self._waiting.pop(update_target(out), [])
            for waiter in waiting:  # everyone who clicked that card sees the same new card
                waiter.future.set_result(render.card_answer(text, data, replace=True, locale=locale))
            return bool(waiting)
        waiting = self._waiting.get(out.thread_id or "", [])
        mine = [w for w in waiting if out.user in (None, w.user)]
        if not mine:
            return False
        waiter = mine[0]
        self.forget(waiter)
        waiter.future.set_result(render.card_answer(text, data, replace=False, kind="info"))
        # A private note is only a toast; an answer for everyone is posted as well.
        return out.kind is Kind.EPHEMERAL and data is None


class FeishuSender:
    def __init__(self, api: FeishuApi, answers: CardAnswers | None = None, *, app_interval: float = APP_INTERVAL,
                 chat_interval: float = CHAT_INTERVAL, per_minute: int = APP_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api = api
        self.answers = answers or CardAnswers()
        self.app_interval = app_interval
        self.chat_interval = chat_interval
        self.per_minute = per_minute
        self.clock = clock
        self.p2p_chats: set[str] = set()  # one-to-one chats seen (ephemeral notes cannot go there)
        self._next_app = 0.0
        self._next_slot: dict[str, float] = {}
        self._minute: collections.deque[float] = collections.deque()  # start times of the last minute's sends

    async def send(self, message: Outgoing) -> str | None:
        out = message.out.degrade(KINDS)
        message = dataclasses.replace(message, out=out)
        if self.answers.offer(message):
            return (update_target(out) if out.kind is Kind.UPDATE else out.thread_id) or None
        text, data, locale = out.text, out.card, out.locale  # locale: the reader's language, when the bot knows it
        try:
            if out.kind is Kind.UPDATE:
                target = update_target(out)
                if not target:
                    raise SendError("update without a target message", permanent=True)
                await self.api.call("PATCH", f"/open-apis/im/v1/messages/{target}",
                                    json={"content": json.dumps(render.card(text, data, locale), ensure_ascii=False)})
                return target
            if out.kind is Kind.EPHEMERAL and out.chat and out.user:
                if out.chat not in self.p2p_chats:
                    taken, ref = await self._ephemeral(message, text, data, locale)
                    if taken:
                        return ref
                # One-to-one: a normal message to that person (nobody else is in the chat).
                msg_type, content = render.content(text, data, (), locale)
                private = dataclasses.replace(out, chat=None, thread=None)
                return await self._post(dataclasses.replace(message, out=private), msg_type, content)
            if out.kind is Kind.IMAGE and out.image is not None:
                image_key = await self._upload(out.image)
                msg_type, content = "interactive", json.dumps(render.image_card(text, image_key), ensure_ascii=False)
            else:  # message, card; `home` (Slack's App Home) has no Feishu twin: degrade made it a message
                msg_type, content = render.content(text, data, out.mentions, locale)
            return await self._post(message, msg_type, content)
        except ApiError as exc:
            if exc.permanent:
                logger.error("feishu send failed permanently: %s", exc)
            raise SendError(str(exc), permanent=exc.permanent, retry_after=exc.retry_after) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SendError(f"feishu network error: {exc!r}") from exc

    async def _ephemeral(self, message: Outgoing, text: str, data: Card | None,
                         locale: str | None = None) -> tuple[bool, str | None]:
        """The note through ephemeral/v1/send: (taken, its id); not taken when Feishu refused it for good
        (send it another way)."""
        out = message.out
        assert out.chat is not None
        await self._pace(out.chat)
        try:
            result = await self.api.call("POST", "/open-apis/ephemeral/v1/send", json={
                "chat_id": out.chat, "open_id": out.user, "msg_type": "interactive",
                "card": render.card(text, data, locale)})
        except ApiError as exc:
            if not exc.permanent:
                raise
            if exc.code == EPHEMERAL_NOT_IN_P2P:
                self.p2p_chats.add(out.chat)
            logger.info("feishu private note refused in %s (%s): sent as a message to the person", out.chat, exc)
            return False, None
        return True, str(result.get("message_id") or "") or None

    async def _post(self, message: Outgoing, msg_type: str, content: str) -> str | None:
        out = message.out
        body: dict[str, Any] = {"msg_type": msg_type, "content": content, "uuid": message.idempotency_key}
        await self._pace(out.chat or out.user or "")
        if out.thread_id:
            # Thread replies go to the thread: reply to its root message, in the thread.
            result = await self.api.call("POST", f"/open-apis/im/v1/messages/{out.thread_id}/reply",
                                         json={**body, "reply_in_thread": True})
        else:
            id_type = "chat_id" if out.chat else "open_id"
            receiver = out.chat or out.user or ""
            result = await self.api.call("POST", "/open-apis/im/v1/messages", params={"receive_id_type": id_type},
                                         json={**body, "receive_id": receiver})
        return str(result.get("message_id") or "") or None

    async def _upload(self, image: Image) -> str:
        form = aiohttp.FormData()
        form.add_field("image_type", "message")
        form.add_field("image", base64.b64decode(image.data), filename=image.filename,
                       content_type="image/png")
        result = await self.api.call("POST", "/open-apis/im/v1/images", data=form)
        return str(result["image_key"])

    async def _pace(self, conversation: str) -> None:
        """5 QPS per chat or user (a busy one is deferred), 50/s for the app (short waits here), 1,000 a minute
        for the app (once spent, everything waits for the minute to roll on: deferred, not failed)."""
        now = self.clock()
        minute = self._minute
        while minute and minute[0] <= now - 60.0:
            minute.popleft()
        slot = max(self._next_slot.get(conversation, 0.0), self._next_app)
        if len(minute) >= self.per_minute:
            slot = max(slot, minute[0] + 60.0)
        if slot - now > MAX_WAIT:
            raise SendError(f"pacing {conversation}", retry_after=slot - now, deferred=True)
        start = max(now, slot)
        self._next_slot[conversation] = start + self.chat_interval
        self._next_app = start + self.app_interval
        minute.append(start)
        if len(self._next_slot) > 10_000:
            self._next_slot = {k: v for k, v in self._next_slot.items() if v > now}
        if start > now:
            await asyncio.sleep(start - now)


class FeishuProfiles:
    """contact/v3 users, cached: names, email and timezone link Feishu users to people."""

    TTL = 3600.0
    MISS_TTL = 300.0

    def __init__(self, api: FeishuApi) -> None:
        self.api = api
        self._cache: dict[str, tuple[float, dict[str, Any] | None]] = {}

    async def get(self, open_id: str) -> dict[str, Any] | None:
        hit = self._cache.get(open_id)
        if hit and time.monotonic() - hit[0] < (self.TTL if hit[1] else self.MISS_TTL):
            return hit[1]
        try:
            result = await self.api.call("GET", f"/open-apis/contact/v3/users/{open_id}",
                                         params={"user_id_type": "open_id"})
            user = result.get("user") if isinstance(result.get("user"), dict) else None
        except (ApiError, TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("feishu contact lookup %s failed: %r", open_id, exc)
            user = None
        self._cache[open_id] = (time.monotonic(), user)
        return user
