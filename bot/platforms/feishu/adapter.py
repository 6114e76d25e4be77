"""Feishu inside pmo-bot: the event webhook (/feishu/events, /feishu/card) or the long connection, into the
intake; the open-API sender out.

Every event is acknowledged only after `accept` has committed it to the inbox (Feishu re-pushes for ~7 h when
the 200 is late or missing; the inbox key drops the repeats). A card click is answered within Feishu's 3 s with
a toast and the updated card: the click is stored, the intake processes it as usual, and the sender hands the
click's replacement card to the waiting request (`CardAnswers`); when that takes too long the request is
answered with nothing and the card is patched a moment later instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from aiohttp import web

from bot.core.events import Event, UserRef
from bot.platforms.base import Deps, with_profiles
from bot.platforms.feishu import FeishuConfig, translate
from bot.platforms.feishu.api import ApiError, FeishuApi
from bot.platforms.feishu.crypto import Rejected, Verifier
from bot.platforms.feishu.sender import CardAnswers, FeishuProfiles, FeishuSender
from bot.platforms.shape import Malformed, Unavailable
from bot.platforms.watchdog import CredentialsRejected

logger = logging.getLogger(__name__)

CARD_ANSWER_WAIT = 2.4  # seconds a click waits for its new card; Feishu gives up at 3 s


__all__ = ["FeishuAdapter", "FeishuConfig"]


class FeishuAdapter:
    name = translate.PLATFORM

    def __init__(self, config: FeishuConfig, deps: Deps, *, clock: Callable[[], float] = time.time,
                 card_wait: float = CARD_ANSWER_WAIT) -> None:
        self.config = config
        self.deps = deps
        self.connections = deps.connections
        self.accept = deps.accept
        self.card_wait = card_wait
        self.verifier = Verifier(encrypt_key=config.encrypt_key, verification_token=config.verification_token,
                                 clock=clock)
        self.bot_user_id = config.bot_open_id
        self.answers = CardAnswers()
        self.session: aiohttp.ClientSession | None = None
        self._long: Any = None

    async def start(self) -> FeishuSender:
        """Open the HTTP session, learn the bot's open_id, and open the long connection when configured."""
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.api = FeishuApi(self.session, self.config.domain, self.config.app_id, self.config.app_secret)
        self.profiles = FeishuProfiles(self.api)
        try:  # refused credentials stop the start-up with a clear message; an unreachable Feishu does not
            await self.api.token()
        except ApiError as exc:
            if exc.permanent:
                await self.session.close()
                raise CredentialsRejected(
                    f"Feishu refused FEISHU_APP_ID / FEISHU_APP_SECRET ({exc}): check them in the developer "
                    f"console. 飞书拒绝了 FEISHU_APP_ID / FEISHU_APP_SECRET，请在开发者后台核对。") from exc
            logger.error("feishu tenant_access_token failed at start-up (will retry on use): %s", exc)
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.error("feishu unreachable at start-up (will retry on use): %r", exc)
        if self.bot_user_id is None:
            try:  # for "was the bot mentioned?"; without it we trust Feishu's group filter
                info = await self.api.call("GET", "/open-apis/bot/v3/info")
                self.bot_user_id = str((info.get("bot") or {}).get("open_id") or "") or None
            except (ApiError, TimeoutError, aiohttp.ClientError) as exc:
                logger.error("feishu bot/v3/info failed: %r", exc)
        if not self.config.verification_token and self.config.mode == "webhook":
            logger.warning("FEISHU_VERIFICATION_TOKEN is not set: webhook requests are not authenticated")
        if self.config.mode == "websocket":
            from bot.platforms.feishu.longconn import LongConnection

            self._long = LongConnection(app_id=self.config.app_id, app_secret=self.config.app_secret,
                                        domain=self.api.base, receive=self.receive_trusted,
                                        answer_timeout=self.card_wait + 0.4,
                                        connection=self.connections.add("feishu"))
            await self._long.start()
        self.sender = FeishuSender(self.api, self.answers, app_interval=1 / max(self.config.send_rate, 0.1))
        return self.sender

    async def stop(self) -> None:
        if self._long is not None:
            await self._long.stop()
        if self.session is not None:
            await self.session.close()

    def routes(self) -> list[web.RouteDef]:
        # Events and card callbacks may be configured to one URL or two; both are the same envelope.
        return [web.post("/feishu/events", self.handle_http), web.post("/feishu/card", self.handle_http)]

    # ---- enrichment ----------------------------------------------------------------------------------

    async def enrich(self, event: Event) -> Event:
        """Fill in names, email and timezone from the contact API (cached) before processing."""
        return await with_profiles(event, self._profile)

    async def _profile(self, ref: UserRef) -> UserRef:
        info = await self.profiles.get(ref.user_id)
        if not info:
            return ref
        # No per-user language in the contact API: the language people write in decides (i18n.detect).
        return dataclasses.replace(
            ref, name=str(info.get("name") or info.get("en_name") or ref.name or ref.user_id),
            timezone=info.get("time_zone") or None,
            email=info.get("email") or info.get("enterprise_email") or None)

    # ---- webhook -------------------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        # A refusal (Rejected, Malformed: 4xx) or a store that failed (Unavailable: 503, Feishu re-pushes) is
        # answered and logged once by bot/web.py's middleware.
        body = await request.read()
        return web.json_response(await self.receive(body, request.headers))

    async def receive(self, raw: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        """One webhook request: authenticate, decrypt, answer a challenge, or store the event; the answer body.

        The signature (over the raw body) is checked first when present; Feishu sends the url_verification
        challenge unsigned, so a request without one may only be that.
        """
        signed = any(k.lower() == "x-lark-signature" for k in headers)
        if signed:
            self.verifier.check_signature(headers, raw)
        body = _object(raw)
        plain = self.verifier.open(body)
        if plain is not None:
            body = _object(plain)
        kind, token = translate.envelope(body)
        self.verifier.check_token(token)
        challenge = translate.url_challenge(body)
        if challenge is not None:
            return {"challenge": challenge}
        if not signed and self.config.encrypt_key:
            raise Rejected("missing signature")
        return await self._dispatch(kind, body)

    async def receive_trusted(self, raw: bytes) -> dict[str, Any]:
        """An event from the long connection: authenticated when it connected, plaintext frames."""
        body = _object(raw)
        kind, _ = translate.envelope(body)
        return await self._dispatch(kind, body)

    async def _dispatch(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        if kind == translate.MESSAGE:
            self._note_chat_type(body)
            event = translate.message_event(body, bot_open_id=self.bot_user_id)
            if event is not None:
                await self._accept(event)
            return {}
        if kind == translate.CARD_ACTION:
            return await self._click(body)
        return {}  # events we do not use (bot added to a chat, message read...): acknowledged, nothing stored

    def _note_chat_type(self, body: dict[str, Any]) -> None:
        """Remember one-to-one chats: a private note cannot be an ephemeral message there (sender.py)."""
        message = (body.get("event") or {}).get("message")
        sender = getattr(self, "sender", None)
        if sender is None or not isinstance(message, dict) or message.get("chat_type") != "p2p":
            return
        chat = message.get("chat_id")
        if isinstance(chat, str) and chat and len(sender.p2p_chats) < 100_000:
            sender.p2p_chats.add(chat)

    async def _accept(self, event: Event) -> bool:
        try:
            return await self.accept(event)
        except Exception as exc:  # the inbox write failed: 503, and Feishu pushes the event again later
            raise Unavailable("the inbox write failed") from exc

    async def _click(self, body: dict[str, Any]) -> dict[str, Any]:
        """Store the click, then wait (bounded) for its outcome: a toast, and the new card for everyone."""
        event = translate.card_action(body)
        if event is None:
            return {}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.card_wait
        message = translate.clicked_message(body)
        if message is None:
            await self._accept(event)
            return {}
        waiter = self.answers.expect(message, event.user.user_id)
        try:
            if not await self._accept(event):  # a re-push of a click we have: its answer went out already
                return {}
            await asyncio.wait({waiter.future}, timeout=max(0.0, deadline - loop.time()))
        finally:
            self.answers.forget(waiter)
        if waiter.future.done():
            return waiter.future.result()
        logger.info("card click %s answered late: the card will be patched", event.event_id)
        return {}


def _object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser's stack (~1,000)
        raise Malformed("body is not JSON") from None
    if not isinstance(body, dict):
        raise Malformed("body is not a JSON object")
    return body
