"""Everything the bot sends, typed: one `Outbound` per message, and the one codec to and from its outbox row.

Handlers return `Reply` (bot/core/replies.py); the dispatcher turns each into an `Outbound` for the event it
answers, jobs build `Outbound`s directly (`jobs/common.py`), delivery resolves the references in them and hands
them to the platform senders, which read attributes, never payload keys. `to_row` / `from_row` are the only
code that knows the stored shape (the outbox columns and the `payload` JSON); rows written before this module
existed have that same shape, so they decode unchanged.

References to other messages are one notion, `Ref`: the clicked card (its platform id), a message tagged
earlier (`tag`, e.g. "cr:12:chat"), or a row of the outbox (`outbox`, what a tagged update becomes). A thread
is a `Ref` too ("post in the thread of that message"), as is the message an update replaces. Delivery swaps a
tag or an outbox id for the platform id once that message is sent (`Ref.id`, with the chat or user it went to).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Card, Reply
from storage import outbox

TAG_REF = "tag:"  # a stored `thread` of "tag:cr:12:chat" means: the thread of the message tagged "cr:12:chat"


class Kind(enum.StrEnum):
    MESSAGE = "message"  # text (and no card)
    CARD = "card"  # a neutral card, with optional leading text
    UPDATE = "update"  # replace an earlier message in place (`target`)
    EPHEMERAL = "ephemeral"  # only `user` sees it, in `chat`
    HOME = "home"  # the user's home view (Slack App Home)
    IMAGE = "image"  # an uploaded picture (a chart) with its caption


class CannotSend(Exception):
    """A platform has no way to show this kind of message (and no text fallback would say the same)."""

    def __init__(self, platform: str, kind: Kind | str) -> None:
        super().__init__(f"platform {platform} cannot send {Kind(kind).value}")
        self.platform = platform
        self.kind = Kind(kind)


@dataclass(frozen=True, slots=True)
class Ref:
    """Another message: by its platform id, or by what finds it once it is sent (its tag, its outbox row).
    `chat` / `user`: where it was posted, known once delivery looked it up."""

    id: str | None = None
    tag: str | None = None
    outbox: int | None = None
    chat: str | None = None
    user: str | None = None

    @property
    def pending(self) -> bool:
        """Still named by tag or outbox row: delivery has to look up its platform id first."""
        return self.id is None and (self.tag is not None or self.outbox is not None)


@dataclass(frozen=True, slots=True)
class Image:
    data: str  # base64 PNG
    filename: str = "chart.png"
    title: str | None = None
    alt: str | None = None  # what a screen reader says


@dataclass(frozen=True, slots=True)
class Outbound:
    """One message to send. With `chat` it goes to that chat (`user` too: a private note there); with only
    `user`, to that person directly."""

    platform: str
    kind: Kind = Kind.MESSAGE
    text: str = ""
    card: Card | None = None
    chat: str | None = None
    user: str | None = None
    thread: Ref | None = None  # post in the thread of this message
    target: Ref | None = None  # kind UPDATE: the message to replace
    tag: str | None = None  # label this message so later ones can refer to it (Ref.tag)
    mentions: tuple[str, ...] = ()  # platform user ids to notify
    image: Image | None = None
    response_url: str | None = None  # answer through this URL (a Slack slash command's or its card's click)
    locale: str | None = None  # the reader's language, when the bot knows it
    job: str | None = None  # the scheduled job that produced it
    unknown: Mapping[str, Any] = field(default_factory=dict)  # payload keys this codec does not know: kept as read

    @property
    def thread_id(self) -> str | None:
        """The platform's thread id (None when not in a thread, or while it is still a tag)."""
        return self.thread.id if self.thread is not None else None

    @property
    def looked_up(self) -> bool:
        """An update of a message found through the outbox (a tagged card's copy), not the clicked one."""
        return self.target is not None and self.target.outbox is not None

    def degrade(self, can: Iterable[Kind]) -> Outbound:
        """This message in a kind the platform renders: itself, or a text fallback (a home view as a message,
        an image as its caption); CannotSend when neither (an update, a private note: no fallback says that)."""
        kinds = frozenset(can)
        if self.kind in kinds:
            return self
        fallback = Kind.CARD if self.card is not None else Kind.MESSAGE
        if self.kind in (Kind.HOME, Kind.IMAGE) and fallback in kinds:
            return dataclasses.replace(self, kind=fallback, image=None)
        raise CannotSend(self.platform, self.kind)


def of_reply(reply: Reply, **where: Any) -> Outbound:
    """A handler's reply as a message. `where` overrides what the reply names (platform, kind, chat, user,
    thread, target, response_url): the dispatcher knows the event it answers."""
    extra = dict(reply.extra or {})
    locale = extra.pop("locale", None)
    fields: dict[str, Any] = {
        "platform": reply.platform or "", "kind": Kind.CARD if reply.card else Kind.MESSAGE, "text": reply.text,
        "card": reply.card, "chat": reply.chat, "user": reply.user, "tag": reply.tag,
        "locale": str(locale) if locale else None, "unknown": {"extra": extra} if extra else {}}
    fields.update(where)
    return Outbound(**fields)


