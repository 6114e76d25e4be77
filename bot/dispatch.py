"""One event, one unit of work: inbox -> actor -> parse -> route -> handler -> commit (domain + audit + outbox)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import nlu
from bot.core import i18n, outbound
from bot.core.context import Ctx, Settings
from bot.core.errors import UserError
from bot.core.events import (
    Attachment,
    CardAction,
    Event,
    FormSubmission,
    HomeOpened,
    IncomingMessage,
    UserRef,
)
from bot.core.outbound import Kind, Outbound, Ref
from bot.core.replies import Card, Reply
from bot.core.router import Router
from bot.core.workdays import WorkCalendar, load_calendar
from bot.metrics import Metrics
from storage import inbox, people, projects
from storage.db import Database, outage
from storage.models import Chat, Person, Project

logger = logging.getLogger(__name__)

MAX_TEXT = 4000
CALENDAR_TTL = 60.0  # seconds: how stale the admins' calendar overrides may be when parsing "3个工作日"
# A message read as one of these may instead answer a question the bot asked ("which date?", "why?"): the intent
# classes that declare `answers` (bot/nlu/intents.py).
ANSWERABLE = nlu.intents.ANSWERABLE


def utc_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # handled, duplicate, rejected, failed
    replies: int = 0


class Dispatcher:
    def __init__(self, db: Database, router: Router, *, settings: Settings | None = None,
                 clock: Callable[[], dt.datetime] = utc_clock, metrics: Metrics | None = None,
                 bot_ids: Mapping[str, str] | None = None) -> None:
        self.db = db
        self.router = router
        self.settings = settings or Settings()
        self.clock = clock
        self.metrics = metrics or Metrics()
        self.bot_ids = bot_ids if bot_ids is not None else {}  # the composition root's, filled as platforms start
        self._cal: tuple[float, WorkCalendar] | None = None
        self._keys: tuple[float, frozenset[str]] | None = None  # project keys for the parser, per process

    async def handle(self, event: Event) -> Outcome:
        """Record and process one event in one unit of work (the console's path)."""
        return await self._run(event, inbox_id=None)

    async def process(self, inbox_id: int, event: Event) -> Outcome:
        """Process an event an adapter already stored in the inbox (acked before processing).

        Claiming the row (received -> done) in the same unit of work makes processing happen once,
        even when a recovery sweep or another replica picks up the same row.
        """
        return await self._run(event, inbox_id=inbox_id)

    async def _run(self, event: Event, *, inbox_id: int | None) -> Outcome:
        """Process one event exactly once; anything that goes wrong rolls back and is answered."""
        started = time.perf_counter()
        now = self.clock()
        locale = self.settings.default_locale
        try:
            async with self.db.unit_of_work() as session:
                if not await _take(session, event, inbox_id, status="done", now=now):
                    outcome = Outcome("duplicate")
                else:
                    ctx = await self._context(session, event, now)
                    locale = ctx.locale
                    replies = await self._route(event, ctx)
                    await outbound.enqueue(session, self._outbound(event, replies), now=now)
                    outcome = Outcome("handled", len(replies))
        except UserError as refusal:
            text = i18n.t(locale, refusal.key, **refusal.params)
            card = Card(title="", buttons=refusal.buttons) if refusal.buttons else None
            outcome = await self._refuse(event, now, text, "rejected", inbox_id, card)
        except Exception as exc:
            if outage(exc) is not None:
                # The database went away (a restart, a full disk), not the event: everything rolled back, and the
                # row stays received for the next try. Answering "internal error" would mark an acked event done
                # without applying it.
                raise
            ref = uuid.uuid4().hex[:8]
            if inbox_id is None:
                logger.exception("event failed", extra={"event_id": event.event_id, "ref": ref})
            # An inbox event whose refusal fails too is the intake's to count, retry and log once (bot/intake.py)
            outcome = await self._refuse(event, now, i18n.t(locale, "error.internal", ref=ref), "failed", inbox_id)
            if inbox_id is not None:
                logger.exception("event failed", extra={"event_id": event.event_id, "ref": ref})
        elapsed = time.perf_counter() - started
        self.metrics.events[outcome.status] += 1
        self.metrics.observe(elapsed)
        logger.info("event %s", outcome.status, extra={"event_id": event.event_id, "platform": event.platform,
                                                          "duration_ms": round(elapsed * 1000, 2)})
        return outcome

    async def _refuse(self, event: Event, now: dt.datetime, text: str, status: str,
                      inbox_id: int | None, card: Card | None = None) -> Outcome:
        """Record the event as seen (so a retry is not re-run) and answer; nothing else is kept."""
        async with self.db.unit_of_work() as session:
            if not await _take(session, event, inbox_id, status=status, now=now):
                return Outcome("duplicate")
            # Knowing who wrote is not a change they asked for: keep the person even when refusing.
            await _person(session, event.platform, event.user, pmo_if_first=True)
            await outbound.enqueue(session, self._outbound(event, [Reply(text=text, card=card)]), now=now)
        return Outcome(status, 1)

    async def _context(self, session: AsyncSession, event: Event, now: dt.datetime) -> Ctx:
        user = event.user
        actor = await _person(session, event.platform, user, pmo_if_first=True)
        chat = await projects.chat(session, event.platform, event.chat) if event.chat else None
        text = event.text if isinstance(event, IncomingMessage) else ""
        for mentioned in event.mentions if isinstance(event, IncomingMessage) else ():
            # People the platform told us about become known, so "<@U2>" reads as a name in replies.
            await _person(session, event.platform, mentioned)
        project_tz, project_locale = await _chat_project_prefs(session, chat)
        said = i18n.detect(text)
        if said and said != actor.seen_locale:
            actor.seen_locale = said
        # An explicit (or platform) locale wins; else the language of this message, else of the last one.
        locale = actor.locale or said or actor.seen_locale or project_locale or self.settings.default_locale
        tz = actor.timezone or project_tz or self.settings.default_tz
        return Ctx(session=session, now=now, platform=event.platform, event_id=event.event_id, actor=actor,
                   actor_ref=user.user_id, chat=chat, locale=locale, tz=tz, settings=self.settings, text=text,
                   files=event.files if isinstance(event, IncomingMessage) else ())

    async def _route(self, event: Event, ctx: Ctx) -> list[Reply]:
        if isinstance(event, CardAction):
            action_handler = self.router.for_action(event.action)
            if action_handler is None:
                raise UserError("action.unknown")
            return await action_handler(event.action, ctx)
        if isinstance(event, FormSubmission):
            form_handler = self.router.for_form(event.form)
            if form_handler is None:
                raise UserError("action.unknown")
            return await form_handler(event.values, ctx)
        if isinstance(event, HomeOpened):
            return await self.router.home(None, ctx)
        text = event.text
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
            ctx.notices.append(ctx.t("notice.message_cut", limit=MAX_TEXT))
        calendar = await self._calendar(ctx.session)
        intent = nlu.parse(text, now=ctx.local_now(), tz=ctx.tz, bot_id=self.bot_ids.get(event.platform),
                           workday_end=self.settings.workday_end, day_hours=self.settings.day_hours,
                           is_workday=calendar.is_workday, holidays=calendar.holiday_period,
                           known_keys=await self._known_keys(ctx.session))
        if isinstance(intent, nlu.Admin) and intent.action == "create_project":
            self._keys = None  # the next message may name the new project, even when its key is a word
        if isinstance(intent, ANSWERABLE):
            for answer in self.router.answers:
                answered = await answer(intent, ctx)
                if answered is not None:
                    return answered
        handler = self.router.for_intent(intent)
        if handler is None:
            raise LookupError(f"no handler for {type(intent).__name__}")
        return await handler(intent, ctx)

    async def _calendar(self, session: AsyncSession) -> WorkCalendar:
        """The working-day calendar with the admins' overrides, re-read at most once a minute."""
        if self._cal is None or time.monotonic() - self._cal[0] > CALENDAR_TTL:
            self._cal = (time.monotonic(), await load_calendar(session))
        return self._cal[1]

    async def _known_keys(self, session: AsyncSession) -> frozenset[str]:
        """The project keys, so "QA 进度" names project QA; re-read when this process creates a project, and at
        most a minute late for one created elsewhere (the admin CLI, another replica)."""
        if self._keys is None or time.monotonic() - self._keys[0] > CALENDAR_TTL:
            self._keys = (time.monotonic(), frozenset(await projects.all_keys(session)))
        return self._keys[1]

    @staticmethod
    def _outbound(event: Event, replies: list[Reply]) -> list[Outbound]:
        """What each reply sends: back where the event came from unless it names a chat or a user."""
        return [_outbound_of(event, reply) for reply in replies]


def _outbound_of(event: Event, reply: Reply) -> Outbound:
    to_origin = reply.user is None and reply.chat is None
    if reply.user is not None:
        chat, user = None, reply.user
    elif reply.chat is not None:
        chat, user = reply.chat, None
    else:
        chat, user = event.chat, (event.user.user_id if event.chat is None else None)
    # One notion of "in a thread": a platform thread id, or the thread of a message tagged earlier.
    thread_id = reply.thread or (event.thread if to_origin else None)
    thread = Ref(tag=reply.in_thread_of) if reply.in_thread_of else Ref(id=thread_id) if thread_id else None
    kind, target = (Kind.CARD if reply.card else Kind.MESSAGE), None
    if reply.home:
        kind, chat, user = Kind.HOME, None, event.user.user_id
    elif reply.replace and isinstance(event, CardAction) and event.message:
        kind, target = Kind.UPDATE, Ref(id=event.message)
    elif reply.ephemeral and to_origin and event.chat is not None:
        kind, user = Kind.EPHEMERAL, event.user.user_id
    if reply.update_tagged:
        kind, target = Kind.UPDATE, Ref(tag=reply.update_tagged)
    response_url = event.reply_url if to_origin and isinstance(event, IncomingMessage | CardAction) else None
    return outbound.of_reply(reply, platform=reply.platform or event.platform, kind=kind, chat=chat, user=user,
                             thread=thread, target=target, response_url=response_url)


async def _take(session: AsyncSession, event: Event, inbox_id: int | None, *, status: str,
                now: dt.datetime) -> bool:
    """Make this unit of work the one that handles the event: record it (console) or claim the stored row
    (platforms). False when it was handled already."""
    if inbox_id is None:
        return await inbox.record(session, platform=event.platform, event_id=event.event_id,
                                  payload=payload_of(event), now=now, status=status) is not None
    return await inbox.claim(session, inbox_id, status=status, now=now)


async def _person(session: AsyncSession, platform: str, ref: UserRef, *, pmo_if_first: bool = False) -> Person:
    """The person behind a platform user, known from now on (the writer of an event may become PMO)."""
    person, _ = await people.get_or_create(session, platform=platform, external_id=ref.user_id, name=ref.name,
                                           locale=ref.locale, timezone=ref.timezone, email=ref.email,
                                           pmo_if_first=pmo_if_first)
    return person


async def _chat_project_prefs(session: AsyncSession, chat: Chat | None) -> tuple[str | None, str | None]:
    if chat is None or chat.project_id is None:
        return None, None
    project = await session.get(Project, chat.project_id)
    return (project.timezone, project.locale) if project else (None, None)


def payload_of(event: Event) -> dict[str, Any]:
    """The inbox copy of an event, enough to rebuild it (`event_of`) after a crash.

    Every platform event passes here before its ack, so this is `dataclasses.asdict` without its deep copies,
    which cost most of it: the copy is turned into JSON at once and never changed."""
    data = {name: _plain(getattr(event, name)) for name in _field_names(type(event))}
    data["kind"] = _KINDS[type(event)]
    if isinstance(event, IncomingMessage) and len(event.text) > MAX_TEXT * 4:
        data["text"] = event.text[: MAX_TEXT * 4]  # keep the inbox row bounded
    return data


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def _plain(value: Any) -> Any:
    """A dataclass field as JSON-ready data, like `dataclasses.asdict` does it (tuples become lists)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    return value


_KINDS: dict[type, str] = {IncomingMessage: "message", CardAction: "action", FormSubmission: "form",
                           HomeOpened: "home"}
_TYPES = {kind: cls for cls, kind in _KINDS.items()}


def event_of(data: dict[str, Any]) -> Event:
    fields = {k: v for k, v in data.items() if k != "kind"}
    fields["user"] = UserRef(**fields["user"])
    if "mentions" in fields:
        fields["mentions"] = tuple(UserRef(**m) for m in fields["mentions"] or ())
    if "files" in fields:
        fields["files"] = tuple(Attachment(**f) for f in fields["files"] or ())
    event: Event = _TYPES[data.get("kind", "message")](**fields)
    return event


__all__ = ["Dispatcher", "Outcome"]
