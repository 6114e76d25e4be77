"""Platform adapters, and the registry the composition root loops over.

Each messenger is a package `bot/platforms/<name>/` whose `__init__` is its registry entry (the contract is
`bot/platforms/base.py`). Adding one is one line in `PLATFORMS`. The console (`console.py`) is no entry: it
is not configured from the environment but opened by the CLI (`pmo-bot chat`, `pmo-bot run --console`).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from bot.platforms.base import Entry

# name -> the package that implements the contract (imported only when its settings are read).
PLATFORMS: dict[str, str] = {
    "slack": "bot.platforms.slack",
    "feishu": "bot.platforms.feishu",
}
CONSOLE = "console"
NAMES: tuple[str, ...] = (*PLATFORMS, CONSOLE)  # every platform an identity or chat may belong to


def entry(name: str) -> Entry:
    return cast("Entry", importlib.import_module(PLATFORMS[name]))


def configured(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings of every platform the environment turns on, by name, in registry order."""
    found: dict[str, Any] = {}
    for name in PLATFORMS:
        settings = entry(name).from_env(env)
        if settings is not None:
            found[name] = settings
    return found