async def enqueue(session: AsyncSession, messages: Sequence[Outbound], *, now: dt.datetime) -> None:
    """Store messages in the caller's unit of work."""
    await outbox.enqueue(session, [to_row(out, created_at=now) for out in await expand(session, messages)])


async def expand(session: AsyncSession, messages: Sequence[Outbound]) -> list[Outbound]:
    """An update of every message tagged X becomes one update of each such message, by its outbox row:
    delivery finds where that message went once it is sent."""
    out: list[Outbound] = []
    for message in messages:
        target = message.target
        if message.kind is not Kind.UPDATE or target is None or target.tag is None or target.id is not None:
            out.append(message)
            continue
        out += [dataclasses.replace(message, platform=platform, chat=chat, user=user, thread=None, tag=None,
                                    target=Ref(outbox=target_id))
                for target_id, platform, chat, user in await outbox.tagged(session, target.tag)]
    return out


def to_row(out: Outbound, *, created_at: dt.datetime) -> dict[str, Any]:
    """The outbox row of a message: its columns and the `payload` JSON (only the keys in use)."""
    payload: dict[str, Any] = dict(out.unknown)
    payload["text"] = out.text
    payload["card"] = out.card.to_dict() if out.card is not None else None
    thread: str | None = None
    if out.thread is not None and out.thread.id is not None:
        thread = out.thread.id
    elif out.thread is not None and out.thread.tag is not None:
        thread = TAG_REF + out.thread.tag
    if out.target is not None:
        if out.target.outbox is not None:
            payload["target_outbox"] = out.target.outbox
        elif out.target.tag is not None:
            payload["update_tagged"] = out.target.tag
        elif out.target.id is not None:
            payload["target"] = out.target.id
    if out.response_url is not None:
        payload["response_url"] = out.response_url
    if out.locale is not None:
        payload["extra"] = dict(payload.get("extra") or {}, locale=out.locale)
    if out.mentions:
        payload["mentions"] = list(out.mentions)
    if out.image is not None:
        image: dict[str, Any] = {"data": out.image.data, "filename": out.image.filename}
        if out.image.title is not None:
            image["title"] = out.image.title
        if out.image.alt is not None:
            image["alt"] = out.image.alt
        payload["image"] = image
    if out.job is not None:
        payload["job"] = out.job
    return {"platform": out.platform, "chat": out.chat, "user": out.user, "thread": thread, "kind": out.kind.value,
            "payload": payload, "created_at": created_at, "tag": out.tag}


_KNOWN = frozenset({"text", "card", "target", "target_outbox", "update_tagged", "response_url", "extra", "mentions",
                    "image", "job"})


def from_row(*, platform: str, chat: str | None, user: str | None, thread: str | None, kind: str | None,
             payload: Mapping[str, Any] | None, tag: str | None = None) -> Outbound:
    """A stored row as a message (any row the bot has written, before this module or since)."""
    data = dict(payload or {})
    extra = dict(data.get("extra") or {})
    locale = extra.pop("locale", None)
    unknown = {k: v for k, v in data.items() if k not in _KNOWN}
    if extra:
        unknown["extra"] = extra
    ref: Ref | None = None
    if thread:
        ref = Ref(tag=thread[len(TAG_REF):]) if thread.startswith(TAG_REF) else Ref(id=thread)
    target: Ref | None = None
    if data.get("target_outbox") is not None:
        target = Ref(outbox=int(data["target_outbox"]))
    elif data.get("update_tagged"):
        target = Ref(tag=str(data["update_tagged"]))
    elif data.get("target"):
        target = Ref(id=str(data["target"]))
    image = data.get("image")
    return Outbound(
        platform=platform, kind=Kind(kind or Kind.MESSAGE), text=str(data.get("text") or ""),
        card=Card.from_dict(data["card"]) if isinstance(data.get("card"), dict) else None, chat=chat, user=user, thread=ref, target=target, tag=tag,
        mentions=tuple(str(m) for m in data.get("mentions") or ()),
        image=Image(data=str(image.get("data") or ""), filename=str(image.get("filename") or "chart.png"),
                    title=image.get("title"), alt=image.get("alt")) if isinstance(image, dict) else None,
        response_url=data.get("response_url") or None, locale=str(locale) if locale else None,
        job=data.get("job"), unknown=unknown)


__all__ = ["TAG_REF", "CannotSend", "Image", "Kind", "Outbound", "Ref", "enqueue", "expand", "from_row", "of_reply", "to_row"]
