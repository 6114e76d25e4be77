"""The one exception a handler raises to refuse: a catalogue key, shown to the user in their language."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A refusal with a reason. The dispatcher rolls back everything and replies with the message."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
