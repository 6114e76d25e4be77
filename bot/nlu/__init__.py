"""Natural-language understanding: chat text (Chinese, English or both) to structured intents.

``parse(text, now=...)`` is pure (no I/O) and total (never raises). See ``intents`` for the
result types; ``to_dict`` gives the JSON object of the ``pmo-bot parse`` contract.
"""

from .intents import (
    Admin,
    AnyIntent,
    Cancel,
    ChangeAction,
    CreateTask,
    EditTask,
    Help,
    Intent,
    Leave,
    LogEntry,
    LogHours,
    Negated,
    Query,
    RequestChange,
    Standup,
    TaskNote,
    Unanswered,
    Unknown,
    UpdateTask,
    to_dict,
)
from .parser import parse

__all__ = [
    "Admin",
    "AnyIntent",
    "Cancel",
    "ChangeAction",
    "CreateTask",
    "EditTask",
    "Help",
    "Intent",
    "Leave",
    "LogEntry",
    "LogHours",
    "Negated",
    "Query",
    "RequestChange",
    "Standup",
    "TaskNote",
    "Unanswered",
    "Unknown",
    "UpdateTask",
    "parse",
    "to_dict",
]
