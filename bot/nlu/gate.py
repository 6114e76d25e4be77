"""The write gate: a message is acted on only when it was understood as a request to act.

The grammars read *what* a message is about; this decides whether it asks for that write at all:
- a cancellation ("撤销", "undo CRM-19", "取消请假") becomes :class:`Cancel`, never the thing it names;
- a question ("bob 请假了吗", "我的请假", "did I log CRM-3?") becomes whatever non-write reading the grammars
  have (a query), else :class:`Unanswered`;
- a negation ("别给我记 CRM-21 2小时", "CRM-8 不要标完成") becomes :class:`Negated`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .contracts import about
from .intents import (
    Admin,
    AnyIntent,
    Cancel,
    ChangeAction,
    CreateTask,
    Leave,
    LeaveAction,
    LogHours,
    Negated,
    RequestChange,
    Unanswered,
    Unknown,
    UpdateTask,
)
from .message import Message
from .mood import about_someone_else, cancellation, is_hedged, is_negated, is_question

# A negation of the cancelling verb itself ("不要取消请假", "don't remove @vic"); "明天不请假了" is the cancellation.
_NEGATED_UNDO = re.compile(r"(不要|别|不用|先不|无需|不必|勿)\s*(再)?\s*(给我|帮我)?\s*(把.*)?(取消|撤销|删除|移出|踢出)"
                           r"|\b(don'?t|do not|never)\s+(cancel|remove|delete|kick)\b", re.I)
_NEG_START = re.compile(r"^\s*(不要|别|先不|不用|don'?t\b|do not\b)", re.I)


def _undoes_itself(intent: AnyIntent) -> bool:
    """A write whose own words are a cancellation or a command: "取消请假", "把 @vic 移出 CRM" (the class's
    `undoes`). (Set-up commands such as "my timezone is Asia/Tokyo" stay outside the gate: "my …" there states,
    it does not ask.)"""
    return intent.undoes_itself()


def is_write(intent: AnyIntent) -> bool:
    return intent.is_write()


def _task_of(intent: AnyIntent) -> str | None:
    if isinstance(intent, LogHours):
        return next((e.task for e in intent.entries if e.task), None)
    return getattr(intent, "task", None)


def gate(msg: Message, intent: AnyIntent, reads: Callable[[], AnyIntent | None]) -> AnyIntent:
    """``intent`` if the message asks for it; else what it does ask. ``reads`` gives the first reading of the
    message that is not a write (queries, help), or None."""
    if not is_write(intent) and not isinstance(intent, Unknown):
        return intent  # a query or a command another grammar read ("取消请假" may have its own)
    if isinstance(intent, ChangeAction) and intent.action == "withdraw":
        return intent  # "撤回 CR-3" is itself the cancellation of a request
    if _undoes_itself(intent):  # its cancel words are its own act: only a question or a negation stops it
        if is_question(msg.text):
            if isinstance(intent, LeaveAction):
                return LeaveAction(action="show")  # "取消请假了吗": what leave there is answers it
            return Unanswered(looks_like=intent.intent)
        if _NEGATED_UNDO.search(msg.text) or (isinstance(intent, Admin) and _NEG_START.match(msg.text)):
            return Negated(act=intent.intent)
        return intent
    if not (isinstance(intent, UpdateTask) and intent.status == "todo"):  # "撤销完成 CRM-3" reopens it
        cancel = cancellation(msg.text)
        if cancel is not None:
            return Cancel(what=cancel[0], task=cancel[1])
    if not is_write(intent):
        if isinstance(intent, Unknown) and msg.tasks and is_question(msg.text):
            return about(msg.tasks[0].key)  # "谁负责 CRM-2", "CRM-1 完成了没有": its card
        return intent
    if is_question(msg.text):
        if isinstance(intent, ChangeAction):
            return ChangeAction(action="show", change=intent.change)  # "批准 CR-1 吗": show it, decide nothing
        other = reads()
        if other is not None and not isinstance(other, (Unanswered, Unknown)):
            return other
        task = _task_of(intent)
        if task is not None and not isinstance(intent, (RequestChange, LogHours)):
            # "CRM-2 是不是已经完成了", "CRM-1 截止是哪天": the task's card answers (status, due, people).
            return about(task)
        return Unanswered(looks_like=intent.intent, task=task)
    if is_negated(msg.text, anywhere=not isinstance(intent, CreateTask)):
        return Negated(act=intent.intent, task=_task_of(intent))
    if isinstance(intent, Leave) and about_someone_else(msg.text, len(msg.mentions)):
        return Unanswered(looks_like="leave_other")  # "bob 请假了": not the writer's leave
    if isinstance(intent, Leave) and is_hedged(msg.text):
        intent.weak = [*intent.weak, "hedged"]  # "我明天可能要请假": confirm before it skips the standup
    return intent
