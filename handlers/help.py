"""Help, greetings and thanks, and the answer to anything the bot did not understand."""

from __future__ import annotations

from bot.core.buttons import HelpButton, NoSuchButton
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Card, Reply
from bot.core.router import Router
from bot.nlu import suggest
from bot.nlu.intents import Help, Unknown

# Help topics the parser names -> the capability whose example answers them.
_TOPICS = {"log_hours": "log_hours", "request_change": "change", "standup": "standup", "create_task": "create_task",
           "update_task": "update_task", "query": "tasks", "admin": "admin"}


async def show_help(intent: Help, ctx: Ctx) -> list[Reply]:
    """List what the bot understands, one example each, in the user's language; a topic's example first."""
    text = ctx.t("help")
    cap = _TOPICS.get(intent.topic or "")
    if cap:
        text = _example(ctx, cap) + "\n\n" + text
    return [ctx.reply(text)]


def _example(ctx: Ctx, cap: str) -> str:
    return ctx.t("ex.try", cap=ctx.t("cap." + cap), example=ctx.t("ex." + cap))


async def not_understood(intent: Unknown, ctx: Ctx) -> list[Reply]:
    """A greeting or thanks gets a friendly answer; anything else the closest things the bot can do, as buttons;
    never guess work out of chatter."""
    said = intent.greeting
    if said is not None:
        return [ctx.reply(ctx.t("greet." + said) + "\n" + ctx.t("greet.examples"))]
    caps = intent.closest or list(suggest.DEFAULT)
    # A question the bot cannot answer is said to be one: it was not taken for anything else.
    head = "unknown.question" if intent.question else "unknown.closest"
    lines = [ctx.t(head)] + [f"• {_example(ctx, cap)}" for cap in caps] + [ctx.t("unknown.more")]
    buttons = tuple(HelpButton(cap).button(ctx.t("cap." + cap)) for cap in caps)
    return [ctx.reply("\n".join(lines), card=Card(title="", buttons=buttons))]


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """help:<capability>: that capability's example (what to type)."""
    cap = HelpButton.unpack(action).capability
    if cap not in suggest.CAPABILITIES:
        raise UserError("action.unknown")
    return [ctx.reply(_example(ctx, cap))]


async def no_such_button(action: str, ctx: Ctx) -> list[Reply]:
    """nobutton:<n>:<count>: the console user typed a number no shown button has."""
    clicked = NoSuchButton.unpack(action)
    if not clicked.count:
        return [ctx.reply(ctx.t("unknown.no_buttons", n=clicked.n))]
    return [ctx.reply(ctx.t("unknown.button", n=clicked.n, max=clicked.count))]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("help")
router.on_intent(Help, show_help)
router.on_intent(Unknown, not_understood)
router.on_action("help", on_button)
router.on_action("nobutton", no_such_button)
