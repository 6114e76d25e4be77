"""Messages to people and project chats other than the one an event came from; one home for addressing them."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from bot.model import Card, Reply
from handlers.context import Ctx
from storage import people
from storage.models import Chat

Render = Callable[[Ctx], Awaitable[tuple[str, Card | None]]]


async def direct(ctx: Ctx, person_ids: list[int], render: Render, *, tag: str | None = None) -> list[Reply]:
    """A direct message to each person, in their language, on this event's platform when they use it, else
    where they are. `render` builds the text and card for a context in the reader's language."""
    ids = list(dict.fromkeys(person_ids))
    where = await people.addresses(ctx.session, ids, ctx.platform)
    languages = await people.languages(ctx.session, ids)
    drawn: dict[str, tuple[str, Card | None]] = {}
    replies = []
    for pid in ids:
        if pid not in where:
            continue
        locale = languages.get(pid) or ctx.locale
        if locale not in drawn:
            drawn[locale] = await render(dataclasses.replace(ctx, locale=locale, notices=[]))
        text, card = drawn[locale]
        platform, ext = where[pid]
        replies.append(Reply(text=text, card=card, user=ext, platform=platform, tag=tag))
    return replies


async def project_chats(ctx: Ctx, project_id: int, text: str, *, tag: str | None = None,
                        in_thread_of: str | None = None, skip_current: bool = True) -> list[Reply]:
    """A message in every chat bound to the project (but the one the event came from, which hears anyway)."""
    chats = (await ctx.session.scalars(select(Chat).where(Chat.project_id == project_id).order_by(Chat.id))).all()
    return [Reply(text=text, chat=c.external_id, platform=c.platform, tag=tag, in_thread_of=in_thread_of)
            for c in chats if not (skip_current and ctx.chat is not None and c.id == ctx.chat.id)]
