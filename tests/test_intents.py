"""Every intent class declares what it is (writes, may answer a question), and the sets the gate and the
dispatcher use are exactly what the classes declare."""

from __future__ import annotations

import dataclasses
import inspect

from bot.dispatch import ANSWERABLE
from bot.nlu import gate, intents


def _classes() -> list[type]:
    return [c for _, c in inspect.getmembers(intents, inspect.isclass)
            if issubclass(c, intents._Base) and c is not intents._Base and c.__module__ == intents.__name__]


def test_every_intent_class_is_in_the_unions() -> None:
    """ALL (what the gate, the dispatcher and the route test read) misses no intent class."""
    assert set(_classes()) == set(intents.ALL)


def test_every_intent_class_declares_itself() -> None:
    for cls in intents.ALL:
        own = vars(cls)
        for flag in ("intent", "writes", "answers"):
            assert flag in own, f"{cls.__name__} does not declare `{flag}`"
        assert isinstance(cls.answers, bool), cls.__name__
        writes = cls.writes
        assert isinstance(writes, bool) or (isinstance(writes, frozenset) and writes), cls.__name__
        names = {f.name for f in dataclasses.fields(cls)}
        if isinstance(writes, frozenset) or cls.undoes:
            assert "action" in names, f"{cls.__name__}: `writes` by action needs an `action` field"
            assert cls.undoes <= (writes if isinstance(writes, frozenset) else frozenset()), cls.__name__


def test_the_sets_as_before() -> None:
    """The hand-kept lists these replace (gate.WRITES, dispatch.ANSWERABLE) had exactly these members."""
    assert set(gate.WRITES) == {intents.CreateTask, intents.UpdateTask, intents.LogHours, intents.RequestChange,
                                intents.Leave, intents.EditTask, intents.TaskNote, intents.RecordPayment,
                                intents.SubmitAcceptance}
    assert set(ANSWERABLE) == {intents.Unknown, intents.Query, intents.Standup, intents.Help}


def test_writes_by_action() -> None:
    is_write = gate.is_write
    for action in ("approve", "reject", "withdraw"):
        assert is_write(intents.ChangeAction(action=action, change=1))
    for action in ("show", "list", "mine"):
        assert not is_write(intents.ChangeAction(action=action))
    assert is_write(intents.AcceptanceAction(action="pass")) and is_write(intents.AcceptanceAction(action="fail"))
    assert not is_write(intents.AcceptanceAction(action="show"))
    assert is_write(intents.LeaveAction(action="cancel"))
    assert not any(is_write(intents.LeaveAction(action=a)) for a in ("show", "ask", "part_day"))
    assert is_write(intents.Admin(action="add_member")) and is_write(intents.Admin(action="remove_member"))
    assert not is_write(intents.Admin(action="create_project"))
    assert intents.LeaveAction(action="cancel").undoes_itself()
    assert not intents.ChangeAction(action="withdraw").undoes_itself()
    assert not any(is_write(c()) for c in (intents.Query, intents.Help, intents.Unknown, intents.Cancel,
                                           intents.Negated, intents.Unanswered, intents.HoursQuery,
                                           intents.TaskList, intents.ContractQuery, intents.Standup))
