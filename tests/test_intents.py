"""Every intent class declares what it is (writes, may answer a question), and the sets the gate and the
dispatcher use are exactly what the classes declare."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

import pytest

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
    """The hand-kept lists these replace (the gate's WRITES, dispatch.ANSWERABLE) had exactly these members."""
    always = {c for c in intents.ALL if c.writes is True}  # the gate's hand-kept WRITES list, derived
    assert always == {intents.CreateTask, intents.UpdateTask, intents.LogHours, intents.RequestChange,
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


_FIGURES = ["CRM 项目预算需要追加5万，因为增加了服务器", "budget change for CRM: need 20k more for licenses",
            "申请增加预算 OA 项目 3万 用于采购服务器", "OA 需要增派两名开发，因为进度落后", "request another developer for CRM-10",
            "CRM-7 需要延期3天", "OA-5 需要推迟一周", "变更申请 CRM-1 延期3个工作日 原因 接口晚到",
            "change request CRM-1 delay by 2 business days because the API is late", "变更申请 CRM-3 重新打开，加2个测试",
            "change request: reopen CRM-3 and add ¥20,000 budget", "CRM-12 需要延期，供应商交付晚了"]


@pytest.mark.parametrize("text", _FIGURES)
def test_a_change_request_carries_its_figures(text: str) -> None:
    """The figures the handler used to read again from the message (summary first, then the whole message) are
    on the intent, the same values, and stay out of the `pmo-bot parse` contract."""
    from bot.nlu import approval, parse

    intent = parse(text, now=dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC))
    assert isinstance(intent, intents.RequestChange)
    said = " ".join(x for x in (intent.summary, text) if x)
    assert (intent.budget, intent.people, intent.delay) == (
        approval.money_in(said), approval.people_in(said), approval.delay_in(said))
    assert intent.reopen == ("reopen" in text or "重新打开" in text)
    assert not {"budget", "people", "delay", "reopen"} & set(intent.to_dict())


@pytest.mark.parametrize("text", ["你好", "thanks!", "<@U1> hi", "这个怎么弄", "bla bla", "工时多少?", "   ", "CR-"])
def test_unknown_carries_what_its_answer_needs(text: str) -> None:
    """The answer to a message not understood read greeting, closest capabilities and question from the message
    as written; the parser now gives the same values on the intent, outside the contract."""
    from bot.nlu import asked, parse, suggest

    intent = parse(text, now=dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC))
    if not isinstance(intent, intents.Unknown):
        return
    assert intent.greeting == suggest.kind(text)
    if intent.greeting is None:
        assert intent.closest == suggest.closest(text)
        assert intent.question == bool(asked.QUESTION.search(text))
    assert intent.to_dict() == {"intent": "unknown"}
