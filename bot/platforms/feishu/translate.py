"""Feishu event payloads (schema 2.0) -> neutral events. Pure functions; each quirk commented where handled."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.core import forms
from bot.core.events import Attachment, CardAction, FormSubmission, IncomingMessage, UserRef
from bot.platforms.shape import Malformed, Schema, check, sound

PLATFORM = "feishu"
MESSAGE = "im.message.receive_v1"
CARD_ACTION = "card.action.trigger"
VALUE_KEY = "a"  # a button's callback value is {"a": "<our button id>"}: small, typed, re-checked on click
# A button that opens an inline form (render.py) is that form's submit button, and its value names the form too:
# {"a": id, "f": form}. Its submission is the neutral FormSubmission of the spec (bot/core/forms.py).
FORM_KEY = "f"

_PLACEHOLDER = re.compile(r"@_user_\d+|@_all")
_SPACES = re.compile(r"[ \t]{2,}")

# What each payload type must look like, as far as we read it (bot/platforms/shape.py). The types are the ones
# Feishu documents (protocols.md §6, §10) and lark_oapi's models declare.
ENVELOPE: Schema = {"schema": str, "header": dict, "header.event_type": str, "header.token": str, "header.event_id": str,
            "type": str, "token": str, "challenge": str, "event": dict, "event.type": str, "encrypt": str}
MESSAGE_SCHEMA: Schema = {
    "event.sender": dict, "event.sender.sender_type": str, "event.sender.sender_id": dict,
    "event.sender.sender_id.open_id": str, "event.message": dict, "event.message.message_id": str,
    "event.message.chat_id": str, "event.message.root_id": str, "event.message.chat_type": str,
    "event.message.message_type": str, "event.message.content": str, "event.message.mentions": list,
    "event.message.mentions.*": dict, "event.message.mentions.*.key": str, "event.message.mentions.*.name": str,
    "event.message.mentions.*.id": dict, "event.message.mentions.*.id.open_id": str}
# `content` is a JSON string of its own: {"text"} for text, {"title", "content": [[elements]]} for a post.
TEXT_CONTENT: Schema = {"text": str}
POST_CONTENT: Schema = {"title": str, "content": list, "content.*": list, "content.*.*": dict, "content.*.*.tag": str,
                "content.*.*.text": str, "content.*.*.user_id": str, "content.*.*.user_name": str,
                "content.*.*.image_key": str, "content.*.*.file_key": str}
# A file, image or video message: {"file_key", "file_name"} / {"image_key"} / {"file_key", "image_key", "file_name"}.
FILE_CONTENT: Schema = {"file_key": str, "file_name": str, "image_key": str}
FILE_TYPES = ("file", "image", "media")
CARD_SCHEMA: Schema = {
    "event.operator": dict, "event.operator.open_id": str, "event.action": dict, "event.action.value": (dict, str),
    f"event.action.value.{VALUE_KEY}": str, "event.action.form_value": dict,
    "event.context": dict,
    "event.context.open_message_id": str, "event.context.open_chat_id": str}


def envelope(body: dict[str, Any]) -> tuple[str, str]:
    """(event type, verification token): v2 events carry both in `header`, v1 and url_verification at the top."""
    check(body, ENVELOPE, what="feishu envelope")
    header = body.get("header")
    if isinstance(header, dict):
        return str(header.get("event_type") or ""), str(header.get("token") or "")
    event = body.get("event")
    kind = body.get("type") or (event.get("type") if isinstance(event, dict) else "")
    return str(kind or ""), str(body.get("token") or "")


def message_key(message_id: str) -> str:
    """The inbox key of a message: message_id is unique in the tenant and stays the same on every
    re-push (Feishu retries for ~7 h), so a retry with any event id is one event."""
    return f"msg:{message_id}"


def _mention_ids(mentions: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    out = {}
    for m in mentions:
        ident = (m.get("id") or {}).get("open_id") if isinstance(m.get("id"), dict) else None
        if m.get("key") and ident:
            out[str(m["key"])] = (str(ident), str(m.get("name") or ""))
    return out


def _post_text(content: dict[str, Any]) -> str:
    """Rich text (`post`): title and paragraphs of text/a/at/emotion elements, read as plain text.
    Received posts carry {"title", "content"} (checked against POST_CONTENT)."""
    lines = [str(content.get("title") or "")] if content.get("title") else []
    for paragraph in content.get("content") or []:
        parts = []
        for el in paragraph if isinstance(paragraph, list) else []:
            tag = el.get("tag")
            if tag in ("text", "a"):
                parts.append(str(el.get("text") or ""))
            elif tag == "at":
                # In received posts `user_id` holds the @_user_N placeholder, resolved like text mentions.
                parts.append(str(el.get("user_id") or "@" + str(el.get("user_name") or "")))
            elif tag == "code_block":
                parts.append(str(el.get("text") or ""))
        lines.append("".join(parts))
    return "\n".join(lines)


def message_content(message: dict[str, Any]) -> dict[str, Any]:
    """A message's `content` (a JSON *string*) as an object checked against its type's schema; a post's body
    unwrapped from the locale key a sent post carries (zh_cn, en_us). Malformed when it is neither."""
    try:
        content = json.loads(message.get("content") or "{}")
    except (ValueError, RecursionError):
        raise Malformed("feishu message: content is not JSON") from None
    if not isinstance(content, dict):
        raise Malformed("feishu message: content is not an object")
    kind = message.get("message_type")
    if kind == "text":
        check(content, TEXT_CONTENT, what="feishu text content")
    elif kind == "post":
        if "content" not in content and content:
            content = next((v for v in content.values() if isinstance(v, dict)), {})
        check(content, POST_CONTENT, what="feishu post content")
    elif kind in FILE_TYPES:
        check(content, FILE_CONTENT, what="feishu file content")
    return content


def message_text(message: dict[str, Any], content: dict[str, Any], *,
                 bot_open_id: str | None) -> tuple[str, list[UserRef], bool]:
    """The message as neutral text with <@open_id> mentions; the mentioned people; was the bot mentioned?

    `content` is `message_content(message)`; mentions are @_user_N placeholders resolved through `mentions[]`.
    The bot's own mention is dropped from the text (it only says "this is for you").
    """
    kind = message.get("message_type")
    raw = str(content.get("text") or "") if kind == "text" else _post_text(content) if kind == "post" else ""
    known = _mention_ids(message.get("mentions") or [])
    people: list[UserRef] = []
    addressed = False

    def swap(match: re.Match[str]) -> str:
        nonlocal addressed
        key = match.group(0)
        if key == "@_all":
            return "@all"
        if key not in known:
            return key
        open_id, name = known[key]
        if bot_open_id and open_id == bot_open_id:
            addressed = True
            return ""
        if all(p.user_id != open_id for p in people):
            people.append(UserRef(PLATFORM, open_id, name=name))
        return f"<@{open_id}>"

    text = _PLACEHOLDER.sub(swap, raw)
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()
    return text, people, addressed


def message_event(body: dict[str, Any], *, bot_open_id: str | None) -> IncomingMessage | None:
    """im.message.receive_v1 -> IncomingMessage, or None when it is not for us; Malformed when its fields do
    not have Feishu's types."""
    check(body, MESSAGE_SCHEMA, what="feishu message")
    event = body.get("event") or {}
    sender, message = event.get("sender") or {}, event.get("message") or {}
    # Feishu says only users' messages are pushed; guard against other apps and ourselves anyway.
    if sender.get("sender_type") not in (None, "user"):
        return None
    user = (sender.get("sender_id") or {}).get("open_id")
    message_id, chat = message.get("message_id"), message.get("chat_id")
    if not user or not message_id or not chat or (bot_open_id and user == bot_open_id):
        return None
    if message.get("message_type") not in ("text", "post", *FILE_TYPES):
        return None  # stickers, audio, shared chats... are not work for the bot
    content = message_content(message)
    text, mentions, addressed = message_text(message, content, bot_open_id=bot_open_id)
    files = message_files(message, content)
    is_dm = message.get("chat_type") == "p2p"
    # In groups Feishu pushes only @bot messages unless the app holds the sensitive "read all group
    # messages" permission; with it, act only when addressed. Unknown bot id: trust Feishu's filter.
    if not is_dm and bot_open_id and not addressed:
        return None
    # Answers go to the thread: the root of a thread reply, else the message itself (reply_in_thread).
    thread = None if is_dm else str(message.get("root_id") or message_id)
    return sound(IncomingMessage(platform=PLATFORM, event_id=message_key(str(message_id)),
                                 user=UserRef(PLATFORM, user), text=text, chat=None if is_dm else str(chat),
                                 thread=thread, mentions=tuple(mentions), files=files))


