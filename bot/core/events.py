"""What platforms hand the bot: neutral events, the same for every platform adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: str
    user_id: str
    name: str = ""
    locale: str | None = None
    timezone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that came with a message, as the platform describes it: a name for people, a reference the
    platform can resolve (`slack:F0123` / `feishu:<message id>/<file key>`) and a link where there is one."""

    name: str
    ref: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A message addressed to the bot. `chat` is None for a direct message."""

    platform: str
    event_id: str
    user: UserRef
    text: str
    chat: str | None = None
    thread: str | None = None
    mentions: tuple[UserRef, ...] = ()  # people mentioned, as the platform describes them
    reply_url: str | None = None  # where a slash command's answer goes (Slack response_url)
    files: tuple[Attachment, ...] = ()  # files that came with the message (uploads, images in a rich post)


@dataclass(frozen=True, slots=True)
class CardAction:
    """A click on a card button; `action` is the button id, `message` the clicked message's platform id."""

    platform: str
    event_id: str
    user: UserRef
    action: str
    chat: str | None = None
    thread: str | None = None
    message: str | None = None
    # where the click's answer goes when the card lives where the bot may not be (Slack: a card a slash command
    # posted through response_url; the click's own response_url replaces it)
    reply_url: str | None = None


@dataclass(frozen=True, slots=True)
class FormSubmission:
    """A submitted form (a Slack modal, a Feishu card form); `form` names it, `values` are its fields."""

    platform: str
    event_id: str
    user: UserRef
    form: str
    values: dict[str, Any] = field(default_factory=dict)
    chat: str | None = None
    thread: str | None = None


@dataclass(frozen=True, slots=True)
class HomeOpened:
    """The user opened the bot's home view (Slack App Home)."""

    platform: str
    event_id: str
    user: UserRef
    chat: str | None = None
    thread: str | None = None


Event = IncomingMessage | CardAction | FormSubmission | HomeOpened
