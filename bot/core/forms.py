"""What a submitted form's fields must hold, checked before the form closes: Slack answers a modal with
`response_action: "errors"` next to the field, so a bad value is fixed in place instead of the modal closing
and an error appearing in the channel. Pure: no database. The form handlers (tasks.from_form,
changes.request_form) check the same again when the form is processed (a form from elsewhere, or stale)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

# field -> (number type, highest value): the same bounds the handlers apply
NUMBERS: dict[str, dict[str, tuple[type, float]]] = {
    "create_task": {"estimate_hours": (float, 10000)},
    "change_request": {"extra_hours": (float, 10000), "budget": (float, 1e12), "people": (int, 1000)},
}
DATES = {"change_request": ("new_due",)}
REQUIRED = {"create_task": ("title",), "change_request": ("reason",), "change_reject": ("reason",)}


def problems(form: str, values: dict[str, Any], t: Callable[..., str]) -> dict[str, str]:
    """Field -> what is wrong with it, in the reader's language (`t` is i18n.t bound to a locale)."""
    found: dict[str, str] = {}
    for name in REQUIRED.get(form, ()):
        if not _text(values.get(name)):
            found[name] = t("form.required")
    for name in DATES.get(form, ()):
        raw = _text(values.get(name))
        if raw:
            try:
                dt.date.fromisoformat(raw[:10])
            except ValueError:
                found[name] = t("form.not_a_date", value=raw[:20])
    for name, (kind, high) in NUMBERS.get(form, {}).items():
        raw = _text(values.get(name))
        if not raw:
            continue
        try:
            number = kind(raw)
        except ValueError:
            number = None
        if number is None or not 0 < number <= high:
            found[name] = t("form.not_a_number", value=raw[:20], high=f"{high:g}")
    return found


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""
