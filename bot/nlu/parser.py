"""The entry point: normalize, then try each intent's grammar from most to least specific."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from . import suggest
from .admin import parse_admin
from .approval import parse_change_action
from .asked import QUESTION
from .change import parse_change
from .contracts import parse_contracts  # issue 15
from .create import parse_create
from .dates import HolidayLookup
from .edit import parse_edit
from .gate import gate, is_write
from .help import parse_help
from .intents import AnyIntent, Intent, Unknown
from .leave import parse_leave
from .members import parse_members
from .message import Message
from .mood import strip_polite
from .normalize import fold, normalize, unfold
from .query import parse_query
from .standup import parse_standup
from .typos import fix_typos
from .update import parse_update
from .worklog import parse_log

log = logging.getLogger(__name__)

_TZ_CACHE: dict[str, ZoneInfo] = {}


def _zone(tz: str) -> ZoneInfo:
    zone = _TZ_CACHE.get(tz)
    if zone is None:
        zone = _TZ_CACHE[tz] = ZoneInfo(tz)
    return zone


def local_now(now: datetime, tz: str) -> datetime:
    """``now`` as a naive local time in ``tz``: naive input is already local, aware is converted."""
    if now.tzinfo is None:
        return now
    return now.astimezone(_zone(tz)).replace(tzinfo=None)


def _explicit_log(msg: Message) -> Intent | None:
    # "log 3h on CRM-12 for the change request review" is a log whatever words follow.
    if msg.lower.startswith(("log ", "/log", "记工时", "登记工时", "报工时", "填工时", "logged ", "工时")):
        return parse_log(msg, forced=bool(msg.hours()))
    return None


def _key_question(msg: Message) -> Intent | None:
    # "TODO 进度" when a project TODO exists: a known key that starts the message and a question about it comes
    # before the task grammar, which would read "todo …" as a task to create (h-intents).
    first = msg.text.split(maxsplit=1)[0].upper() if msg.text.split() else ""
    if first in msg.known_keys and not msg.tasks:
        return parse_query(msg)
    return None


# Order matters: setup commands and stand-ups contain words the task grammars also use.
_GRAMMARS: list[Callable[[Message], AnyIntent | None]] = [
    parse_contracts,  # issue 15: "HT-1" and "YS-2" look like task keys
    parse_change_action,  # "CR-12" looks like a task key
    parse_admin,
    parse_members,  # "CRM 成员", "remove @bob from CRM", "项目列表" (h-intents)
    parse_help,
    parse_standup,
    parse_leave,
    parse_edit,  # "CRM-2 估时改成 24小时" is an estimate, not hours spent
    _explicit_log,
    _key_question,
    parse_create,
    lambda m: parse_query(m) if not m.tasks else None,  # "哪些任务延期了" before change requests
    parse_change,
    parse_log,
    parse_update,
    parse_query,
    lambda m: parse_create(m, implicit=True),
]


def _restore(obj: object, folded: str, original: str) -> object:
    """Text fields of a result (titles, notes, summaries) put back in the user's own characters."""
    if isinstance(obj, str):
        return unfold(obj, folded, original)
    if isinstance(obj, list):
        return [_restore(v, folded, original) for v in obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, (str, list)) or dataclasses.is_dataclass(value):
                setattr(obj, f.name, _restore(value, folded, original))
    return obj


def _first(msg: Message, *, writes: bool = True) -> AnyIntent:
    for grammar in _GRAMMARS:
        result = grammar(msg)
        if result is not None and (writes or not is_write(result)):
            return result
    return Unknown()


def parse(text: str, *, now: datetime, tz: str = "Asia/Shanghai", bot_id: str | None = None,
          workday_end: time = time(18, 0), day_hours: float = 8.0,
          is_workday: Callable[[date], bool] | None = None, holidays: HolidayLookup | None = None,
          known_keys: Iterable[str] = ()) -> AnyIntent:
    """Parse one chat message into an intent. Pure and total: any input gives an intent. ``is_workday`` is the
    caller's working-day calendar (public holidays, make-up days) for "3个工作日"; weekdays when not given.
    ``holidays(name, on_or_after)`` gives the first and last day of the named public holiday ending on or after
    a day ("国庆前", "节后第一天"), or None when the calendar cannot be sure; without it holiday names are no date.
    ``known_keys`` are the project keys that exist, so a key that is also a word ("QA", "IT") still names one."""
    result = _parse(text, now=now, tz=tz, bot_id=bot_id, workday_end=workday_end, day_hours=day_hours,
                    is_workday=is_workday, holidays=holidays, known_keys=known_keys)
    if isinstance(result, Unknown):
        _suggest(result, text)
    return result


def _suggest(result: Unknown, text: object) -> None:
    """What the answer to a message not understood needs, read from the message as written (its mentions and
    all), as that answer always read it."""
    try:
        said = text if isinstance(text, str) else str(text)
        result.greeting = suggest.kind(said)
        if result.greeting is None:
            result.closest = suggest.closest(said)
            result.question = bool(QUESTION.search(said))
    except Exception:  # total, as parse is
        log.exception("nlu suggest failed")


def _parse(text: str, *, now: datetime, tz: str, bot_id: str | None, workday_end: time, day_hours: float,
           is_workday: Callable[[date], bool] | None, holidays: HolidayLookup | None,
           known_keys: Iterable[str]) -> AnyIntent:
    """The body of :func:`parse`, before an unknown reading gets what its answer needs."""
    try:
        # "could you / please …" asks the bot to act: read the command itself (bot/nlu/mood.py).
        clean = strip_polite(normalize(text if isinstance(text, str) else str(text), bot_id))
        if not clean:
            return Unknown()
        local = local_now(now, tz)
        clean = fix_typos(clean)  # IME slips in command words ("新建人物")
        keys = known_keys if isinstance(known_keys, frozenset) else frozenset(k.upper() for k in known_keys)
        # The grammars read simplified characters; what the user wrote comes back in the result.
        folded = fold(clean)
        msg = Message(folded, local.date(), local.time(), workday_end, day_hours, is_workday=is_workday,
                      holidays=holidays, known_keys=keys)
        # Write safety (issue 13, bot/nlu/gate.py): the first reading, unless the message asks, negates or
        # cancels rather than tells; a question falls back to the first reading that is not a write.
        result = gate(msg, _first(msg), lambda: _first(msg, writes=False))
        return result if folded == clean else _restore(result, folded, clean)  # type: ignore[return-value]
    except Exception:  # never let one odd message break the chat loop
        log.exception("nlu parse failed")
    return Unknown()
