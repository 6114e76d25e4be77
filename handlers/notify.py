"""Messages to people and project chats other than the one an event came from; one home for addressing them."""

from __future__ import annotations

from sqlalchemy import select

from bot.model import Card, Reply
from handlers.context import Ctx
from storage import people
from storage.models import Chat


async def direct(ctx: Ctx, person_ids: list[int], text: str, *, card: Card | None = None,
                 tag: str | None = None) -> list[Reply]:
    """A direct message to each person, on this event's platform when they use it, else where they are."""
    where = await people.addresses(ctx.session, list(dict.fromkeys(person_ids)), ctx.platform)
    return [Reply(text=text, card=card, user=ext, platform=platform, tag=tag)
            for pid in dict.fromkeys(person_ids) if pid in where for platform, ext in [where[pid]]]


async def project_chats(ctx: Ctx, project_id: int, text: str, *, tag: str | None = None,
                        in_thread_of: str | None = None, skip_current: bool = True) -> list[Reply]:
    """A message in every chat bound to the project (but the one the event came from, which hears anyway)."""
    chats = (await ctx.session.scalars(select(Chat).where(Chat.project_id == project_id).order_by(Chat.id))).all()
    return [Reply(text=text, chat=c.external_id, platform=c.platform, tag=tag, in_thread_of=in_thread_of)
            for c in chats if not (skip_current and ctx.chat is not None and c.id == ctx.chat.id)]
