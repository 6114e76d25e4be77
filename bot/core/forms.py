"""Neutral forms: what a form asks (`FormSpec`), which button opens it, and what its fields must hold.

A handler says a button opens a form (`Button(…, form="change_reject")`, or `SomeButton(…).button(…,
form=SPEC)`); every platform renders the spec its own way — Slack as a modal opened on the click, Feishu as a
form inside the card (`inline` specs; a larger one stays a plain button there and the handler answers the click),
the console not at all (the click reaches the handler, which says what to type). Whatever the platform, the
submission reaches the router as `FormSubmission(form=spec.name, values=submitted(…))`: the fields by name, the
opening button's own values (its `ButtonData` fields) and that button's id under "button". No platform knows
which button opens which form: adding one is a spec here and a `router.on_form` in the feature.

The checks (`problems`) run before a form closes where the platform allows it (Slack answers a modal with
`response_action: "errors"` next to the field, so a bad value is fixed in place). Pure: no database. The form
handlers check the same again when the form is processed (a form from elsewhere, or stale)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.buttons import AcceptanceButton, ButtonData, ChangeDecision, ChangeNew
from bot.core.errors import UserError

FieldKind = Literal["text", "multiline", "number", "date", "select", "user"]
BUTTON = "button"  # the submitted values' key for the id of the button that opened the form


@dataclass(frozen=True, slots=True)
class FormField:
    """One input. `label` is a catalogue key; `options` are (value, label key) for a select."""

    name: str
    label: str
    kind: FieldKind = "text"
    required: bool = False
    max_length: int = 1000  # text: what is kept of a longer answer
    high: float | None = None  # number: 0 < value <= high
    integer: bool = False  # number: a whole number
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FormSpec:
    """A form: its name (the `FormSubmission.form` and `router.on_form` key), title and submit label (catalogue
    keys), fields. `subject` is formatted with the opening button's values and follows the title
    ("CR-{change}"). `inline`: small enough to sit inside a card (Feishu); `opened_by`: the button-id prefix
    that opened this form on cards posted before buttons named their form, so those cards keep working."""

    name: str
    title: str
    submit: str
    fields: tuple[FormField, ...]
    button: type[ButtonData] | None = None
    subject: str = ""
    inline: bool = False
    opened_by: str = ""

    def field(self, name: str) -> FormField | None:
        return next((f for f in self.fields if f.name == name), None)


_SPECS: dict[str, FormSpec] = {}


def register(spec: FormSpec) -> FormSpec:
    """Make a spec known to the platforms (by name); registering another spec under a taken name fails."""
    known = _SPECS.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"form {spec.name!r} is already registered")
    _SPECS[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    _SPECS.pop(name, None)


def spec(name: str) -> FormSpec | None:
    return _SPECS.get(name)


def opened_by(button_id: str, form: str | None = None) -> FormSpec | None:
    """The form a click opens: the one its button names, else (a card posted before buttons named their form)
    the spec that claims the id's prefix."""
    if form:
        return _SPECS.get(form)
    for found in _SPECS.values():
        if found.opened_by and button_id.startswith(found.opened_by + ":"):
            return found
    return None


def opens(spec: FormSpec, button_id: str) -> bool:
    """Whether a click on `button_id` may open `spec`: its button class reads the id (a forged or stale id
    opens nothing; its click goes to the handler, which refuses it)."""
    return spec.button is None or bool(_button_values(spec, button_id))


def subject(spec: FormSpec, button_id: str) -> str:
    """The spec's subject for the button that opened it ("CR-12"); empty when the id does not unpack."""
    values = _button_values(spec, button_id)
    try:
        return spec.subject.format(**values) if spec.subject and values else ""
    except (KeyError, IndexError, ValueError):
        return ""


