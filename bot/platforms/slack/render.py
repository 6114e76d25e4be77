"""Neutral replies -> Slack Block Kit. Pure functions."""

from __future__ import annotations

from typing import Any

MAX_FIELDS = 10  # a section holds at most 10 fields
MAX_TEXT = 2900  # section text limit is 3000 characters
MAX_BUTTON_LABEL = 75


def escape(text: str) -> str:
    """Escape user text so nobody can trigger <!channel>, <!here> or a fake mention through the bot."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(text: str, card: dict[str, Any] | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if text:
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": escape(text)[:MAX_TEXT]}})
    if card and card.get("title"):
        out.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{escape(card['title'])[:MAX_TEXT]}*"}})
    if card:
        fields = card.get("fields") or []
        for start in range(0, len(fields), MAX_FIELDS):
            out.append({"type": "section", "fields": [
                {"type": "mrkdwn", "text": f"*{escape(f['label'])}*\n{escape(f['value'])[:1900]}"}
                for f in fields[start:start + MAX_FIELDS]]})
        buttons = card.get("buttons") or []
        if buttons:
            out.append({"type": "actions", "block_id": "pmo_actions", "elements": [button(b, i)
                                                                                  for i, b in enumerate(buttons)]})
    return out


def button(b: dict[str, Any], index: int) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button", "action_id": f"pmo_btn_{index}",
        "text": {"type": "plain_text", "text": b["label"][:MAX_BUTTON_LABEL], "emoji": True},
        "value": b["id"],  # our small typed payload; the server re-reads state and re-checks permissions
    }
    if b.get("style") in ("primary", "danger"):
        element["style"] = b["style"]
    return element


def fallback_text(text: str, card: dict[str, Any] | None) -> str:
    """The notification text (and what clients without blocks show)."""
    if text:
        return escape(text)[:MAX_TEXT]
    return escape(card["title"]) if card else ""


def home_view(text: str, card: dict[str, Any] | None) -> dict[str, Any]:
    return {"type": "home", "blocks": blocks("", card) or blocks(text, None)}


def task_modal(*, title: str, channel: str | None, thread: str | None, labels: dict[str, str]) -> dict[str, Any]:
    """The "new task" modal, pre-filled from a message (message shortcut)."""
    import json

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


def change_modal(*, task: str, channel: str | None, thread: str | None, labels: dict[str, str]) -> dict[str, Any]:
    """The change-request form for a task (its card's "request change" button)."""
    import json

    types = [{"text": {"type": "plain_text", "text": labels[f"ct_{t}"]}, "value": t}
             for t in ("schedule", "scope", "budget", "resource")]
    return {
        "type": "modal", "callback_id": "change_request_modal",
        "title": {"type": "plain_text", "text": f"{labels['change_title']} {task}"[:24]},
        "submit": {"type": "plain_text", "text": labels["submit_change"][:24]},
        "private_metadata": json.dumps({"channel_id": channel, "thread_ts": thread, "task": task}),
        "blocks": [
            _input("type_block", labels["change_type"], {"type": "static_select", "action_id": "change_type_select",
                                                         "options": types, "initial_option": types[0]},
                   optional=False),
            _input("due_block", labels["new_due"], {"type": "datepicker", "action_id": "new_due_picker"}),
            _input("hours_block", labels["extra_hours"], {"type": "plain_text_input", "action_id": "extra_hours_input"}),
            _input("budget_block", labels["budget"], {"type": "plain_text_input", "action_id": "budget_input"}),
            _input("people_block", labels["people"], {"type": "plain_text_input", "action_id": "people_input"}),
            _input("reason_block", labels["reason"], {"type": "plain_text_input", "action_id": "reason_input",
                                                      "multiline": True}, optional=False),
        ],
    }


def reject_modal(*, change: int, channel: str | None, labels: dict[str, str]) -> dict[str, Any]:
    """A rejection needs a reason: the reject button opens this form."""
    import json

    return {
        "type": "modal", "callback_id": "change_reject_modal",
        "title": {"type": "plain_text", "text": f"{labels['reject_title']} CR-{change}"[:24]},
        "submit": {"type": "plain_text", "text": labels["submit_reject"][:24]},
        "private_metadata": json.dumps({"channel_id": channel, "change": change}),
        "blocks": [_input("reason_block", labels["reason"], {"type": "plain_text_input", "action_id": "reason_input",
                                                             "multiline": True}, optional=False)],
    }
