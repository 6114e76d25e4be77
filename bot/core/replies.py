"""What handlers and jobs say: replies, cards, buttons. Every platform renders these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Button ids are small typed payloads ("task:done:CRM-3"); platforms cap callback sizes.
MAX_BUTTON_ID = 64


@dataclass(frozen=True, slots=True)
class Confirm:
    """A question the platform's own dialog asks before a click counts (Slack `confirm`, Feishu button
    `confirm`), already in the reader's language: for clicks that reject, withdraw or undo."""

    title: str
    text: str
    ok: str
    cancel: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "text": self.text, "ok": self.ok, "cancel": self.cancel}


@dataclass(frozen=True, slots=True)
class Button:
    id: str
    label: str
    style: Literal["default", "primary", "danger"] = "default"  # primary: the expected click; danger: undoes
    confirm: Confirm | None = None
    form: str | None = None  # the form the click opens (bot/core/forms.py: a FormSpec's name)

    def __post_init__(self) -> None:
        if len(self.id.encode()) > MAX_BUTTON_ID:
            raise ValueError(f"button id too long: {self.id!r}")


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "fields": [{"label": f.label, "value": f.value} for f in self.fields],
            "buttons": [_button_dict(b) for b in self.buttons],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Card:
        """A stored card (`to_dict`) back as a `Card`."""
        return cls(title=str(data.get("title") or ""),
                   fields=tuple(Field(str(f.get("label", "")), str(f.get("value", ""))) for f in data.get("fields") or ()),
                   buttons=tuple(_button_of(b) for b in data.get("buttons") or ()))


def _button_dict(b: Button) -> dict[str, Any]:
    """The stored form of a button (outbox payloads); keys beyond id and label only when set, so rows
    written before style, confirm and form existed read the same."""
    out: dict[str, Any] = {"id": b.id, "label": b.label}
    if b.style != "default":
        out["style"] = b.style
    if b.confirm is not None:
        out["confirm"] = b.confirm.to_dict()
    if b.form is not None:
        out["form"] = b.form
    return out


def _button_of(data: dict[str, Any]) -> Button:
    style = data.get("style")
    confirm = data.get("confirm")
    form = data.get("form")
    return Button(id=str(data["id"]), label=str(data.get("label", "")),
                  style=style if style in ("primary", "danger") else "default",
                  confirm=Confirm(**{k: str(confirm.get(k, "")) for k in ("title", "text", "ok", "cancel")})
                  if isinstance(confirm, dict) else None, form=str(form) if form else None)


@dataclass(frozen=True, slots=True)
class Reply:
    """Something to say. With neither `chat` nor `user`, it answers where the event came from."""

    text: str
    card: Card | None = None
    chat: str | None = None
    user: str | None = None
    platform: str | None = None
    thread: str | None = None
    replace: bool = False  # replace the message whose button was clicked (the card changes in place)
    ephemeral: bool = False  # only the actor sees it (where the platform can)
    home: bool = False  # the actor's home view
    extra: dict[str, Any] = field(default_factory=dict)
    tag: str | None = None  # label the posted message ("cr:12:card") so later replies can refer to it
    in_thread_of: str | None = None  # post in the thread of the message tagged so
    update_tagged: str | None = None  # instead of posting: update every message tagged so, in place
