"""Typed button ids: what a click carries back, packed into the platform's small callback string.

A button id is `prefix:value:value…` (`task:done:CRM-3`, `cr:reject:12`, `log:2:CRM-3`), at most MAX_BUTTON_ID
bytes (Slack's and Feishu's callback limits). The first part of the prefix routes the click
(`Router.on_action("task", …)`); the rest is the handler's to read. Each id shape is one dataclass here, so an
id is built and read in one place: `TaskButton("done", "CRM-3").pack()` and `TaskButton.unpack(action)`.

    @dataclass(frozen=True, slots=True)
    class TaskButton(ButtonData, prefix="task"):
        verb: Literal["start", "done", "undo"]
        key: str

Field types: `str` (no ":" but in the last field, which takes the rest of the id), `int` (decimal digits),
`float` (hours: "2", "1.5"), `Literal[...]` of strings, `dt.date` (ISO, `2026-12-08`), `Compact`
(a date as `20261208`), `tuple[int, ...]` (ids joined by "."). The wire format is the one buttons already
posted carry: a card sent months ago must still click. A malformed id raises `BadButton`, a `UserError`
whose answer is "unknown button" (a stale or forged click is refused the same way everywhere).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, TypeVar

from bot.core.errors import UserError
from bot.core.replies import MAX_BUTTON_ID, Button, Confirm

if TYPE_CHECKING:
    from bot.core.forms import FormSpec

SEP = ":"
_COMPACT = "compact"
Compact = Annotated[dt.date, _COMPACT]  # a date packed as YYYYMMDD (the confirm card's ids)
_MAX_DIGITS = 18  # an int field fits a BIGINT column


class BadButton(UserError):
    """A button id that is not one of ours (malformed, stale, forged): answered as an unknown button."""

    def __init__(self, raw: str, why: str) -> None:
        super().__init__("action.unknown")
        self.raw, self.why = raw, why

    def __str__(self) -> str:
        return f"bad button id {self.raw[:80]!r}: {self.why}"


Codec = tuple[Callable[[Any], str], Callable[[str], Any]]
B = TypeVar("B", bound="ButtonData")


class ButtonData:
    """Base of the typed button ids; a subclass is a frozen dataclass declaring `prefix=` and its fields."""

    prefix: ClassVar[str] = ""

    def __init_subclass__(cls, *, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is not None:
            if not prefix or any(not part or not part.isascii() for part in prefix.split(SEP)):
                raise ValueError(f"button prefix {prefix!r} must be ASCII parts joined by {SEP!r}")
            cls.prefix = prefix
        elif not cls.prefix:
            raise TypeError(f"{cls.__name__} needs a prefix: class {cls.__name__}(ButtonData, prefix='…')")

    @classmethod
    def root(cls) -> str:
        """The part the router routes on (`cr` of `cr:slip`)."""
        return cls.prefix.split(SEP, 1)[0]

    @classmethod
    def _codecs(cls) -> list[tuple[str, Codec]]:
        cached = cls.__dict__.get("_codec_cache")
        if cached is None:
            hints = typing.get_type_hints(cls, include_extras=True)
            cached = [(f.name, _codec(hints[f.name], f.name, cls.__name__)) for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
            type.__setattr__(cls, "_codec_cache", cached)
        return list(cached)

    def pack(self) -> str:
        codecs = self._codecs()
        parts = [self.prefix]
        for i, (name, (encode, _)) in enumerate(codecs):
            text = encode(getattr(self, name))
            if not text or (SEP in text and i < len(codecs) - 1):
                raise ValueError(f"{type(self).__name__}.{name} cannot be packed: {text!r}")
            parts.append(text)
        packed = SEP.join(parts)
        if len(packed.encode()) > MAX_BUTTON_ID:
            raise ValueError(f"button id longer than {MAX_BUTTON_ID} bytes: {packed!r}")
        return packed

    @classmethod
    def matches(cls, raw: str) -> bool:
        """Whether `raw` has this class's prefix (several classes may share a router prefix: `cr`)."""
        return raw == cls.prefix or raw.startswith(cls.prefix + SEP)

    @classmethod
    def unpack(cls, raw: str) -> Self:
        if not cls.matches(raw):
            raise BadButton(raw, f"not a {cls.prefix!r} button")
        codecs = cls._codecs()
        rest = raw[len(cls.prefix) + 1:] if len(raw) > len(cls.prefix) else ""
        parts = rest.split(SEP, len(codecs) - 1) if codecs and rest else []
        if len(parts) != len(codecs):
            raise BadButton(raw, f"{cls.__name__} takes {len(codecs)} values")
        values: dict[str, Any] = {}
        for (name, (_, decode)), text in zip(codecs, parts, strict=True):
            try:
                values[name] = decode(text)
            except (ValueError, TypeError, OverflowError) as exc:
                raise BadButton(raw, f"{name}: {exc}") from None
        return cls(**values)

    def values(self) -> dict[str, Any]:
        """The fields by name (a form's submission carries the values of the button that opened it)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}  # type: ignore[arg-type]

    def button(self, label: str, style: Literal["default", "primary", "danger"] = "default",
               confirm: Confirm | None = None, *, form: FormSpec | str | None = None) -> Button:
        """The neutral Button carrying this id (and the form it opens, if any)."""
        name = form if isinstance(form, str) or form is None else form.name
        return Button(self.pack(), label, style, confirm, form=name)


def unpack_any(raw: str, *classes: type[B]) -> B:
    """The first of `classes` whose prefix `raw` has, unpacked (longer prefixes are tried first)."""
    for cls in sorted(classes, key=lambda c: -len(c.prefix)):
        if cls.matches(raw):
            return cls.unpack(raw)
    raise BadButton(raw, "no button class takes it")


def _codec(hint: Any, name: str, owner: str) -> Codec:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Annotated and args[0] is dt.date and _COMPACT in args[1:]:
        return (lambda d: f"{d:%Y%m%d}", _compact)
    if hint is str:
        return (str, _text)
    if hint is int:
        return (lambda n: str(int(n)), _int)
    if hint is float:
        return (_float_text, _float)
    if hint is dt.date:
        return (lambda d: d.isoformat(), dt.date.fromisoformat)
    if origin is Literal and all(isinstance(a, str) for a in args):
        choices = frozenset(args)
        return (str, lambda s: _choice(s, choices))
    if origin is tuple and len(args) == 2 and args[0] is int and args[1] is Ellipsis:
        return (lambda ns: ".".join(str(int(n)) for n in ns), _ints)
    raise TypeError(f"{owner}.{name}: a button field cannot be {hint!r}")


def _text(s: str) -> str:
    if not s:
        raise ValueError("empty")
    return s


def _int(s: str) -> int:
    if not (s.isascii() and s.isdigit() and len(s) <= _MAX_DIGITS):
        raise ValueError(f"{s[:20]!r} is not a number")
    return int(s)


def _float_text(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else repr(x)


def _float(s: str) -> float:
    x = float(s)
    if not math.isfinite(x):
        raise ValueError(f"{s[:20]!r} is not finite")
    return x


def _compact(s: str) -> dt.date:
    if not (len(s) == 8 and s.isascii() and s.isdigit()):
        raise ValueError(f"{s[:20]!r} is not YYYYMMDD")
    return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))


def _choice(s: str, choices: frozenset[str]) -> str:
    if s not in choices:
        raise ValueError(f"{s[:20]!r} is not one of {sorted(choices)}")
    return s


def _ints(s: str) -> tuple[int, ...]:
    found = tuple(int(x) for x in s.split(".") if x.isascii() and x.isdigit() and len(x) <= _MAX_DIGITS)
    if not found:
        raise ValueError("no ids")
    return found


# ---- the ids our cards carry ----------------------------------------------------------------------------------
# One class per id shape. Changing a shape breaks every card already posted: add a class, never edit one.

@dataclass(frozen=True, slots=True)
class TaskButton(ButtonData, prefix="task"):
    """A task card's `task:start:KEY`, `task:done:KEY`, `task:undo:KEY` (undo a just-created task)."""

    verb: str
    key: str


