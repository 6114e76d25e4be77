"""Neutral replies -> Feishu card JSON 2.0 and rich-text (`post`) content. Pure functions.

User text only ever goes into `plain_text` (cards) or `text` elements (posts), which Feishu shows literally:
a task titled `<at id=all></at>` cannot mention everyone through the bot.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.core import forms, i18n
from bot.core.replies import Button, Card
from bot.platforms import split
from bot.platforms.feishu.translate import FORM_KEY, VALUE_KEY

MAX_TEXT = 4000  # per text element
MAX_FIELDS = 30
MAX_BUTTONS = 10
# A card or post is at most 30 KB of JSON; the text in it is kept under this many UTF-8 bytes, leaving room for
# the card's structure (long lists are split into elements, and past this they end with "… N more").
MAX_BYTES = 24_000
MAX_INPUT = 1000  # Feishu's input max_length
POST_LOCALES = {"zh": "zh_cn", "en": "en_us"}  # a post's content is keyed by the language it is written in


def _plain(text: str) -> dict[str, Any]:
    return {"tag": "plain_text", "content": text}


def _div(text: str) -> dict[str, Any]:
    return {"tag": "div", "text": _plain(text[:MAX_TEXT])}


def _parts(texts: list[str]) -> list[str]:
    """Texts split into elements of at most MAX_TEXT characters, within MAX_BYTES in all: never cut silently."""
    parts = [p for text in texts for p in split.pieces(text, MAX_TEXT)]
    used, room = 0, 0
    for p in parts:
        used += len(p.encode())
        if used > MAX_BYTES:
            break
        room += 1
    return split.fit(parts, max(room, 1)) if room < len(parts) else parts


def _button(b: Button, index: int, *, form: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "tag": "button", "element_id": f"b{index}", "name": f"b{index}",
        "text": _plain(b.label[:40]),
        # the neutral Button's style; no guessing from the id
        "type": {"primary": "primary_filled", "danger": "danger"}.get(b.style, "default"),
        # Our small typed payload; the server re-reads state and re-checks permission on every click.
        "behaviors": [{"type": "callback", "value": {VALUE_KEY: b.id, **({FORM_KEY: form} if form else {})}}],
    }
    confirm = b.confirm
    if confirm is not None:  # Feishu's own dialog (its OK/Cancel buttons are the client's): the click counts after OK
        element["confirm"] = {"title": _plain(confirm.title[:100]), "text": _plain(confirm.text[:300])}
    if form:
        element["form_action_type"] = "submit"
    return element


def _say(key: str, locale: str | None, **params: Any) -> str:
    """Catalogue text in the reader's language; both languages when it is not known."""
    if locale in i18n.LOCALES:
        return i18n.t(str(locale), key, **params)
    return " / ".join(i18n.t(lang, key, **params) for lang in i18n.LOCALES)


def _placeholder(field: forms.FormField, locale: str | None) -> str:
    def one(lang: str) -> str:
        label = i18n.t(lang, field.label)
        return i18n.t(lang, "form.required_mark", label=label) if field.required else label

    return one(str(locale)) if locale in i18n.LOCALES else " / ".join(one(lang) for lang in i18n.LOCALES)


def _input(field: forms.FormField, element_id: str, locale: str | None) -> dict[str, Any]:
    """A neutral field as a card form input; its `name` is the field's (form_value[name] on submit)."""
    base: dict[str, Any] = {"element_id": element_id, "name": field.name, "required": field.required}
    if field.kind == "date":
        return {"tag": "date_picker", **base, "placeholder": _plain(_placeholder(field, locale))}
    if field.kind == "user":
        return {"tag": "select_person", **base, "placeholder": _plain(_placeholder(field, locale))}
    if field.kind == "select":
        return {"tag": "select_static", **base, "placeholder": _plain(_placeholder(field, locale)),
                "options": [{"text": _plain(_say(label, locale)), "value": value} for value, label in field.options]}
    element = {"tag": "input", **base, "max_length": min(field.max_length, MAX_INPUT),
               "placeholder": _plain(_placeholder(field, locale))}
    if field.kind == "multiline":
        element.update(input_type="multiline_text", rows=3, auto_resize=True)
    return element


