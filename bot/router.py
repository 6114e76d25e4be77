"""Intent type / button-id prefix -> handler. Registering the same key twice fails at start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.model import Reply
from handlers.context import Ctx

IntentHandler = Callable[[Any, Ctx], Awaitable[list[Reply]]]
ActionHandler = Callable[[str, Ctx], Awaitable[list[Reply]]]


class Router:
    def __init__(self) -> None:
        self._intents: dict[type, IntentHandler] = {}
        self._actions: dict[str, ActionHandler] = {}

    def on_intent(self, intent_type: type, handler: IntentHandler) -> None:
        if intent_type in self._intents:
            raise ValueError(f"intent {intent_type.__name__} already routed to {self._intents[intent_type].__name__}")
        self._intents[intent_type] = handler

    def on_action(self, prefix: str, handler: ActionHandler) -> None:
        if ":" in prefix or prefix in self._actions:
            raise ValueError(f"action prefix {prefix!r} is invalid or already routed")
        self._actions[prefix] = handler

    def for_intent(self, intent: object) -> IntentHandler | None:
        return self._intents.get(type(intent))

    def for_action(self, action: str) -> ActionHandler | None:
        return self._actions.get(action.split(":", 1)[0])