def message_files(message: dict[str, Any], content: dict[str, Any]) -> tuple[Attachment, ...]:
    """The files of a file/image/video message, or the images and videos inside a post (`content` is
    `message_content(message)`). Feishu gives keys, not links: `feishu:<message_id>/<key>` is what the
    message-resource API (GET /open-apis/im/v1/messages/{message_id}/resources/{key}) reads back."""
    kind, message_id = message.get("message_type"), str(message.get("message_id") or "")
    if kind == "post":
        found = [el for paragraph in content.get("content") or [] if isinstance(paragraph, list)
                 for el in paragraph if isinstance(el, dict) and el.get("tag") in ("img", "media")]
    elif kind in FILE_TYPES:
        found = [content]
    else:
        return ()
    out = []
    for el in found:
        key = el.get("file_key") or el.get("image_key")
        if key:
            name = el.get("file_name") or ("image" if el.get("image_key") and not el.get("file_key") else "file")
            out.append(Attachment(name=str(name)[:200], ref=f"feishu:{message_id}/{key}"[:300]))
    return tuple(out)


def card_action(body: dict[str, Any]) -> CardAction | FormSubmission | None:
    """card.action.trigger -> CardAction; a form's submit button -> FormSubmission (bot/core/forms.py).

    The button's callback value is {"a": button id}; a form's inputs come as `form_value`. `chat` is the card's
    chat, p2p or group alike (the callback does not say which; answers to a click go back to that chat either
    way, and a note only the clicker should see becomes a toast), and `thread`/`message` the card's message
    id, so answers to the click are threaded under the card and the card can be replaced in place.
    """
    check(body, CARD_SCHEMA, what="feishu card action")
    header, event = body.get("header") or {}, body.get("event") or {}
    user = (event.get("operator") or {}).get("open_id")
    event_id = header.get("event_id")
    if not user or not event_id:
        return None
    action = event.get("action") or {}
    value = action.get("value")
    ours = str((value.get(VALUE_KEY) if isinstance(value, dict) else None) or "")[:200]
    context = event.get("context") or {}
    message, chat = context.get("open_message_id"), context.get("open_chat_id")
    form_value = action.get("form_value")
    # The form the button names, else (a card posted before buttons named their form) the one its id opens.
    named = value.get(FORM_KEY) if isinstance(value, dict) else None
    spec = forms.opened_by(ours, str(named)) if named else forms.opened_by(ours)
    if isinstance(form_value, dict) and spec is not None:
        read = {f.name: str(form_value.get(f.name) or "") for f in spec.fields}
        return sound(FormSubmission(platform=PLATFORM, event_id=f"card:{event_id}",
                                    user=UserRef(PLATFORM, str(user)), form=spec.name,
                                    values=forms.submitted(spec, ours, read),
                                    chat=str(chat) if chat else None, thread=str(message) if message else None))
    return sound(CardAction(platform=PLATFORM, event_id=f"card:{event_id}", user=UserRef(PLATFORM, str(user)),
                            action=ours, chat=str(chat) if chat else None,
                            thread=str(message) if message else None, message=str(message) if message else None))


def clicked_message(body: dict[str, Any]) -> str | None:
    """The message id of the card a callback came from."""
    context = (body.get("event") or {}).get("context") or {}
    return str(context["open_message_id"]) if context.get("open_message_id") else None


def url_challenge(body: dict[str, Any]) -> str | None:
    """The challenge of a url_verification request (plain or decrypted), else None."""
    if body.get("type") == "url_verification" and isinstance(body.get("challenge"), str):
        return str(body["challenge"])
    return None