def _form(spec: forms.FormSpec, b: Button, index: int, locale: str | None = None) -> dict[str, Any]:
    """A neutral form inside the card: its inputs and the button, which submits them (form_value)."""
    inputs = [_input(f, f"i{index}" if j == 0 else f"i{index}_{j}", locale) for j, f in enumerate(spec.fields)]
    return {"tag": "form", "element_id": f"f{index}", "name": f"f{index}",
            "elements": [*inputs, _button(b, index, form=spec.name)]}


def _inline_form(b: Button) -> forms.FormSpec | None:
    """The form a button opens, when it fits inside the card (larger ones: a plain button, the handler asks)."""
    spec = forms.opened_by(b.id, b.form)
    return spec if spec is not None and spec.inline and forms.opens(spec, b.id) else None


def card(text: str, data: Card | None, locale: str | None = None) -> dict[str, Any]:
    """A neutral card with an optional leading text -> card JSON 2.0; `locale` is the
    reader's language (a form's placeholders)."""
    texts = [text] if text else []
    if data is not None and data.fields:
        texts.append("\n".join(f"{f.label}: {f.value}" for f in data.fields[:MAX_FIELDS]))
    elements: list[dict[str, Any]] = [_div(p) for p in _parts(texts)] if texts else []
    if data is not None:
        plain: list[tuple[int, Button]] = []
        with_form: list[tuple[int, Button, forms.FormSpec]] = []
        for i, b in enumerate(data.buttons[:MAX_BUTTONS]):
            spec = _inline_form(b)
            if spec is None:
                plain.append((i, b))
            else:
                with_form.append((i, b, spec))
        if plain:
            elements.append({"tag": "column_set", "flex_mode": "flow", "horizontal_spacing": "8px", "columns": [
                {"tag": "column", "width": "auto", "elements": [_button(b, i)]} for i, b in plain]})
        elements += [_form(spec, b, i, locale) for i, b, spec in with_form]
    out: dict[str, Any] = {"schema": "2.0", "config": {"update_multi": True, "width_mode": "fill"},
                           "body": {"direction": "vertical", "elements": elements or [_div(" ")]}}
    if data is not None and data.title:
        out["header"] = {"title": _plain(data.title[:200]), "template": "blue"}
    return out


def image_card(text: str, image_key: str) -> dict[str, Any]:
    """A chart: the uploaded image with its caption, as one message (one `uuid`)."""
    elements: list[dict[str, Any]] = [_div(text)] if text else []
    elements.append({"tag": "img", "img_key": image_key, "alt": _plain(text[:100] or "chart")})
    return {"schema": "2.0", "config": {"update_multi": True, "width_mode": "fill"},
            "body": {"direction": "vertical", "elements": elements}}


def post(text: str, mentions: Sequence[str] = (), locale: str | None = None) -> dict[str, Any]:
    """Plain text as a `post`: `text` elements are shown literally (a `text` message would parse <at> tags);
    the people to notify (open_ids) get real @-mentions on a last line."""
    lines = ("\n".join(_parts([text])) or " ").split("\n")
    content: list[list[dict[str, Any]]] = [[{"tag": "text", "text": line}] for line in lines]
    if mentions:
        content.append([{"tag": "at", "user_id": str(m)} for m in mentions])
    return {POST_LOCALES.get(locale or "", "zh_cn"): {"title": "", "content": content}}


def content(text: str, data: Card | None, mentions: Sequence[str] = (),
            locale: str | None = None) -> tuple[str, str]:
    """(msg_type, content JSON string) of a message: a card when there is one, else rich text."""
    if data is not None:
        return "interactive", json.dumps(card(text, data, locale), ensure_ascii=False)
    return "post", json.dumps(post(text, mentions, locale), ensure_ascii=False)


def toast(text: str, kind: str = "success") -> dict[str, Any]:
    return {"type": kind, "content": (text or "OK")[:200]}


def card_answer(text: str, data: Card | None, *, replace: bool, kind: str = "success",
                locale: str | None = None) -> dict[str, Any]:
    """The body answering card.action.trigger: a toast, and the replacement card when the card changes."""
    answer: dict[str, Any] = {"toast": toast(text or (data.title if data is not None else ""), kind)}
    if replace:
        answer["card"] = {"type": "raw", "data": card(text, data, locale)}
    return answer