@dataclass(frozen=True, slots=True)
class LogButton(ButtonData, prefix="log"):
    """`log:2:CRM-3`: log that many hours today."""

    hours: float
    key: str


@dataclass(frozen=True, slots=True)
class ChangeNew(ButtonData, prefix="cr:new"):
    """A task card's "request change": `cr:new:KEY` (it opens the change-request form)."""

    task: str


@dataclass(frozen=True, slots=True)
class ChangeDecision(ButtonData, prefix="cr"):
    """A change request card's `cr:approve:ID`, `cr:reject:ID`, `cr:withdraw:ID`."""

    verb: Literal["approve", "reject", "withdraw"]
    change: int


@dataclass(frozen=True, slots=True)
class ChangeSlip(ButtonData, prefix="cr:slip"):
    """A draft's quick slip: `cr:slip:ID:N` (move the due date N working days)."""

    change: int
    days: int


@dataclass(frozen=True, slots=True)
class UndoLog(ButtonData, prefix="undo:log"):
    """`undo:log:ID`: undo a work log."""

    log: int


@dataclass(frozen=True, slots=True)
class UndoUpdate(ButtonData, prefix="undo:upd"):
    """`undo:upd:KEY`: undo the update just made to a task."""

    key: str


@dataclass(frozen=True, slots=True)
class ConfirmNo(ButtonData, prefix="ok:no"):
    """The confirm card's "cancel": `ok:no`."""


