"""The one exception a handler raises to refuse: a catalogue key, shown to the user in their language."""

from __future__ import annotations

from typing import Any

from bot.core.replies import Button


class UserError(Exception):
    """A refusal with a reason. The dispatcher rolls back everything and replies with the message;
    `buttons` offer the likely answers when something was missing (which task? how many hours?)."""

    def __init__(self, key: str, /, *, buttons: tuple[Button, ...] = (), **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.buttons = buttons
