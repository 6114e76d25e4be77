"""Neutral replies -> Slack Block Kit. Pure functions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.core import forms
from bot.core.replies import Button, Card
from bot.platforms import split

MAX_FIELDS = 10  # a section holds at most 10 fields
MAX_TEXT = 2900  # section text limit is 3000 characters
MAX_FIELD = 1900  # a field's text limit is 2000 characters
MAX_BLOCKS = 50  # Slack's limit per message (and per view)
MAX_BUTTON_LABEL = 75
ACTIONS = "pmo_actions"
# The actions block of a card posted through a slash command's response_url: it may live in a conversation the
# bot is not in, where chat.update and chat.postMessage fail, so its clicks are answered through their own
# response_url (translate.block_action reads this block id back).
ACTIONS_VIA_RESPONSE_URL = "pmo_actions_ru"
# A button that opens a form names it in its action_id (`pmo_form_<index>:<form>`; translate.form_of reads it):
# the click opens the modal at once, since trigger_id lives for 3 s, too short for the outbox.
FORM_ACTION = "pmo_form_"
FORM_CALLBACK = "pmo_form"  # every modal rendered from a neutral FormSpec (form_modal)
MAX_MODAL_TITLE = 24


def escape(text: str) -> str:
    """Escape user text so nobody can trigger <!channel>, <!here> or a fake mention through the bot."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack does not auto-link channel names or URLs in it; the text is user text, already escaped.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def chunks(text: str, limit: int) -> list[str]:
    """`text` in pieces whose escaped length is at most `limit` (cut before escaping)."""
    return split.pieces(text, limit, lambda s: len(escape(s)))


