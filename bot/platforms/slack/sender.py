"""Send outbox rows through the Slack Web API: post, update in place, ephemeral, DM, App Home, response_url."""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.outbound import Image, Kind, Ref
from bot.core.replies import Card
from bot.platforms.base import Outgoing, SendError
from bot.platforms.slack import render

logger = logging.getLogger(__name__)

# Errors that no retry will fix: log them with the method and give up on the message.
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "invalid_auth", "account_inactive", "token_revoked",
    "is_archived", "msg_too_long", "no_text", "invalid_blocks", "user_not_found", "cant_update_message",
    "message_not_found", "not_authed", "missing_scope", "restricted_action", "invalid_arguments",
})
CHANNEL_INTERVAL = 1.0  # chat.postMessage: about one message per second per channel


def web_client(token: str, base_url: str, session: aiohttp.ClientSession) -> AsyncWebClient:
    # A shared session: without one, slack_sdk opens an aiohttp session per call, a multiple of the CPU of a
    # call on a kept-alive connection (docs/operations.md, "Measured here").
    return AsyncWebClient(token=token, base_url=base_url.rstrip("/") + "/", session=session)


class SlackSender:
    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession) -> None:
        self.client = client
        self.session = session
        self._dm: dict[str, str] = {}
        self._next_slot: dict[str, float] = {}

    async def send(self, message: Outgoing) -> str | None:
        out = message.out
        text, card = out.text, out.card
        try:
            if out.response_url and not out.looked_up:  # not a tagged card's copies
                await self._respond(out.response_url, out.kind, text, card, thread=out.thread_id)
                return None
            if out.kind is Kind.IMAGE and out.image is not None:
                return await self._upload(message, out.image)
            if out.kind is Kind.HOME:
                await self.client.views_publish(user_id=out.user or "", view=render.home_view(text, card))
                return None
            if out.kind is Kind.UPDATE:
                target = out.target or Ref()
                if out.looked_up:  # a card posted earlier (delivery looked up where it went)
                    channel = target.chat or await self._dm_channel(target.user or "")
                    ts = target.id or ""
                else:  # the clicked card: "channel:ts"
                    channel, _, ts = (target.id or "").partition(":")
                await self.client.chat_update(channel=channel, ts=ts, text=render.fallback_text(text, card),
                                              blocks=render.blocks(text, card))
                return ts
            if out.kind is Kind.EPHEMERAL and out.chat:
                # thread_ts: a private note about a click in a thread shows in that thread
                await self.client.chat_postEphemeral(channel=out.chat, user=out.user or "",
                                                     text=render.fallback_text(text, card),
                                                     blocks=render.blocks(text, card), thread_ts=out.thread_id)
                return None
            channel = out.chat or await self._dm_channel(out.user or "")
            await self._pace(channel)
            mentions = " ".join(f"<@{m}>" for m in out.mentions if m.isalnum())
            fallback, blocks = render.fallback_text(text, card), render.blocks(text, card, reserve=1 if mentions else 0)
            if mentions:  # the people a risk or a summary names: real mentions, so Slack notifies them
                fallback += "\n" + mentions
                blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mentions}]})
            response = await self.client.chat_postMessage(
                channel=channel, text=fallback, blocks=blocks, thread_ts=out.thread_id, unfurl_links=False)
            return str(response.get("ts") or "") or None
        except SlackApiError as exc:
            raise _classify(exc) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SendError(f"slack network error: {exc!r}") from exc

    async def _upload(self, message: Outgoing, image: Image) -> str | None:
        """A chart or other image: files.uploadV2 (get an upload URL, PUT the bytes, complete)."""
        out = message.out
        channel = out.chat or await self._dm_channel(out.user or "")
        response = await self.client.files_upload_v2(
            channel=channel, content=base64.b64decode(image.data), filename=image.filename,
            title=image.title or out.text, thread_ts=out.thread_id, initial_comment=render.escape(out.text),
            # what a screen reader says for the chart (files.completeUploadExternal files[].alt_txt)
            alt_txt=str(image.alt or image.title or out.text or "chart")[:1000])
        file = response.get("file") or {}
        return str(file.get("id") or "") or None

    async def _dm_channel(self, user: str) -> str:
        if user not in self._dm:
            opened = await self.client.conversations_open(users=user)
            self._dm[user] = opened["channel"]["id"]
        return self._dm[user]

    async def _pace(self, channel: str) -> None:
        """About one message per second per channel; a busy channel waits without holding up the others."""
        now = time.monotonic()
        slot = self._next_slot.get(channel, 0.0)
        if slot - now > 0.25:  # short waits are absorbed; longer ones go back to the outbox
            raise SendError(f"pacing {channel}", retry_after=slot - now, deferred=True)
        self._next_slot[channel] = max(now, slot) + CHANNEL_INTERVAL
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _respond(self, url: str, kind: str, text: str, card: Card | None, *,
                       thread: str | None) -> None:
        """An answer through a response_url (a slash command's, or a click on a card that a slash command
        posted): an update replaces the clicked card; otherwise render.for_channel says who sees it."""
        body: dict[str, Any] = {"text": render.fallback_text(text, card),
                                "blocks": render.blocks(text, card, via_response_url=True)}
        if kind == "update":
            body["replace_original"] = True
        else:
            body.update(replace_original=False,
                        response_type="in_channel" if render.for_channel(kind, card) else "ephemeral")
            if thread:
                body["thread_ts"] = thread
        async with self.session.post(url, json=body) as resp:
            if resp.status == 429:
                raise SendError("response_url rate limited", retry_after=float(resp.headers.get("Retry-After", 1)))
            if resp.status >= 500:
                raise SendError(f"response_url HTTP {resp.status}")
            if resp.status >= 400:  # expired (30 min) or used up (5 responses): nothing will fix it
                raise SendError(f"response_url HTTP {resp.status}", permanent=True)


def _classify(exc: SlackApiError) -> SendError:
    response = exc.response
    error = str(response.get("error") or "")
    method = str(getattr(response, "api_url", "")).rsplit("/", 1)[-1]
    if response.status_code == 429:
        retry = float(response.headers.get("Retry-After", response.headers.get("retry-after", 1)))
        return SendError(f"{method}: rate limited", retry_after=retry)
    if error in PERMANENT:
        logger.error("slack %s failed permanently: %s", method, error)
        return SendError(f"{method}: {error}", permanent=True)
    return SendError(f"{method}: {error or response.status_code}")


class SlackProfiles:
    """users.info, cached: names, timezone, locale and email link Slack users to people."""

    TTL = 3600.0

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    async def get(self, user_id: str) -> dict[str, Any] | None:
        hit = self._cache.get(user_id)
        if hit and time.monotonic() - hit[0] < self.TTL:
            return hit[1]
        try:
            response = await self.client.users_info(user=user_id, include_locale=True)
        except (TimeoutError, SlackApiError, aiohttp.ClientError) as exc:
            logger.warning("users.info %s failed: %r", user_id, exc)
            return None
        user = dict(response.get("user") or {})
        self._cache[user_id] = (time.monotonic(), user)
        return user
