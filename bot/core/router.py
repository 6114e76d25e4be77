"""How a feature declares what it handles: intent types, button-id prefixes, forms, answers, the home view.

Each feature module in handlers/ ends with its own ``router``; ``bot/routes.py`` includes them in one order.
Registering the same key twice, in one router or across included ones, fails at start-up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.context import Ctx
from bot.core.replies import Reply

IntentHandler = Callable[[Any, Ctx], Awaitable[list[Reply]]]
ActionHandler = Callable[[str, Ctx], Awaitable[list[Reply]]]
FormHandler = Callable[[dict[str, Any], Ctx], Awaitable[list[Reply]]]
AnswerHandler = Callable[[Any, Ctx], Awaitable[list[Reply] | None]]  # (the parser's intent, ctx)


class Router:
    def __init__(self, name: str = "") -> None:
        self.name = name  # the feature, for the start-up error when two features route the same key
        self._intents: dict[type, IntentHandler] = {}
        self._actions: dict[str, ActionHandler] = {}
        self._forms: dict[str, FormHandler] = {}
        self._home: IntentHandler | None = None
        # Handlers that may take a plain message as the answer to a question the bot asked; they get the
        # parser's reading of it (so they need not parse it again) and return None when the sender has no open
        # question. They get the message before intents that are only a guess
        # (the intent classes that declare `answers`), in the order they were registered or included.
        self.answers: list[AnswerHandler] = []

    def _where(self) -> str:
        return f" (router {self.name})" if self.name else ""

    def on_intent(self, intent_type: type, handler: IntentHandler) -> None:
        if intent_type in self._intents:
            raise ValueError(f"intent {intent_type.__name__} already routed to "
                             f"{self._intents[intent_type].__name__}{self._where()}")
        self._intents[intent_type] = handler

    def on_action(self, prefix: str, handler: ActionHandler) -> None:
        if ":" in prefix or prefix in self._actions:
            raise ValueError(f"action prefix {prefix!r} is invalid or already routed{self._where()}")
        self._actions[prefix] = handler

    def on_form(self, name: str, handler: FormHandler) -> None:
        if name in self._forms:
            raise ValueError(f"form {name!r} already routed{self._where()}")
        self._forms[name] = handler

    def on_home(self, handler: IntentHandler) -> None:
        if self._home is not None:
            raise ValueError(f"home view already routed{self._where()}")
        self._home = handler

    def on_answer(self, handler: AnswerHandler) -> None:
        if handler in self.answers:
            raise ValueError(f"answer handler {handler.__name__} already routed{self._where()}")
        self.answers.append(handler)

    def include(self, other: Router) -> None:
        """Add every route of ``other`` (a feature's router), with the same duplicate checks; its answer
        handlers come after those already here."""
        for intent_type, intent_handler in other._intents.items():
            self.on_intent(intent_type, intent_handler)
        for prefix, action_handler in other._actions.items():
            self.on_action(prefix, action_handler)
        for name, form_handler in other._forms.items():
            self.on_form(name, form_handler)
        if other._home is not None:
            self.on_home(other._home)
        for answer in other.answers:
            self.on_answer(answer)

    async def home(self, _: None, ctx: Ctx) -> list[Reply]:
        if self._home is None:
            return []
        return await self._home(None, ctx)

    def for_form(self, name: str) -> FormHandler | None:
        return self._forms.get(name)

    def for_intent(self, intent: object) -> IntentHandler | None:
        return self._intents.get(type(intent))

    def for_action(self, action: str) -> ActionHandler | None:
        return self._actions.get(action.split(":", 1)[0])

    @property
    def intents(self) -> frozenset[type]:
        """The intent types routed (the route test checks every intent the parser can return is one)."""
        return frozenset(self._intents)
