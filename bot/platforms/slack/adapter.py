"""Slack inside pmo-bot: bolt AsyncApp over HTTP (/slack/events) or Socket Mode, feeding the intake.

Every request is acknowledged only after its event is committed to the inbox (bolt runs with
process_before_response=True, so the 200 waits for our listener; bolt's default background mode lost rows
under load here). The signature is checked by us before bolt sees the body, so a malformed but signed body
gets a 400 instead of a crash, and bolt does not hash it twice. Every request costs CPU on the event loop, so
this path avoids repeated work: the HMAC key is prepared once, a JSON body is parsed once (by bolt), and bolt's
middleware that only serves listeners we do not have (assistant `say`/`set_status` kwargs) is off.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

from bot.core import forms, i18n
from bot.core.events import Event, UserRef
from bot.platforms.base import Deps, with_profiles
from bot.platforms.shape import DATA_ERRORS, RETRY_AFTER, Malformed, Refused, Unavailable, log_failure
from bot.platforms.slack import DEFAULT_API_URL, SlackConfig, render, translate
from bot.platforms.slack.sender import SlackProfiles, SlackSender, web_client
from bot.platforms.watchdog import SLACK_REJECTED, CredentialsRejected, watch_socket_mode

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_API_URL", "SlackAdapter", "SlackConfig"]
REPLAY_WINDOW = 300  # seconds: Slack's documented window for X-Slack-Request-Timestamp
NO_RETRY = {"X-Slack-No-Retry": "1"}  # on a non-2xx answer: Slack does not send the request again


SOCKET_PING_INTERVAL = 10.0  # Socket Mode pings (bolt's default); the watchdog allows 4 unanswered


class SlackAdapter:
    name = translate.PLATFORM

    def __init__(self, config: SlackConfig, deps: Deps) -> None:
        self.config = config
        self.deps = deps
        self.connections = deps.connections
        self._watch: asyncio.Task[None] | None = None
        self.accept = deps.accept
        self.default_locale = deps.default_locale
        self.session: aiohttp.ClientSession | None = None
        self.bot_user_id = config.bot_user_id
        self.bot_id: str | None = None
        self._socket: Any = None
        # HMAC-SHA256 keyed with the signing secret, keyed once (copied per request). No secret: no HTTP requests.
        self._mac = hmac.new(config.signing_secret.encode(), digestmod=hashlib.sha256) if config.signing_secret else None

    async def start(self) -> SlackSender:
        """Open the HTTP session, learn the bot's ids (auth.test) and connect Socket Mode when configured."""
        self.session = aiohttp.ClientSession()
        self.client = web_client(self.config.bot_token, self.config.api_url, self.session)
        self.profiles = SlackProfiles(self.client)
        if self.bot_user_id is None:
            try:
                who = await self.client.auth_test()
                self.bot_user_id, self.bot_id = who.get("user_id"), who.get("bot_id")
            except Exception as exc:  # keep serving: app_mention still tells us we were addressed
                error = str(getattr(getattr(exc, "response", None), "get", lambda _: "")("error") or "")
                if error in SLACK_REJECTED:
                    await self.session.close()
                    raise CredentialsRejected(
                        f"Slack refused SLACK_BOT_TOKEN (auth.test: {error}): reinstall the app or copy the token "
                        f"again. Slack 拒绝了 SLACK_BOT_TOKEN（auth.test: {error}），请重新安装应用或重新复制令牌。"
                    ) from exc
                logger.error("slack auth.test failed: %r", exc)
        self.bolt = self._build_bolt()
        if self.config.app_token:
            self._socket = _socket_mode_handler()(self, self.config.app_token)
            await self._socket.connect_async()
            logger.info("slack socket mode connected")
            self._watch = watch_socket_mode(self._socket.client, self.connections.add("slack"))
        return SlackSender(self.client, self.session)

    async def stop(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self._socket is not None:
            await self._socket.close_async()
        if self.session is not None:
            await self.session.close()

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/slack/events", self.handle_http)]

    async def enrich(self, event: Event) -> Event:
        """Fill in names, timezone, locale and email from users.info (cached) before processing."""
        return await with_profiles(event, self._profile)

    async def _profile(self, ref: UserRef) -> UserRef:
        info = await self.profiles.get(ref.user_id)
        if not info:
            return ref
        profile = info.get("profile") or {}
        locale = str(info.get("locale") or "")[:2].lower() or None
        return dataclasses.replace(
            ref, name=str(profile.get("display_name") or info.get("real_name") or info.get("name") or ref.user_id),
            timezone=info.get("tz") or None, locale=locale if locale in i18n.LOCALES else None,
            email=profile.get("email") or None)

    # ---- HTTP transport ------------------------------------------------------------------------------

    async def handle_http(self, request: web.Request) -> web.Response:
        # A refusal (Refused: 4xx) or a store that failed (Unavailable: 503, Slack retries) is answered and logged
        # once by bot/web.py's middleware; what bolt catches itself, by `_on_error`. A refusal tells Slack not to
        # retry (it retries every non-2xx answer otherwise: three more refusals, three more log lines).
        try:
            return await self._handle_http(request)
        except Refused as refused:
            refused.headers.update(NO_RETRY)
            raise

    async def _handle_http(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = request.headers
        if not self._signed(body, headers.get("X-Slack-Request-Timestamp", ""), headers.get("X-Slack-Signature", "")):
            raise Refused("invalid signature", 401)
        text = body.decode("utf-8", errors="replace")
        content_type = request.content_type
        # A JSON body is parsed once, by bolt: one that starts with "{" and parses is an object, one that does not
        # parse raises ValueError there. Form bodies (commands, interactivity) are checked here first.
        is_json = content_type == "application/json"
        if not (text.lstrip().startswith("{") if is_json else _well_formed_form(text)):
            raise Malformed("body is neither a JSON object nor a form")
        response = await self.dispatch(text, query=request.query_string, headers=dict(headers))
        return web.Response(status=response.status, body=response.body.encode() if response.body else None,
                            headers=_plain_headers(response.headers))

    async def dispatch(self, body: str | dict[str, Any], *, mode: str = "http", query: str | None = None,
                       headers: dict[str, Any] | None = None) -> BoltResponse:
        """Parse (bolt), check the payload's shape (translate.check_payload), then run bolt's listeners."""
        try:
            bolt_request = AsyncBoltRequest(body=body, query=query, headers=headers, mode=mode)
        except DATA_ERRORS as exc:  # not JSON (or nested past the parser's stack), or bolt's context builder choked
            raise Malformed(f"slack body does not parse: {type(exc).__name__}") from None
        translate.check_payload(bolt_request.body)
        return await self.bolt.async_dispatch(bolt_request)

    def _signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Slack's v0 signature: HMAC-SHA256 over `v0:{timestamp}:{raw body}`, and a timestamp within 5 minutes
        (a replay of an old request is refused). The timestamp is unix seconds: ten digits until 2286; a longer
        one is no timestamp (and int() of thousands of digits is slow, then too large for a float)."""
        if self._mac is None or not signature.isascii() or not timestamp.isascii() or not timestamp.isdigit():
            return False
        if len(timestamp) > 12 or abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
            return False
        mac = self._mac.copy()
        mac.update(b"v0:" + timestamp.encode() + b":")
        mac.update(body)
        return hmac.compare_digest("v0=" + mac.hexdigest(), signature)

    # ---- bolt listeners ------------------------------------------------------------------------------

    def _build_bolt(self) -> AsyncApp:
        async def authorize(**_: Any) -> AuthorizeResult:
            # No auth.test per request: the ids were learnt once at start.
            return AuthorizeResult(enterprise_id=None, team_id=None, bot_user_id=self.bot_user_id,
                                   bot_id=self.bot_id, bot_token=self.config.bot_token)

        bolt = AsyncApp(client=self.client, authorize=authorize, process_before_response=True,
                        request_verification_enabled=False,  # checked in handle_http; Socket Mode has none
                        ignoring_self_events_enabled=False,  # translate() drops our own messages itself
                        attaching_conversation_kwargs_enabled=False,  # our listeners take only body and ack
                        raise_error_for_unhandled_request=True)  # to _on_error: one log line, not bolt's essay
        bolt.error(self._on_error)
        bolt.event("message")(self._on_message)
        bolt.event("app_mention")(self._on_message)
        bolt.event("app_home_opened")(self._on_home)
        bolt.event(re.compile(".*"))(self._ignore)  # unhandled events would get 404 and be retried
        bolt.action(re.compile(".*"))(self._on_action)
        bolt.command(re.compile(".*"))(self._on_command)
        bolt.shortcut(translate.SHORTCUT_CALLBACK)(self._on_shortcut)
        for callback in (translate.MODAL_CALLBACK, translate.FORM_CALLBACK, translate.CHANGE_MODAL,
                         translate.REJECT_MODAL):
            bolt.view(callback)(self._on_view)
        return bolt

    async def _on_error(self, error: Exception) -> BoltResponse:
        """What bolt caught (in its middleware or our listeners): the answer and one log line."""
        if isinstance(error, BoltUnhandledRequestError):  # a well-formed payload no listener takes
            logger.info("slack request not handled: %s", _kind(error.body))
            return BoltResponse(status=404, body=json.dumps({"error": "not handled"}),
                                headers={"content-type": "application/json", **NO_RETRY})
        if self.deps.outage(error) is not None:  # the intake logged the database fault once for the batch
            return BoltResponse(status=503, body=json.dumps({"error": "storage unavailable"}),
                                headers={"content-type": "application/json", "retry-after": RETRY_AFTER})
        status, reason = log_failure("slack request", error)
        headers: dict[str, str | Sequence[str]] = {"content-type": "application/json"}
        headers.update({"retry-after": RETRY_AFTER} if status >= 500 else NO_RETRY)
        return BoltResponse(status=status, body=json.dumps({"error": reason}), headers=headers)

    async def _store(self, event: Event | None) -> None:
        if event is None:
            return
        try:
            await self.accept(event)
        except Exception as exc:  # the inbox write failed: 503, and Slack retries
            raise Unavailable("the inbox write failed") from exc

    async def _on_message(self, body: dict[str, Any], ack: AsyncAck) -> None:
        event = body.get("event") or {}
        in_thread = False
        if event.get("thread_ts") and event.get("channel") and not str(event["channel"]).startswith("D"):
            in_thread = await self._bot_in_thread(event["channel"], event["thread_ts"])
        await self._store(translate.message_event(body, bot_user=self.bot_user_id, bot_in_thread=in_thread))
        await ack()

    async def _bot_in_thread(self, channel: str, thread_ts: str) -> bool:
        return await self.deps.posted_in_thread(translate.PLATFORM, channel, thread_ts)

    async def _on_home(self, body: dict[str, Any], ack: AsyncAck) -> None:
        await self._store(translate.home_opened(body))
        await ack()

    async def _ignore(self, ack: AsyncAck) -> None:
        await ack()

    async def _on_action(self, body: dict[str, Any], ack: AsyncAck) -> None:
        action = (body.get("actions") or [{}])[0] or {}
        spec = translate.form_of(action)
        if spec is not None:
            # A button that opens a form (the neutral Button's `form`): trigger_id lives for 3 s, so the modal
            # opens now; its submission is the event, checked like any other.
            await ack()
            await self._open_form(body, spec, str(action.get("value") or ""))
            return
        await self._store(translate.block_action(body))
        await ack()

    async def _open_form(self, body: dict[str, Any], spec: forms.FormSpec, button: str) -> None:
        locale = await self._locale((body.get("user") or {}).get("id", ""))
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        view = render.form_modal(spec, button=button, channel=channel,
                                 thread=container.get("thread_ts") or container.get("message_ts"),
                                 t=lambda key, **kw: i18n.t(locale, key, **kw))
        await self._open(body, view)

    async def _open(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        try:
            await self.client.views_open(trigger_id=body.get("trigger_id", ""), view=view)
        except SlackApiError as exc:  # Slack's answer (expired_trigger_id, invalid_arguments …): one line
            logger.warning("slack views.open failed: %s", exc.response.get("error"))
        except Exception:
            logger.exception("views.open failed")

    async def _labels(self, user_id: str, keys: tuple[str, ...]) -> dict[str, str]:
        """Modal labels in the clicker's Slack language (users.info, cached)."""
        locale = await self._locale(user_id)
        return {k: i18n.t(locale, f"modal.{k}") for k in keys}

    async def _locale(self, user_id: str) -> str:
        profile = await self.profiles.get(user_id)
        if profile and str(profile.get("locale") or "")[:2] in i18n.LOCALES:
            return str(profile["locale"])[:2]
        return self.default_locale

    async def _on_command(self, body: dict[str, Any], ack: AsyncAck) -> None:
        await self._store(translate.slash_command(body))
        await ack()  # an empty ack: the answer follows through response_url

    async def _on_view(self, body: dict[str, Any], ack: AsyncAck) -> None:
        submission = translate.view_submission(body)
        if submission is not None:  # a bad value: Slack shows it next to the field and the modal stays open
            locale = await self._locale(submission.user.user_id)
            found = forms.problems(submission.form, submission.values, lambda key, **kw: i18n.t(locale, key, **kw))
            errors = {translate.error_block(body, name): text[:150] for name, text in found.items()}
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        await self._store(submission)
        await ack()

    async def _on_shortcut(self, body: dict[str, Any], ack: AsyncAck) -> None:
        """Open the "new task" modal at once: trigger_id lives for 3 s, too short for the outbox."""
        await ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id")
        thread = message.get("thread_ts") or message.get("ts")
        labels = await self._labels((body.get("user") or {}).get("id", ""),
                                    ("modal_title", "submit", "title", "assignee", "due", "priority", "estimate"))
        view = render.task_modal(title=translate.plain_text(message.get("text") or ""), channel=channel,
                                 thread=thread, labels=labels)
        await self._open(body, view)


def _socket_mode_handler() -> type:
    """The Socket Mode handler class (imported only when Socket Mode is configured)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.adapter.socket_mode.async_internals import send_async_response
    from slack_bolt.adapter.socket_mode.internals import build_headers
    from slack_sdk.socket_mode.response import SocketModeResponse

    class SocketMode(AsyncSocketModeHandler):
        """bolt's Socket Mode handler, through `SlackAdapter.dispatch` like an HTTP request. A payload we refuse
        (4xx) is logged once and acked: Slack would send it again otherwise, and it cannot become well-formed.
        A fault of ours (5xx) is not acked, so Slack retries it."""

        def __init__(self, adapter: SlackAdapter, app_token: str) -> None:
            super().__init__(adapter.bolt, app_token, ping_interval=SOCKET_PING_INTERVAL)
            self.adapter = adapter
            self.client.message_listeners.append(self._envelope)

        async def _envelope(self, client: Any, message: dict[str, Any], _raw: str | None) -> None:
            """An envelope whose payload is no object: slack_sdk would fail to build a request from it (a
            traceback, no ack, and Slack sends it again). Ack it, drop its payload so none is built, log once."""
            if "envelope_id" in message and "payload" in message and not isinstance(message["payload"], dict):
                logger.warning("slack socket mode envelope refused (acked): payload is %s",
                               type(message["payload"]).__name__)
                await client.send_socket_mode_response(SocketModeResponse(envelope_id=message["envelope_id"]))
                del message["payload"]

        async def handle(self, client: Any, req: Any) -> None:
            start = time.time()
            try:
                response = await self.adapter.dispatch(req.payload, mode="socket_mode", headers=build_headers(req))
            except Exception as exc:
                status, _ = log_failure("slack socket mode envelope", exc)
                response = BoltResponse(status=status)
            if 400 <= response.status < 500:
                await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            await send_async_response(client, req, response, start)

    return SocketMode


def _kind(body: Any) -> str:
    if not isinstance(body, dict):
        return "?"
    return str(body.get("type") or ("command " + str(body.get("command")) if "command" in body else "?"))[:80]


def _well_formed_form(text: str) -> bool:
    """A form body must carry fields, and a JSON object in `payload` if it carries one at all."""
    try:
        form = parse_qs(text, keep_blank_values=True)
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return bool(form)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's stack
        return False


def _plain_headers(headers: dict[str, Any]) -> dict[str, str]:
    """bolt's response headers (lists of values) as aiohttp wants them; aiohttp sets Content-Length itself."""
    return {k: str(v[0]) if isinstance(v, list | tuple) else str(v) for k, v in headers.items()
            if k.lower() != "content-length"}
