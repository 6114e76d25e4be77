"""Messages to people and project chats other than the one an event came from; one home for addressing them."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.i18n import LOCALES
from bot.core.replies import Card, Reply
from storage import people
from storage.models import Chat, OutboxMessage

Render = Callable[[Ctx], Awaitable[tuple[str, Card | None]]]


async def direct(ctx: Ctx, person_ids: list[int], render: Render, *, tag: str | Callable[[str], str] | None = None,
                 unless_holding: Callable[[str], str] | None = None) -> list[Reply]:
    """A direct message to each person, in their language, on this event's platform when they use it, else
    where they are. `render` builds the text and card for a context in the reader's language; `tag` may depend
    on that language (so a later update redraws each copy in its reader's language). `unless_holding` skips
    whoever was already sent a message tagged so (in any language): their copy is updated in place instead."""
    ids = list(dict.fromkeys(person_ids))
    where = await people.addresses(ctx.session, ids, ctx.platform)
    if unless_holding is not None:
        held = await holding(ctx, [unless_holding(loc) for loc in LOCALES])
        ids = [p for p in ids if where.get(p) not in held]
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
        replies.append(Reply(text=text, card=card, user=ext, platform=platform, extra={"locale": locale},
                             tag=tag(locale) if callable(tag) else tag))
    return replies


async def holding(ctx: Ctx, tags: list[str]) -> set[tuple[str, str]]:
    """(platform, user) of everyone sent a direct message with one of these tags (not given up on)."""
    rows = (await ctx.session.execute(
        select(OutboxMessage.platform, OutboxMessage.user)
        .where(OutboxMessage.tag.in_(tags), OutboxMessage.user.is_not(None), OutboxMessage.status != "dead"))).all()
    return {(platform, user) for platform, user in rows if user is not None}


async def project_chats(ctx: Ctx, project_id: int, text: str, *, tag: str | None = None,
                        in_thread_of: str | None = None, skip_current: bool = True) -> list[Reply]:
    """A message in every chat bound to the project (but the one the event came from, which hears anyway)."""
    chats = (await ctx.session.scalars(select(Chat).where(Chat.project_id == project_id).order_by(Chat.id))).all()
    return [Reply(text=text, chat=c.external_id, platform=c.platform, tag=tag, in_thread_of=in_thread_of)
            for c in chats if not (skip_current and ctx.chat is not None and c.id == ctx.chat.id)]