@dataclass(frozen=True, slots=True)
class ConfirmStatus(ButtonData, prefix="ok"):
    """`ok:done:KEY`, `ok:start:KEY`."""

    verb: Literal["done", "start"]
    key: str


@dataclass(frozen=True, slots=True)
class ConfirmDue(ButtonData, prefix="ok:due"):
    """`ok:due:KEY:YYYYMMDD`."""

    key: str
    due: Compact


@dataclass(frozen=True, slots=True)
class ConfirmAssign(ButtonData, prefix="ok:as"):
    """`ok:as:KEY:ID.ID` (person ids)."""

    key: str
    people: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ConfirmLog(ButtonData, prefix="ok:log"):
    """`ok:log:KEY:H:YYYYMMDD`."""

    key: str
    hours: float
    day: Compact


@dataclass(frozen=True, slots=True)
class ConfirmFinish(ButtonData, prefix="ok:fin"):
    """`ok:fin:KEY:H`: done, and H hours logged."""

    key: str
    hours: float


@dataclass(frozen=True, slots=True)
class ConfirmLeave(ButtonData, prefix="ok:leave"):
    """`ok:leave:YYYYMMDD:YYYYMMDD`."""

    start: Compact
    end: Compact


@dataclass(frozen=True, slots=True)
class LeaveAdd(ButtonData, prefix="leave:add"):
    """`leave:add:2026-12-08`: an answer to "which days?"."""

    day: dt.date


@dataclass(frozen=True, slots=True)
class LeaveUndo(ButtonData, prefix="leave:undo"):
    """`leave:undo:START:END`: cancel the leave just recorded."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class HelpButton(ButtonData, prefix="help"):
    """`help:<capability>`: that capability's example."""

    capability: str


@dataclass(frozen=True, slots=True)
class NoSuchButton(ButtonData, prefix="nobutton"):
    """`nobutton:N:COUNT`: the console user typed a number no shown button has."""

    n: int
    count: int


@dataclass(frozen=True, slots=True)
class VerifyButton(ButtonData, prefix="verify:ok"):
    """`verify:ok:KEY`: check vendor-reported work."""

    key: str


@dataclass(frozen=True, slots=True)
class FilesButton(ButtonData, prefix="files:add"):
    """`files:add:ACCEPTANCE:INBOX_ROW`: add the files of a message (found again by its inbox row) to an
    acceptance's open round (handlers/deliverables.py)."""

    acceptance: int
    row: int


@dataclass(frozen=True, slots=True)
class AcceptanceButton(ButtonData, prefix="acc"):
    """`acc:pass:ID`, `acc:fail:ID`, `acc:final:ID` (submit a passed 初验's 终验), `acc:resubmit:ID` (a failed
    round's stage again)."""

    verb: Literal["pass", "fail", "final", "resubmit"]
    acceptance: int
