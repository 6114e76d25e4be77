"""The reply catalogue, Chinese and English: every user-visible sentence lives in one of the capability modules
beside this one (common, tasks, people, changes, contracts, reports); `t` translates a key."""

from __future__ import annotations

import logging
import re
from types import ModuleType
from typing import Any

from bot.core.i18n import changes, common, contracts, people, reports, tasks

logger = logging.getLogger(__name__)

LOCALES = ("zh", "en")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_WORDS = re.compile(r"<@[^>]*>|@\S+|\b[A-Za-z][A-Za-z0-9]*-\d+\b|\[[A-Za-z0-9]+\]|\b[A-Z0-9]{2,}\b")
_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]+\b")


def _merge(*modules: ModuleType) -> dict[str, dict[str, str]]:
    """One catalogue from the per-capability modules; a key defined twice fails at import."""
    merged: dict[str, dict[str, str]] = {}
    for module in modules:
        for key, entry in module.ENTRIES.items():
            if key in merged:
                raise ValueError(f"catalogue key {key} defined twice")
            merged[key] = entry
    return merged


CATALOGUE: dict[str, dict[str, str]] = _merge(common, tasks, people, changes, contracts, reports)

def t(locale: str, key: str, /, **params: Any) -> str:
    """Translate `key`; an unknown locale falls back to Chinese, a missing key to the key itself."""
    entry = CATALOGUE.get(key)
    if entry is None:
        logger.warning("missing catalogue key %s", key)
        return key
    template = entry.get(locale) or entry["zh"]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        logger.warning("bad parameters for %s: %s", key, sorted(params))
        return template


def detect(text: str) -> str | None:
    """The language a message is written in, when it says: any CJK means Chinese."""
    if _CJK.search(text):
        return "zh"
    # Keys (CRM-12), mentions and units (3h) say nothing about the language; a real word does.
    words = _NOT_WORDS.sub(" ", text)
    return "en" if _WORD.search(words) else None
