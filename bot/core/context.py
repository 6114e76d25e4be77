"""What a handler gets besides its intent: the session, the actor, where the event came from, the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import Attachment
from bot.core.i18n import t
from bot.core.replies import Confirm, Reply
from bot.core.workdays import WorkingHours
from storage import audit
from storage.models import Chat, Person


@dataclass(frozen=True, slots=True)
class Settings:
    """Rules that deployments tune (documented in the README's configuration table)."""

    default_tz: str = "Asia/Shanghai"
    default_locale: str = "zh"
    workday_end: dt.time = dt.time(18, 0)
    day_hours: float = 8.0
    workday_start: dt.time = dt.time(9, 0)
    workday_break: tuple[dt.time, dt.time] | None = (dt.time(12, 0), dt.time(13, 0))
    max_title: int = 200
    max_note: int = 500
    log_window_days: int = 31  # a work log dated further back asks first (issue 13)

    @property
    def working_hours(self) -> WorkingHours:
        """The office hours that "working hours" count (approval SLA, approval lead time)."""
        return WorkingHours(self.workday_start, self.workday_end, self.workday_break)


@dataclass(slots=True)
class Ctx:
    session: AsyncSession
    now: dt.datetime  # aware, UTC
    platform: str
    event_id: str
    actor: Person | None  # None for the admin CLI
    actor_ref: str  # the actor's id on this platform ("cli" for the admin CLI)
    chat: Chat | None  # None in a direct message
    locale: str
    tz: str
    settings: Settings = field(default_factory=Settings)
    notices: list[str] = field(default_factory=list)
    roles: dict[int, str | None] = field(default_factory=dict)  # project id -> the actor's role, this event
    text: str = ""  # the message as written (for answers to a question the bot asked)
    files: tuple[Attachment, ...] = ()  # files the message came with

    @property
    def actor_id(self) -> int | None:
        return self.actor.id if self.actor else None

    @property
    def is_pmo(self) -> bool:
        return self.actor is None or self.actor.is_pmo

    def t(self, msg: str, /, **params: Any) -> str:
        return t(self.locale, msg, **params)

    def confirm(self, what: str, /, **params: Any) -> Confirm:
        """The platform's confirm dialog for a button that undoes something (catalogue: confirm.<what>)."""
        return Confirm(title=self.t("confirm.title"), text=self.t(f"confirm.{what}", **params),
                       ok=self.t("confirm.ok"), cancel=self.t("confirm.cancel"))

    def local_now(self, tz: str | None = None) -> dt.datetime:
        return self.now.astimezone(ZoneInfo(tz or self.tz))

    def today(self, tz: str | None = None) -> dt.date:
        return self.local_now(tz).date()

    def reply(self, text: str, **kw: Any) -> Reply:
        """A reply to where the event came from, with any notices (text cut, etc.) appended."""
        if self.notices:
            text = "\n".join([text, *self.notices])
            self.notices.clear()
        kw["extra"] = {"locale": self.locale, **kw.get("extra", {})}  # the reader's language (Feishu posts)
        return Reply(text=text, **kw)

    async def audit(self, action: str, entity: str, *, project_id: int | None = None,
                    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> None:
        await audit.append(self.session, actor_id=self.actor_id, action=action, entity=entity, at=self.now,
                           project_id=project_id, before=before, after=after, event_id=self.event_id)
