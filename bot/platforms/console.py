"""The local console: a terminal chat (cards as text with numbered buttons) and its JSON-lines form.

Input (`--json`): one object per line, `{"user", "chat"?, "text", "files"?}`, `{"user", "chat"?, "action",
"message"?}` (a click; `message` is the clicked message's `id`, so its card can change in place) or `{"user",
"chat"?, "form", "button"?, "values"}` (a submitted form, bot/core/forms.py: the console draws no form, so a
click on a button that opens one reaches its handler, which says what to type); a line without `chat` is a
direct message. Output: one line per delivered message,
`{"id", "chat", "user", "text", "card"}` (`user` is set for direct messages, `chat` for chat messages), plus
`"updates": <id>` when the message redraws an earlier one in place (a card whose request was decided).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, TextIO

from aiohttp import web

from bot.core import forms
from bot.core.buttons import NoSuchButton
from bot.core.events import Attachment, CardAction, Event, FormSubmission, IncomingMessage, UserRef
from bot.core.outbound import Kind
from bot.platforms import CONSOLE
from bot.platforms.base import Outgoing, SendError

PLATFORM = CONSOLE
# Everything is text here; an image shows as its caption (Outbound.degrade).
KINDS = frozenset(Kind) - {Kind.IMAGE}


class ConsoleSender:
    """Writes delivered messages to a stream; repeats of an idempotency key are dropped."""

    def __init__(self, out: TextIO, *, json_mode: bool) -> None:
        self.out = out
        self.json_mode = json_mode
        self.buttons: list[str] = []  # numbered buttons of the cards shown so far (text mode)
        self._seen: set[str] = set()

    async def send(self, message: Outgoing) -> str | None:
        if message.idempotency_key in self._seen:
            return None
        try:
            self.out.write(self.render(message) + "\n")
            self.out.flush()
        except (OSError, ValueError) as exc:  # a closed terminal or pipe
            raise SendError(f"console write failed: {exc}") from exc
        self._seen.add(message.idempotency_key)
        return message.idempotency_key

    def render(self, message: Outgoing) -> str:
        out = message.out.degrade(KINDS)
        text, card = out.text, out.card
        if self.json_mode:
            # `user` is set for direct messages only (a private note in a chat shows as a chat message here).
            user = out.user if out.chat is None else None
            line: dict[str, Any] = {"id": message.idempotency_key, "chat": out.chat, "user": user, "text": text,
                                    "card": card.to_dict() if card is not None else None}
            if out.looked_up and out.target is not None and out.target.id:
                line["updates"] = out.target.id  # this redraws an earlier message in place (its "id")
            return json.dumps(line, ensure_ascii=False)
        where = f"[DM {out.user}]" if out.chat is None else f"[{out.chat}]"
        lines = [f"🤖 {where} {text}"]
        if card:
            if card.title:
                lines.append(f"  ┌ {card.title}")
            lines += [f"  │ {f.label}: {f.value}" for f in card.fields]
            labels = []
            for button in card.buttons:
                self.buttons.append(button.id)
                labels.append(f"[{len(self.buttons)}] {button.label}")
            if labels:
                lines.append("  └ " + "  ".join(labels) + "   (输入数字点击 · type the number to click)")
        return "\n".join(lines)


class Console:
    """The console as a platform (bot/platforms/base.py): no connection, no webhook, no user lookup; events come
    from the terminal loop in bot/console_chat.py, which hands them to the app itself."""

    name = PLATFORM
    bot_user_id: str | None = None

    def __init__(self, out: TextIO, *, json_mode: bool) -> None:
        self.sender = ConsoleSender(out, json_mode=json_mode)

    async def start(self) -> ConsoleSender:
        return self.sender

    async def stop(self) -> None:
        return None

    def routes(self) -> list[web.RouteDef]:
        return []

    async def enrich(self, event: Event) -> Event:
        return event


def parse_line(line: str, *, default_user: str, default_chat: str | None) -> Event:
    """Turn one `--json` input line into a neutral event; raises ValueError with a reason."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    return make_event(data, default_user=default_user, default_chat=default_chat)


def make_event(data: dict[str, Any], *, default_user: str, default_chat: str | None) -> Event:
    user = str(data.get("user", default_user)).strip()
    if not user:
        raise ValueError("empty user")
    chat = data.get("chat", default_chat)
    chat = str(chat) if chat not in (None, "") else None
    event_id = str(data.get("event_id") or uuid.uuid4().hex)
    ref = UserRef(platform=PLATFORM, user_id=user[:64], name=str(data.get("name") or user)[:200])
    if "action" in data:
        message = str(data["message"]) if data.get("message") else None  # the clicked message's "id"
        return CardAction(platform=PLATFORM, event_id=event_id, user=ref, action=str(data["action"]), chat=chat,
                          message=message)
    if "form" in data:  # {"form": name, "button": the id that opens it, "values": {field: text}}
        spec = forms.spec(str(data["form"]))
        values = data.get("values") or {}
        if spec is None or not isinstance(values, dict):
            raise ValueError(f"no form {str(data['form'])[:40]!r}, or its values are not an object")
        button = str(data["button"]) if data.get("button") else None
        return FormSubmission(platform=PLATFORM, event_id=event_id, user=ref, form=spec.name,
                              values=forms.submitted(spec, button, values), chat=chat)
    text = data.get("text", "" if data.get("files") else None)
    if not isinstance(text, str):
        raise ValueError("a line needs `text`, `action` or `form`")
    return IncomingMessage(platform=PLATFORM, event_id=event_id, user=ref, text=text, chat=chat,
                           files=_files(data.get("files")))


def _files(raw: Any) -> tuple[Attachment, ...]:
    """`"files": [{"name": "测试报告.pdf", "url": "https://…"}]` in a JSON line: files sent with the message."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(f, dict) and isinstance(f.get("name"), str) for f in raw):
        raise ValueError("`files` is a list of {\"name\": …, \"url\": …}")
    return tuple(Attachment(name=f["name"][:200], ref=f"console:{f.get('ref') or f['name']}"[:300],
                            url=f["url"][:500] if isinstance(f.get("url"), str) else None) for f in raw[:50])


def typed_event(text: str, *, user: str, chat: str | None, buttons: list[str],
                new_id: Callable[[], str] = lambda: uuid.uuid4().hex) -> Event:
    """Interactive input: a number clicks that numbered button, anything else is a message."""
    stripped = text.strip()
    ref = UserRef(platform=PLATFORM, user_id=user, name=user)
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return CardAction(platform=PLATFORM, event_id=new_id(), user=ref, action=buttons[int(stripped) - 1], chat=chat)
    if stripped.isdigit() and len(stripped) <= 3:  # a button number that no shown button has: say so
        return CardAction(platform=PLATFORM, event_id=new_id(), user=ref,
                          action=NoSuchButton(int(stripped), len(buttons)).pack(), chat=chat)
    return IncomingMessage(platform=PLATFORM, event_id=new_id(), user=ref, text=text, chat=chat)
