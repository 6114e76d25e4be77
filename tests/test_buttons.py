"""Typed button ids (bot/core/buttons.py): every class packs to the wire format cards already posted carry, reads
it back, and refuses what is not one of ours with the "unknown button" answer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import string
from dataclasses import dataclass
from typing import Literal

import pytest

from bot.core import buttons as b
from bot.core.errors import UserError
from bot.core.replies import MAX_BUTTON_ID, Button, Card

DAY = dt.date(2026, 12, 8)
# (instance, the id as cards carry it): the shapes the handlers built with f-strings before these classes
WIRE: list[tuple[b.ButtonData, str]] = [
    (b.TaskButton("start", "CRM-3"), "task:start:CRM-3"),
    (b.TaskButton("done", "CRM-3"), "task:done:CRM-3"),
    (b.TaskButton("undo", "CRM-3"), "task:undo:CRM-3"),
    (b.LogButton(1, "CRM-3"), "log:1:CRM-3"),
    (b.LogButton(2.5, "CRM-3"), "log:2.5:CRM-3"),
    (b.ChangeNew("CRM-3"), "cr:new:CRM-3"),
    (b.ChangeDecision("approve", 12), "cr:approve:12"),
    (b.ChangeDecision("reject", 12), "cr:reject:12"),
    (b.ChangeDecision("withdraw", 12), "cr:withdraw:12"),
    (b.ChangeSlip(12, 3), "cr:slip:12:3"),
    (b.UndoLog(41), "undo:log:41"),
    (b.UndoUpdate("CRM-3"), "undo:upd:CRM-3"),
    (b.ConfirmNo(), "ok:no"),
    (b.ConfirmStatus("done", "CRM-3"), "ok:done:CRM-3"),
    (b.ConfirmStatus("start", "CRM-3"), "ok:start:CRM-3"),
    (b.ConfirmDue("CRM-3", DAY), "ok:due:CRM-3:20261208"),
    (b.ConfirmAssign("CRM-3", (4, 17)), "ok:as:CRM-3:4.17"),
    (b.ConfirmLog("CRM-3", 12, DAY), "ok:log:CRM-3:12:20261208"),
    (b.ConfirmFinish("CRM-3", 0.5), "ok:fin:CRM-3:0.5"),
    (b.ConfirmLeave(DAY, DAY + dt.timedelta(days=2)), "ok:leave:20261208:20261210"),
    (b.LeaveAdd(DAY), "leave:add:2026-12-08"),
    (b.LeaveUndo(DAY, DAY + dt.timedelta(days=2)), "leave:undo:2026-12-08:2026-12-10"),
    (b.HelpButton("tasks"), "help:tasks"),
    (b.NoSuchButton(7, 3), "nobutton:7:3"),
    (b.VerifyButton("CRM-3"), "verify:ok:CRM-3"),
    (b.FilesButton(1, 42), "files:add:1:42"),
    (b.AcceptanceButton("pass", 1), "acc:pass:1"),
    (b.AcceptanceButton("fail", 1), "acc:fail:1"),
    (b.AcceptanceButton("final", 1), "acc:final:1"),
    (b.AcceptanceButton("resubmit", 1), "acc:resubmit:1"),
]


@pytest.mark.parametrize(("data", "wire"), WIRE, ids=[w for _, w in WIRE])
def test_each_button_class_packs_the_posted_wire_format_and_reads_it_back(data: b.ButtonData, wire: str) -> None:
    assert data.pack() == wire
    assert type(data).unpack(wire) == data
    assert b.unpack_any(wire, *{type(d) for d, _ in WIRE if type(d).root() == type(data).root()}) == data
    assert data.button("label").id == wire


def test_every_button_class_is_covered() -> None:
    classes = {c for c in vars(b).values()
               if isinstance(c, type) and issubclass(c, b.ButtonData) and c is not b.ButtonData}
    assert classes == {type(d) for d, _ in WIRE}


@pytest.mark.parametrize("raw", [
    "task", "task:done", "task:done:", "cr:reject:x", "cr:reject:-1", "cr:reject:１２", "cr:nope:1",
    "cr:slip:1", "cr:slip:1:x", "log:x:CRM-1", "log:nan:CRM-1", "log:inf:CRM-1", "ok:due:CRM-1:2026120",
    "ok:due:CRM-1:20261399", "ok:as:CRM-1:", "ok:as:CRM-1:a.b", "leave:add:tomorrow", "leave:undo:2026-12-08",
    "acc:pass:1:2", "acc:sign:1", "undo:log:1x", "verify:ok", "help", "cr:reject:" + "9" * 19,
])
def test_a_malformed_id_is_refused_as_an_unknown_button(raw: str) -> None:
    classes = [c for c in (type(d) for d, _ in WIRE) if c.root() == raw.split(":", 1)[0]]
    with pytest.raises(b.BadButton) as caught:
        b.unpack_any(raw, *classes)
    assert isinstance(caught.value, UserError) and caught.value.key == "action.unknown"
    assert raw[:20] in str(caught.value)  # the log line says which id and why


def test_another_prefix_is_refused_and_the_last_field_takes_the_rest() -> None:
    with pytest.raises(b.BadButton, match="not a 'task' button"):
        b.TaskButton.unpack("taskx:done:CRM-1")
    with pytest.raises(b.BadButton):
        b.TaskButton.unpack("log:1:CRM-1")
    assert b.TaskButton.unpack("task:done:A:B").key == "A:B"  # as split(":", 2) read it
    assert b.ChangeDecision.matches("cr:reject:1") and not b.ChangeDecision.matches("crx:reject:1")


def test_packing_checks_size_and_separators() -> None:
    with pytest.raises(ValueError, match="longer than 64 bytes"):
        b.TaskButton("done", "K" * 60).pack()
    assert len(b.TaskButton("done", "K" * (MAX_BUTTON_ID - len("task:done:"))).pack()) == MAX_BUTTON_ID
    with pytest.raises(ValueError, match="longer than 64 bytes"):
        b.HelpButton("任" * 20).pack()  # bytes, not characters
    with pytest.raises(ValueError, match="cannot be packed"):
        b.ConfirmDue("A:B", DAY).pack()  # a separator inside a field that is not the last
    with pytest.raises(ValueError, match="cannot be packed"):
        b.UndoUpdate("").pack()


def test_a_new_button_class_is_one_declaration() -> None:
    @dataclass(frozen=True, slots=True)
    class Escalate(b.ButtonData, prefix="esc:to"):
        level: Literal["pm", "pmo"]
        change: int
        day: b.Compact
        key: str

    data = Escalate("pmo", 7, DAY, "CRM-1")
    assert data.pack() == "esc:to:pmo:7:20261208:CRM-1" and Escalate.root() == "esc"
    assert Escalate.unpack(data.pack()) == data
    assert data.values() == {"level": "pmo", "change": 7, "day": DAY, "key": "CRM-1"}
    with pytest.raises(TypeError, match="needs a prefix"):
        class NoPrefix(b.ButtonData):
            pass

    @dataclass(frozen=True, slots=True)
    class Odd(b.ButtonData, prefix="odd"):
        when: dt.datetime

    with pytest.raises(TypeError, match="cannot be"):
        Odd(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).pack()


def test_random_keys_and_numbers_round_trip() -> None:
    rng = random.Random(18)
    for _ in range(500):
        key = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(1, 8))) + f"-{rng.randint(1, 9999)}"
        hours = rng.choice([0.25, 0.5, 1, 1.5, 2, 7.75, 12, 24])
        for data in (b.LogButton(hours, key), b.ConfirmLog(key, hours, DAY + dt.timedelta(days=rng.randint(-400, 400))),
                     b.ChangeSlip(rng.randint(1, 10**12), rng.randint(1, 10)),
                     b.ConfirmAssign(key, tuple(rng.randint(1, 10**6) for _ in range(rng.randint(1, 4))))):
            assert type(data).unpack(data.pack()) == data


def test_the_stored_button_keeps_style_confirm_and_form() -> None:
    button = b.ChangeDecision("reject", 3).button("Reject", "danger", form="change_reject")
    assert button == Button("cr:reject:3", "Reject", "danger", None, form="change_reject")
    stored = Card(title="CR-3", buttons=(button, b.ChangeDecision("approve", 3).button("OK"))).to_dict()["buttons"]
    assert stored == [{"id": "cr:reject:3", "label": "Reject", "style": "danger", "form": "change_reject"},
                      {"id": "cr:approve:3", "label": "OK"}]  # an old row's shape when nothing is set
    assert dataclasses.replace(button, form=None).form is None
