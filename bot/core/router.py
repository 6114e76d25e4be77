"""Intent type / button-id prefix -> handler. Registering the same key twice fails at start-up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.context import Ctx
from bot.core.replies import Reply

IntentHandler = Callable[[Any, Ctx], Awaitable[list[Reply]]]
ActionHandler = Callable[[str, Ctx], Awaitable[list[Reply]]]
FormHandler = Callable[[dict[str, Any], Ctx], Awaitable[list[Reply]]]


class Router:
    def __init__(self) -> None:
        self._intents: dict[type, IntentHandler] = {}
        self._actions: dict[str, ActionHandler] = {}
        self._forms: dict[str, FormHandler] = {}
        self._home: IntentHandler | None = None
        # Handlers that may take a plain message as the answer to a question the bot asked; they return None
        # when the sender has no open question. They get the message before intents that are only a guess.
        self.answers: list[Callable[[Ctx], Awaitable[list[Reply] | None]]] = []

    def on_intent(self, intent_type: type, handler: IntentHandler) -> None:
        if intent_type in self._intents:
            raise ValueError(f"intent {intent_type.__name__} already routed to {self._intents[intent_type].__name__}")
        self._intents[intent_type] = handler

    def on_action(self, prefix: str, handler: ActionHandler) -> None:
        if ":" in prefix or prefix in self._actions:
            raise ValueError(f"action prefix {prefix!r} is invalid or already routed")
        self._actions[prefix] = handler

    def on_form(self, name: str, handler: FormHandler) -> None:
        if name in self._forms:
            raise ValueError(f"form {name!r} already routed")
        self._forms[name] = handler

    def on_home(self, handler: IntentHandler) -> None:
        if self._home is not None:
            raise ValueError("home view already routed")
        self._home = handler

    async def home(self, _: None, ctx: Ctx) -> list[Reply]:
        if self._home is None:
            return []
        return await self._home(None, ctx)

    def on_answer(self, handler: Callable[[Ctx], Awaitable[list[Reply] | None]]) -> None:
        self.answers.append(handler)

    def for_form(self, name: str) -> FormHandler | None:
        return self._forms.get(name)

    def for_intent(self, intent: object) -> IntentHandler | None:
        return self._intents.get(type(intent))

    def for_action(self, action: str) -> ActionHandler | None:
        return self._actions.get(action.split(":", 1)[0])
