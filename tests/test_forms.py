"""Neutral forms (bot/core/forms.py): the checks come from the specs, and a form declared by a feature alone — a
button class and a spec, here in the test — is rendered and submitted by Slack and Feishu with no platform edit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.core import forms, i18n
from bot.core.buttons import ButtonData
from bot.core.events import CardAction, FormSubmission
from bot.core.replies import Button, Card
from bot.core.router import Router
from tests.fakes.slack import fixture_json


def _t(locale: str = "en") -> Any:
    return lambda key, **kw: i18n.t(locale, key, **kw)


def test_the_checks_are_the_specs() -> None:
    numbers = forms.NUMBERS
    assert numbers == {
        "create_task": {"estimate_hours": (float, 10000)},
        "change_request": {"extra_hours": (float, 10000), "budget": (float, 1e12), "people": (int, 1000)},
    }
    found = forms.problems("change_request", {"change_type": "scope", "reason": " ", "new_due": "soon",
                                               "extra_hours": "0", "budget": "1e13", "people": "2.5"}, _t())
    assert set(found) == {"reason", "new_due", "extra_hours", "budget", "people"}
    assert found["reason"] == "Please fill this in." and "soon" in found["new_due"] and "1000" in found["people"]
    assert forms.problems("change_request", {"change_type": "scope", "reason": "ok", "new_due": "2026-12-08",
                                             "people": "3"}, _t()) == {}
    assert forms.problems("change_reject", {"reason": ""}, _t()) == {"reason": "Please fill this in."}
    assert forms.problems("create_task", {"title": "x", "estimate_hours": "lots"}, _t()).keys() == {"estimate_hours"}
    assert forms.problems("acceptance_submit", {"deliverables": ""}, _t()) == {"deliverables": "Please fill this in."}
    assert forms.problems("no_such_form", {}, _t()) == {}


def test_a_submission_carries_the_fields_and_the_opening_buttons_values() -> None:
    values = forms.submitted(forms.CHANGE_REJECT, "cr:reject:12", {"reason": "x" * 2000, "other": "dropped"})
    assert values == {"verb": "reject", "change": "12", "button": "cr:reject:12", "reason": "x" * 1000}
    assert forms.subject(forms.CHANGE_REJECT, "cr:reject:12") == "CR-12"
    assert forms.subject(forms.CHANGE_REJECT, "cr:reject:x") == "" and not forms.opens(forms.CHANGE_REJECT, "cr:x")
    assert forms.opened_by("cr:reject:3") is forms.CHANGE_REJECT  # a card posted before buttons named their form
    assert forms.opened_by("cr:approve:3") is None and forms.opened_by("cr:approve:3", "change_reject")
    with pytest.raises(ValueError, match="already registered"):
        forms.register(forms.FormSpec("change_reject", "t", "s", ()))


# ---- a new "escalate with a reason" button: declared here only -------------------------------------------------

@dataclass(frozen=True, slots=True)
class Escalate(ButtonData, prefix="esc"):
    task: str


ESCALATE = forms.FormSpec(
    name="task_escalate", title="modal.reject_title", submit="modal.submit_reject", button=Escalate,
    subject="{task}", inline=True,
    fields=(forms.FormField("reason", "modal.reason", "multiline", required=True, max_length=300),
            forms.FormField("due", "modal.new_due", "date")))


@pytest.fixture
def escalate() -> Iterator[forms.FormSpec]:
    forms.register(ESCALATE)
    yield ESCALATE
    forms.unregister(ESCALATE.name)


def _card() -> Card:
    button = Escalate("CRM-3").button("Escalate", "danger", form=ESCALATE)
    return Card(title="CRM-3", buttons=(Button("task:done:CRM-3", "Done", "primary"), button))


def test_slack_renders_the_new_form_as_a_modal_and_reads_its_submission(escalate: forms.FormSpec) -> None:
    from bot.platforms.slack import render, translate

    actions = render.blocks("", _card())[-1]["elements"]
    assert [a.get("style") for a in actions] == ["primary", "danger"]  # the neutral style, nothing guessed
    assert translate.form_of(actions[0]) is None
    assert translate.form_of(actions[1]) is escalate  # the click opens the modal (adapter._on_action)
    view = render.form_modal(escalate, button=actions[1]["value"], channel="C0CHAN0001", thread="1718.1", t=_t())
    assert view["title"]["text"] == "Reject CRM-3" and [b["block_id"] for b in view["blocks"]] == ["reason", "due"]
    assert view["blocks"][0]["optional"] is False and view["blocks"][0]["element"]["multiline"] is True
    assert view["blocks"][1]["element"]["type"] == "datepicker"

    payload = fixture_json("slack_view_submission.payload.json")
    payload["view"].update(callback_id=view["callback_id"], private_metadata=view["private_metadata"], state={
        "values": {"reason": {"reason": {"type": "plain_text_input", "value": "blocked for a week"}},
                   "due": {"due": {"type": "datepicker", "selected_date": "2026-12-20"}}}})
    submission = translate.view_submission(payload)
    assert isinstance(submission, FormSubmission) and submission.form == "task_escalate"
    assert submission.values == {"task": "CRM-3", "button": "esc:CRM-3", "reason": "blocked for a week",
                                 "due": "2026-12-20"}
    assert submission.chat == "C0CHAN0001" and submission.thread == "1718.1"
    assert translate.error_block(payload, "reason") == "reason"  # where Slack shows the field's error


def test_feishu_renders_the_new_form_in_the_card_and_reads_its_submission(escalate: forms.FormSpec) -> None:
    from bot.platforms.feishu import render, translate
    from tests.test_feishu import click

    card = render.card("", _card(), "zh")
    form = next(e for e in card["body"]["elements"] if e["tag"] == "form")
    inputs, submit = form["elements"][:-1], form["elements"][-1]
    assert [(i["tag"], i["name"], i["required"]) for i in inputs] == [("input", "reason", True),
                                                                      ("date_picker", "due", False)]
    assert inputs[0]["placeholder"]["content"] == "原因（必填）" and inputs[0]["max_length"] == 300
    assert submit["form_action_type"] == "submit" and submit["type"] == "danger"
    assert submit["behaviors"][0]["value"] == {"a": "esc:CRM-3", "f": "task_escalate"}
    both = render.card("", _card())  # the reader's language unknown: both
    assert "原因（必填） / Reason (required)" in json.dumps(both, ensure_ascii=False)

    body = click("esc:CRM-3", message_id="om_1", form={"reason": "blocked for a week", "due": "2026-12-20"})
    body["event"]["action"]["value"] = submit["behaviors"][0]["value"]
    submission = translate.card_action(body)
    assert isinstance(submission, FormSubmission) and submission.form == "task_escalate"
    assert submission.values == {"task": "CRM-3", "button": "esc:CRM-3", "reason": "blocked for a week",
                                 "due": "2026-12-20"}
    plain = translate.card_action(click("task:done:CRM-3", message_id="om_1"))
    assert isinstance(plain, CardAction) and plain.action == "task:done:CRM-3"


def test_a_form_that_does_not_fit_a_card_stays_a_button_on_feishu() -> None:
    from bot.platforms.feishu import render

    data = Card(title="CRM-3", buttons=(Button("cr:new:CRM-3", "Change", form="change_request"),))
    card = render.card("", data, "en")
    assert not [e for e in card["body"]["elements"] if e["tag"] == "form"]  # the handler asks in the chat


async def test_the_router_takes_the_new_form_by_its_spec_name(escalate: forms.FormSpec) -> None:
    seen: list[dict[str, Any]] = []

    async def on_escalate(values: dict[str, Any], _: Any) -> list[Any]:
        seen.append(values)
        return []

    router = Router()
    router.on_form(escalate.name, on_escalate)
    handler = router.for_form("task_escalate")
    assert handler is not None
    await handler({"task": "CRM-3"}, None)  # type: ignore[arg-type]
    assert seen == [{"task": "CRM-3"}]


def test_the_console_reads_a_submitted_form() -> None:
    from bot.platforms.console import make_event

    event = make_event({"user": "vic", "form": "acceptance_submit", "button": "acc:final:2",
                        "values": {"deliverables": "终验报告；运维手册"}}, default_user="vic", default_chat=None)
    assert isinstance(event, FormSubmission) and event.form == "acceptance_submit"
    assert event.values == {"verb": "final", "acceptance": "2", "button": "acc:final:2",
                            "deliverables": "终验报告；运维手册", "note": None}
    with pytest.raises(ValueError, match="no form"):
        make_event({"user": "vic", "form": "nope", "values": {}}, default_user="vic", default_chat=None)
