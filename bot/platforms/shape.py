"""Payload shapes at the edge: a request we refuse gets a 4xx and one log line, and nothing is stored.

Platforms send each field with one JSON type. A translator reads a payload only after `check` has matched it
against a small schema (dotted paths to JSON types), so a signed payload with a field of another type is
refused here (400) instead of crashing later in the translator, in bolt, in the inbox batch it shares with
other events, or in the processing that would be retried for ever. Missing and null both mean "not given"
(Feishu sends `user_id: null` for a bot's mention); what "not given" means is the translator's call, usually
"not for us" (acknowledged, nothing stored). Fields no one reads are not checked.

`sound` is the last check on a neutral event before the inbox: its ids fit the columns they are stored in,
and its text is text PostgreSQL and SQLite can store.
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# Column widths the event's ids land in (storage/models.py; tests/test_malformed_input.py checks they agree).
MAX_EVENT_ID = 128  # inbox.event_id
MAX_USER_ID = 64  # identities.external_id, outbox.user
MAX_CHAT_ID = 64  # chats.external_id, outbox.chat
MAX_THREAD = 128  # outbox.thread


RETRY_AFTER = "5"  # seconds, with a 503: the platforms retry on their own schedule anyway


class Refused(Exception):
    """Answer `status` with one log line (bot/web.py); nothing is stored. Subclasses say why."""

    status = 400

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        if status is not None:
            self.status = status
        self.headers: dict[str, str] = {}  # for the answer: a platform's "do not retry" header


class Malformed(Refused, ValueError):
    """The payload does not have the shape the platform documents: 400, and the platform should not retry."""


class Unavailable(Exception):
    """The event could not be stored (the database is down...): 503, and the platform retries later."""


Kind = type | tuple[type, ...]
Schema = Mapping[str, Kind]


def check(doc: Any, schema: Schema, *, what: str) -> None:
    """Raise Malformed unless every value at the schema's paths has its type. `*` in a path is every item of a
    list (or value of an object); a path's parents must be objects (or lists for `*`) where they are given,
    unless the schema lets the parent be something else (`"user": (str, dict)`, `"user.id": str`)."""
    if not isinstance(doc, dict):
        raise Malformed(f"{what}: not an object")
    _walk(doc, _compiled(schema), "", what)


# A schema as a tree {key: (kind or None, children)}, built once per schema, so a payload is walked once and
# costs what its keys present cost (every request pays it; docs/operations.md has the figures).
_Tree = dict[str, tuple[Kind | None, "_Tree"]]
_TREES: dict[int, tuple[Schema, _Tree]] = {}


def _compiled(schema: Schema) -> _Tree:
    cached = _TREES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    tree: _Tree = {}
    for path, kind in schema.items():
        node = tree
        parts = path.split(".")
        for depth, part in enumerate(parts):
            own, children = node.get(part, (None, {}))
            if depth == len(parts) - 1:
                own = kind
            node[part] = (own, children)
            node = children
    _TREES[id(schema)] = (schema, tree)
    return tree


def _walk(node: Any, tree: _Tree, path: str, what: str) -> None:
    for key, (kind, children) in tree.items():
        if key == "*":  # every item of a list, every value of an object
            items = node if isinstance(node, list) else list(node.values()) if isinstance(node, dict) else None
            if items is None:
                raise Malformed(f"{what}: {path} is {_name(type(node))}, not a list")
            values = items
            if any(item is None for item in values):
                raise Malformed(f"{what}: {path} holds a null")
        else:
            value = node.get(key)
            if value is None:
                continue
            values = [value]
        for value in values:
            if kind is not None and not _is(value, kind):
                raise Malformed(f"{what}: {_join(path, key)} is {_name(type(value))}, not {_name(kind)}")
            if not children:
                continue
            if isinstance(value, dict) or (isinstance(value, list) and "*" in children):
                _walk(value, children, _join(path, key), what)
            elif kind is None:  # an undeclared parent that is no object
                raise Malformed(f"{what}: {_join(path, key)} is {_name(type(value))}, not an object")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is(value: Any, kind: Kind) -> bool:
    if isinstance(value, bool):  # JSON true is not a number
        return bool in kind if isinstance(kind, tuple) else kind is bool
    return isinstance(value, kind)


_NAMES = {dict: "an object", list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}


def _name(kind: Kind) -> str:
    if isinstance(kind, tuple):
        return " or ".join(_name(k) for k in kind)
    return _NAMES.get(kind, kind.__name__)


def required(value: Any, what: str) -> Any:
    """`value`, or Malformed when it is not given (None or empty)."""
    if value is None or value == "" or value == [] or value == {}:
        raise Malformed(f"{what} is missing")
    return value


def bounded(value: Any, limit: int, what: str) -> Any:
    """`value`, or Malformed when it is a string longer than `limit` (an id we would send back to the API)."""
    if isinstance(value, str) and len(value) > limit:
        raise Malformed(f"{what} is longer than {limit} characters")
    return value


def sound(event: Any) -> Any:
    """The neutral event, or Malformed when an id would not fit its column or a string could not be stored
    (a NUL character: PostgreSQL text refuses it; a lone surrogate: not encodable as UTF-8)."""
    limits = (("event_id", MAX_EVENT_ID), ("chat", MAX_CHAT_ID), ("thread", MAX_THREAD))
    for name, limit in limits:
        value = getattr(event, name, None)
        if value is not None and not (isinstance(value, str) and len(value) <= limit):
            raise Malformed(f"{name} is not a string of at most {limit} characters")
    for user in (event.user, *getattr(event, "mentions", ())):
        if not (isinstance(user.user_id, str) and 0 < len(user.user_id) <= MAX_USER_ID):
            raise Malformed(f"a user id is not a string of 1 to {MAX_USER_ID} characters")
    _storable(event, "event")
    return event


def _storable(value: Any, where: str) -> None:
    if value is None or type(value) in (int, float, bool):
        return
    if isinstance(value, str):
        if "\x00" in value:
            raise Malformed(f"{where} holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed(f"{where} is not valid Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, where)
            _storable(item, key if isinstance(key, str) else where)
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item, where)
    elif dataclasses.is_dataclass(value):
        for name in _fields(type(value)):
            _storable(getattr(value, name), name)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


# What Python raises when data has the wrong shape. Raised while reading a request, they mean the request is
# bad, not the server: the schemas (`check`) should have refused it first, so the log line
# names where it happened. Everything else (the database, the network, timeouts, a RuntimeError) is ours.
DATA_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, LookupError, AttributeError, RecursionError,
                                                OverflowError)


def classify(exc: BaseException) -> tuple[int, str]:
    """(HTTP status, reason) for an exception raised while handling a platform request."""
    if isinstance(exc, Refused):
        return exc.status, str(exc)
    if isinstance(exc, Unavailable):
        return 503, "temporarily unavailable"
    if isinstance(exc, DATA_ERRORS):
        return 400, "malformed request"
    return 503, "temporarily unavailable"


def where(exc: BaseException) -> str:
    """The innermost frame of an exception, `file:line in function`: a one-line pointer instead of a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "?"
    last = frames[-1]
    return f"{'/'.join(Path(last.filename).parts[-2:])}:{last.lineno} in {last.name}"


def log_failure(what: str, exc: BaseException) -> tuple[int, str]:
    """Log one line for a request that failed or was refused; return its (status, reason)."""
    status, reason = classify(exc)
    if isinstance(exc, Refused):
        logger.warning("%s refused (%d): %s", what, status, reason)
    elif isinstance(exc, Unavailable):
        logger.error("%s failed (%d): %s", what, status, exc.__cause__ or exc)
    else:  # a shape our schemas let through, or a fault of ours: say where, on one line
        logger.error("%s failed (%d): %s: %s at %s", what, status, type(exc).__name__, exc, where(exc))
    return status, reason
