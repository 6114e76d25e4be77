"""Help, and the answer to anything the bot did not understand."""

from __future__ import annotations

from bot.model import Reply
from bot.nlu.intents import Help, Unknown
from handlers.context import Ctx


async def show_help(intent: Help, ctx: Ctx) -> list[Reply]:
    """List what the bot understands, with examples in the user's language."""
    return [ctx.reply(ctx.t("help"))]


async def not_understood(intent: Unknown, ctx: Ctx) -> list[Reply]:
    """Say so briefly and point at help; never guess work out of chatter."""
    return [ctx.reply(ctx.t("unknown"))]
