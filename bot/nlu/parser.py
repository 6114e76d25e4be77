"""The entry point: normalize, then try each intent's grammar from most to least specific."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from .admin import parse_admin
from .approval import parse_change_action
from .change import parse_change
from .contracts import parse_contracts  # issue 15
from .create import parse_create
from .help import parse_help
from .intents import Intent, Unknown
from .leave import parse_leave
from .message import Message
from .normalize import normalize
from .query import parse_query
from .standup import parse_standup
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


# Order matters: setup commands and stand-ups contain words the task grammars also use.
_GRAMMARS: list[Callable[[Message], Intent | None]] = [
    parse_contracts,  # issue 15: "HT-1" and "YS-2" look like task keys
    parse_change_action,  # "CR-12" looks like a task key
    parse_admin,
    parse_help,
    parse_standup,
    parse_leave,
    _explicit_log,
    parse_create,
    lambda m: parse_query(m) if not m.tasks else None,  # "哪些任务延期了" before change requests
    parse_change,
    parse_log,
    parse_update,
    parse_query,
    lambda m: parse_create(m, implicit=True),
]


def parse(text: str, *, now: datetime, tz: str = "Asia/Shanghai", bot_id: str | None = None,
          workday_end: time = time(18, 0), day_hours: float = 8.0,
          is_workday: Callable[[date], bool] | None = None) -> Intent:
    """Parse one chat message into an intent. Pure and total: any input gives an intent. ``is_workday`` is the
    caller's working-day calendar (public holidays, make-up days) for "3个工作日"; weekdays when not given."""
    try:
        clean = normalize(text if isinstance(text, str) else str(text), bot_id)
        if not clean:
            return Unknown()
        local = local_now(now, tz)
        msg = Message(clean, local.date(), local.time(), workday_end, day_hours, is_workday=is_workday)
        for grammar in _GRAMMARS:
            result = grammar(msg)
            if result is not None:
                return result
    except Exception:  # never let one odd message break the chat loop
        log.exception("nlu parse failed")
    return Unknown()