def submitted(spec: FormSpec, button_id: str | None, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A submission's neutral values: the spec's fields (what the platform read, by field name; text cut to
    the field's length), the opening button's values, and its id under BUTTON."""
    values: dict[str, Any] = {}
    if button_id:
        values.update(_button_values(spec, button_id))
        values[BUTTON] = button_id
    for f in spec.fields:
        raw = fields.get(f.name)
        if isinstance(raw, str):
            raw = raw[:f.max_length]
        values[f.name] = raw
    return values


def _button_values(spec: FormSpec, button_id: str) -> dict[str, Any]:
    if spec.button is None or not spec.button.matches(button_id):
        return {}
    try:
        data = spec.button.unpack(button_id)
    except UserError:  # BadButton: a forged id opens an empty form, and its handler refuses the submission
        return {}
    return {k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in data.values().items()}


def problems(form: str, values: dict[str, Any], t: Callable[..., str]) -> dict[str, str]:
    """Field -> what is wrong with it, in the reader's language (`t` is i18n.t bound to a locale)."""
    found: dict[str, str] = {}
    known = _SPECS.get(form)
    if known is None:
        return found
    for f in known.fields:
        raw = _text(values.get(f.name))
        if not raw:
            if f.required:
                found[f.name] = t("form.required")
            continue
        if f.kind == "date":
            try:
                dt.date.fromisoformat(raw[:10])
            except ValueError:
                found[f.name] = t("form.not_a_date", value=raw[:20])
        elif f.kind == "number" and f.high is not None:
            try:
                number: float | None = int(raw) if f.integer else float(raw)
            except ValueError:
                number = None
            if number is None or not 0 < number <= f.high:
                found[f.name] = t("form.not_a_number", value=raw[:20], high=f"{f.high:g}")
    return found


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


# ---- our forms --------------------------------------------------------------------------------------------------

CREATE_TASK = register(FormSpec(
    name="create_task", title="modal.modal_title", submit="modal.submit", fields=(
        FormField("title", "modal.title", required=True, max_length=150),
        FormField("assignees", "modal.assignee", "user"),
        FormField("due", "modal.due", "date"),
        FormField("priority", "modal.priority", "select", options=tuple((p, p) for p in ("P0", "P1", "P2", "P3"))),
        FormField("estimate_hours", "modal.estimate", "number", high=10000),
    )))
CHANGE_REQUEST = register(FormSpec(
    name="change_request", title="modal.change_title", submit="modal.submit_change", button=ChangeNew,
    subject="{task}", opened_by="cr:new", fields=(
        FormField("change_type", "modal.change_type", "select", required=True,
                  options=tuple((c, f"modal.ct_{c}") for c in ("schedule", "scope", "budget", "resource"))),
        FormField("new_due", "modal.new_due", "date"),
        FormField("extra_hours", "modal.extra_hours", "number", high=10000),
        FormField("budget", "modal.budget", "number", high=1e12),
        FormField("people", "modal.people", "number", high=1000, integer=True),
        FormField("reason", "modal.reason", "multiline", required=True),
    )))
CHANGE_REJECT = register(FormSpec(
    name="change_reject", title="modal.reject_title", submit="modal.submit_reject", button=ChangeDecision,
    subject="CR-{change}", inline=True, opened_by="cr:reject", fields=(
        FormField("reason", "modal.reason", "multiline", required=True, max_length=1000),
    )))
ACCEPTANCE_SUBMIT = register(FormSpec(
    name="acceptance_submit", title="modal.acc_title", submit="modal.acc_submit", button=AcceptanceButton,
    subject="YS-{acceptance}", inline=True, fields=(
        FormField("deliverables", "modal.deliverables", "multiline", required=True, max_length=3000),
        FormField("note", "modal.note", "multiline", max_length=1000),
    )))

# field -> (number type, highest value), derived from the specs: the bounds the handlers apply too
NUMBERS: dict[str, dict[str, tuple[type, float]]] = {
    s.name: {f.name: (int if f.integer else float, f.high) for f in s.fields if f.kind == "number" and f.high}
    for s in (CREATE_TASK, CHANGE_REQUEST)}
