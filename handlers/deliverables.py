"""Files as acceptance deliverables (issue 15.3).

Files that come with a submission ("提交初验 HT-1" with an upload, or images in a Feishu rich post) are deliverables
of that round, beside the listed ones. A file sent on its own (a Feishu file message cannot carry text) says
nothing about what it is for, so nothing is written: the sender's open rounds are offered on a card, and a click
adds the files to the round chosen. The click finds the files again through the message's inbox row, so the
button stays a few bytes long.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.buttons import FilesButton
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.events import Attachment
from bot.core.replies import Card, Field, Reply
from bot.core.router import Router
from bot.nlu.intents import AnyIntent
from handlers import acceptance
from handlers.cards import names
from storage import contracts as store
from storage import inbox

MAX_OFFERED = 3  # open rounds offered for a file sent on its own


def _listed(ctx: Ctx, files: Sequence[Attachment]) -> str:
    shown = [f.name for f in files[:5]]
    more = ctx.t("list.more", n=len(files) - 5) if len(files) > 5 else ""
    return ("、" if ctx.locale == "zh" else ", ").join(shown) + (f" {more}" if more else "")


async def files_only(_: AnyIntent, ctx: Ctx) -> list[Reply] | None:
    """A message that is only files: offer them to the sender's open rounds, or say what files are for."""
    if not ctx.files or ctx.text.strip() or ctx.actor is None:
        return None
    listed = _listed(ctx, ctx.files)
    rounds = await store.open_rounds(ctx.session, ctx.actor.id, limit=MAX_OFFERED)
    row = await inbox.row_id(ctx.session, ctx.platform, ctx.event_id)
    if not rounds or row is None:
        return [ctx.reply(ctx.t("files.nowhere", names=listed))]
    buttons = tuple(FilesButton(a.id, row).button(ctx.t("b.add_files", ys=acceptance.ys(a), n=r.n),
                                                  "primary" if i == 0 else "default") for i, (a, r) in enumerate(rounds))
    card = Card(title=ctx.t("files.title"), fields=(Field(ctx.t("f.files"), listed),), buttons=buttons)
    return [ctx.reply(ctx.t("files.offer", names=listed), card=card)]


async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """`files:add:ACCEPTANCE:INBOX_ROW`: add the files of that message to the acceptance's open round."""
    clicked = FilesButton.unpack(action)
    stored = await inbox.payload(ctx.session, clicked.row)
    # Only the person who sent the files can add them (the row says who that was, on which platform).
    if stored is None or stored[0] != ctx.platform or (stored[1].get("user") or {}).get("user_id") != ctx.actor_ref:
        raise UserError("files.gone")
    files = [Attachment(**f) for f in stored[1].get("files") or [] if isinstance(f, dict)]
    acc, project, contract, rnd, steps = await acceptance.loaded(ctx, clicked.acceptance, lock=True)
    if ctx.actor is None or rnd.submitted_by != ctx.actor.id or rnd.status != "pending" or acc.status != "pending":
        raise UserError("files.round_closed", ys=acceptance.ys(acc), n=rnd.n)
    had = list((rnd.deliverables or {}).get("items", []))
    known = {d.get("file") for d in had if d.get("file")}
    new = [d for d in acceptance.file_items(files) if d["file"] not in known][: max(0, acceptance.MAX_FILES * 2 - len(had))]
    if not new:
        return [ctx.reply(ctx.t("files.already", ys=acceptance.ys(acc), n=rnd.n), replace=True)]
    rnd.deliverables = {**(rnd.deliverables or {}), "items": [*had, *new]}  # a new dict: the JSON column sees it
    await ctx.session.flush()
    await ctx.audit("acceptance.deliverables_added", f"acceptance:{acceptance.ys(acc)}", project_id=project.id,
                    after={"round": rnd.n, "files": new})
    added = ctx.t("files.added", names=_listed(ctx, files), ys=acceptance.ys(acc), n=rnd.n)
    card = await acceptance.acceptance_card(ctx, acc, rnd, steps, project, contract)
    current = next((s for s in steps if s.status == "pending"), None)
    waiting = await names(ctx, await acceptance.signers(ctx, project, acc, current.role)) if current else []
    return [ctx.reply(added + (" " + ctx.t("files.signers_see", who=", ".join(waiting)) if waiting else ""),
                      replace=True),
            # every posted copy of the sign-off card shows the new list
            Reply(text=added, card=card, update_tagged=acceptance.round_tag(acc, rnd.n))]


__all__ = ["files_only", "on_button"]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("deliverables")
router.on_action("files", on_button)
router.on_answer(files_only)  # only a message that is files alone; after acceptance's answers