def blocks(text: str, card: Card | None, *, via_response_url: bool = False,
           reserve: int = 0) -> list[dict[str, Any]]:
    """Block Kit for a neutral reply. Long text is split across sections, never cut silently: past Slack's 50
    blocks the last section says how many lines are not shown and how to see them. `reserve`: blocks the caller
    appends."""
    texts: list[str] = [] if not text else chunks(text, MAX_TEXT)
    head: list[dict[str, Any]] = []
    tail: list[dict[str, Any]] = []
    if card is not None and card.title:
        head.append({"type": "section", "text": _mrkdwn(f"*{escape(chunks(card.title, MAX_TEXT - 2)[0])}*")})
    if card is not None:
        fields = card.fields
        short = [f for f in fields if len(escape(f"{f.label}\n{f.value}")) + 2 <= MAX_FIELD]
        for start in range(0, len(short), MAX_FIELDS):
            head.append({"type": "section", "fields": [
                _mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}") for f in short[start:start + MAX_FIELDS]]})
        for f in fields:  # a long value (a description) gets sections of its own
            if f not in short:
                texts += chunks(f"{f.label}\n{f.value}", MAX_TEXT)
        buttons = card.buttons
        if buttons:
            tail.append({"type": "actions", "block_id": ACTIONS_VIA_RESPONSE_URL if via_response_url else ACTIONS,
                         "elements": [button(b, i) for i, b in enumerate(buttons)]})
    room = MAX_BLOCKS - reserve - len(head) - len(tail)
    sections = [{"type": "section", "text": _mrkdwn(escape(piece) if piece else " ")}
                for piece in split.fit(texts, room)]
    lead = len(chunks(text, MAX_TEXT)) if text else 0
    if lead and len(texts) <= room:  # the leading text first, then the card, then a long field's sections
        return [*sections[:lead], *head, *sections[lead:], *tail]
    return [*head, *sections, *tail]  # cut short: the card first, the "… N more" line last


def button(b: Button, index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button", "action_id": f"{FORM_ACTION}{index}:{b.form}" if b.form else f"pmo_btn_{index}",
        "text": {"type": "plain_text", "text": b.label[:MAX_BUTTON_LABEL], "emoji": True},
        "value": b.id,  # our small typed payload; the server re-reads state and re-checks permissions
    }
    if b.style in ("primary", "danger"):
        element["style"] = b.style
    confirm = b.confirm
    if confirm is not None:  # Slack's own dialog: the click is sent only after "yes"
        element["confirm"] = {
            "title": {"type": "plain_text", "text": confirm.title[:100]},
            "text": {"type": "plain_text", "text": confirm.text[:300]},
            "confirm": {"type": "plain_text", "text": confirm.ok[:30]},
            "deny": {"type": "plain_text", "text": confirm.cancel[:30]},
            **({"style": "danger"} if b.style == "danger" else {})}
    return element


def fallback_text(text: str, card: Card | None) -> str:
    """The notification text (and what clients without blocks show): the first piece; the blocks carry all."""
    if text:
        pieces = chunks(text, MAX_TEXT)
        return escape(pieces[0]) + (" …" if len(pieces) > 1 else "")
    return escape(card.title) if card is not None else ""


def for_channel(kind: str, card: Card | None) -> bool:
    """THE rule for a slash command's answer (it goes through response_url): the person who typed the command
    sees it alone (ephemeral: help, errors, "my tasks", "my hours", a question back), except a card with a
    title — a task, a change request, a project's status — which the channel acts on. A reply the handler marked
    ephemeral is always private."""
    return kind != "ephemeral" and bool(card is not None and card.title)


def home_view(text: str, card: Card | None) -> dict[str, Any]:
    return {"type": "home", "blocks": blocks("", card) or blocks(text, None)}


def task_modal(*, title: str, channel: str | None, thread: str | None, labels: dict[str, str]) -> dict[str, Any]:
    """The "new task" modal, pre-filled from a message (message shortcut; no button opens it)."""
    def field(block: str, label: str, element: dict[str, Any], optional: bool = True) -> dict[str, Any]:
        return {"type": "input", "block_id": block, "optional": optional,
                "label": {"type": "plain_text", "text": label}, "element": element}

    priorities = [{"text": {"type": "plain_text", "text": p}, "value": p} for p in ("P0", "P1", "P2", "P3")]
    return {
        "type": "modal", "callback_id": "create_task_modal",
        "title": {"type": "plain_text", "text": labels["modal_title"][:24]},
        "submit": {"type": "plain_text", "text": labels["submit"][:24]},
        "private_metadata": json.dumps({"channel_id": channel, "thread_ts": thread}),
        "blocks": [
            field("title_block", labels["title"], {"type": "plain_text_input", "action_id": "title_input",
                                                   "initial_value": title[:150]}, optional=False),
            field("assignee_block", labels["assignee"], {"type": "users_select", "action_id": "assignee_select"}),
            field("due_block", labels["due"], {"type": "datepicker", "action_id": "due_picker"}),
            field("priority_block", labels["priority"], {"type": "static_select", "action_id": "priority_select",
                                                         "options": priorities}),
            field("estimate_block", labels["estimate"], {"type": "plain_text_input", "action_id": "estimate_input"}),
        ],
    }


def _input(block: str, label: str, element: dict[str, Any], optional: bool = True) -> dict[str, Any]:
    return {"type": "input", "block_id": block, "optional": optional,
            "label": {"type": "plain_text", "text": label[:2000]}, "element": element}


def _element(field: forms.FormField, t: Callable[..., str]) -> dict[str, Any]:
    """A neutral field's input element; its action_id is the field's name (translate reads it back)."""
    if field.kind == "date":
        return {"type": "datepicker", "action_id": field.name}
    if field.kind == "user":
        return {"type": "users_select", "action_id": field.name}
    if field.kind == "select":
        options = [{"text": {"type": "plain_text", "text": t(label)[:75]}, "value": value}
                   for value, label in field.options]
        element: dict[str, Any] = {"type": "static_select", "action_id": field.name, "options": options}
        if field.required and options:
            element["initial_option"] = options[0]
        return element
    element = {"type": "plain_text_input", "action_id": field.name}
    if field.kind == "multiline":
        element["multiline"] = True
    return element


def form_modal(spec: forms.FormSpec, *, button: str, channel: str | None, thread: str | None,
               t: Callable[..., str]) -> dict[str, Any]:
    """A neutral form as a modal, in the clicker's language (`t`); private_metadata says which form, which
    button opened it and where the answer goes. A field's block id is its name, where Slack shows its error."""
    title = f"{t(spec.title)} {forms.subject(spec, button)}".strip()
    return {
        "type": "modal", "callback_id": FORM_CALLBACK,
        "title": {"type": "plain_text", "text": title[:MAX_MODAL_TITLE]},
        "submit": {"type": "plain_text", "text": t(spec.submit)[:MAX_MODAL_TITLE]},
        "private_metadata": json.dumps({"form": spec.name, "button": button, "channel_id": channel,
                                        "thread_ts": thread}),
        "blocks": [_input(f.name, t(f.label), _element(f, t), optional=not f.required) for f in spec.fields],
    }
