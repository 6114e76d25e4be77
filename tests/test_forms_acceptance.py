"""Issue 15's gap, closed with the neutral forms: the acceptance card's "submit final acceptance" and "resubmit"
buttons open the submission form, and its submission submits the stage exactly as the typed message does — on
the console (a form line), and through the Slack and Feishu fakes (a modal, a card form)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from bot.platforms.console import make_event
from tests import test_feishu, test_slack
from tests.conftest import ChatHarness, Clock
from tests.contracts_helpers import deal, fields
from tests.test_contracts_platforms import _contract, feishu, slack

__all__ = ["deal", "feishu", "slack"]  # the fixtures


async def _submit_form(harness: ChatHarness, user: str, button: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    event = make_event({"user": user, "form": "acceptance_submit", "button": button, "values": values},
                       default_user=user, default_chat=None)
    await harness.app.handle(event)
    return await harness._delivered()


async def test_console_final_acceptance_form_submits_like_the_message(deal: ChatHarness, clock: Clock) -> None:
    await deal.say("vic", "提交初验 CRM，交付物：部署手册")
    for signer in ("sam", "sue", "lily"):
        passed = await deal.click(signer, "acc:pass:1")
    card = next(r["card"] for r in passed if r["user"] == "vic" and r["card"])
    assert card["buttons"] == [{"id": "acc:final:1", "label": "Submit final acceptance", "style": "primary",
                                "form": "acceptance_submit"}]
    refused = await _submit_form(deal, "vic", "acc:final:1", {"deliverables": "终验报告"})
    assert "2027-02-25" in refused[0]["text"]  # the same rule as the message: the trial run is still on
    clock.set("2027-02-26T10:00:00")
    assert "供应商" in (await _submit_form(deal, "sam", "acc:final:1", {"deliverables": "终验报告"}))[0]["text"]
    assert "交付物" in (await _submit_form(deal, "vic", "acc:final:1", {"deliverables": "  "}))[0]["text"]
    assert await deal.scalar("select count(*) from acceptances") == 1  # refused: nothing written

    replies = await _submit_form(deal, "vic", "acc:final:1", {"deliverables": "终验报告 https://docs.example.cn/f；运维手册",
                                                              "note": "运维手册为 v2"})
    assert "YS-2" in replies[0]["card"]["title"] and "终验" in replies[0]["card"]["title"]
    shown = fields(replies[0])
    assert "终验报告 https://docs.example.cn/f" in shown["交付物"] and "运维手册" in shown["交付物"]
    assert shown["备注"] == "运维手册为 v2"
    assert await deal.scalar("select stage from acceptances where id = 2") == "final"
    audit = [a for a in (await deal.export("CRM"))["audit"] if a["action"] == "acceptance.submitted"]
    assert audit[-1]["after"]["deliverables"] == [{"text": "终验报告", "url": "https://docs.example.cn/f"},
                                                  {"text": "运维手册"}]
    again = await _submit_form(deal, "vic", "acc:final:1", {"deliverables": "终验报告"})
    assert "正在签署中" in again[0]["text"]  # one pending round at a time, as typed


async def test_console_resubmit_form_opens_the_next_round(deal: ChatHarness) -> None:
    await deal.say("vic", "提交初验 CRM，交付物：部署手册")
    await deal.click("sam", "acc:fail:1")
    await deal.say("sam", "登录页响应慢")
    replies = await _submit_form(deal, "vic", "acc:resubmit:1", {"deliverables": "部署手册 v2；整改报告"})
    assert "第 2 轮" in replies[0]["text"]
    assert await deal.scalar("select rounds from acceptances where id = 1") == 2
    assert "找不到" in (await _submit_form(deal, "wen", "acc:resubmit:1", {"deliverables": "x"}))[0]["text"]
    forged = await _submit_form(deal, "vic", "acc:pass:1", {"deliverables": "x"})  # not a submit button
    assert forged and await deal.scalar("select rounds from acceptances where id = 1") == 2


async def test_slack_resubmit_button_opens_a_modal_whose_submission_submits(slack: test_slack.SlackRig) -> None:
    vendor, signer = test_slack.HUMAN, test_slack.PM
    await _contract(slack.app, "slack", vendor_person=vendor, signer=signer)
    await slack.message("submit CRM for preliminary acceptance: deployment guide", user=vendor,
                        event_id="Ev0AF0000001", ts="1718000500.000100")
    await slack.settle()
    fail = test_slack._click("acc:fail:1", user=signer, channel="D0HUMAN002", ts="1718000501.000100",
                             block="pmo_actions", action_ts="1718000502.000001")
    assert (await slack.post(fail, content_type=test_slack.FORM)).status == 200
    await slack.settle()
    await slack.message("login is slow; export is missing", user=signer, event_id="Ev0AF0000002",
                        ts="1718000503.000100")
    await slack.settle()
    assert await slack.sql("select status from acceptances where id = 1") == "failed"
    redrawn = [u for u in slack.fake.of("chat.update") if u["channel"] == "D0HUMAN001"]
    button = next(e for b in redrawn[-1]["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["value"] == "acc:resubmit:1" and button["action_id"] == "pmo_form_0:acceptance_submit"

    payload = fixture_json_click(vendor, button)
    assert (await slack.post(payload, content_type=test_slack.FORM)).status == 200
    opened = slack.fake.of("views.open")[-1]
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["callback_id"] == "pmo_form" and view["title"]["text"] == "Submit YS-1"  # the vendor reads en
    assert [b["block_id"] for b in view["blocks"]] == ["deliverables", "note"]
    assert await slack.sql("select rounds from acceptances where id = 1") == 1  # opening the form writes nothing

    empty = test_slack._submit(view, vendor, {"deliverables": {"deliverables": {"type": "plain_text_input",
                                                                                "value": " "}}}, "V0ACC1")
    async with slack.http.post(f"{slack.base}/slack/events", data=empty,
                               headers={"Content-Type": test_slack.FORM, **test_slack.sign(empty)}) as resp:
        answer = await resp.json()
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"deliverables"}
    body = test_slack._submit(view, vendor, {
        "deliverables": {"deliverables": {"type": "plain_text_input", "value": "deployment guide v2\nfix report"}},
        "note": {"note": {"type": "plain_text_input", "value": "both issues fixed"}}}, "V0ACC1")
    assert (await slack.post(body, content_type=test_slack.FORM)).status == 200
    await slack.settle()
    assert await slack.sql("select rounds from acceptances where id = 1") == 2
    assert await slack.sql("select status from acceptances where id = 1") == "pending"
    to_signer = [p for p in slack.fake.of("chat.postMessage") if p["channel"] == "D0HUMAN002"]
    assert "fix report" in json.dumps(to_signer[-1]["blocks"]) and "acc:pass:1" in json.dumps(to_signer[-1]["blocks"])


def fixture_json_click(user: str, button: dict[str, Any]) -> bytes:
    """What Slack posts when `user` clicks the rendered `button` in their DM."""
    from tests.fakes.slack import fixture_json

    payload = fixture_json("slack_block_actions.payload.json")
    payload["user"]["id"] = user
    payload["container"].update(channel_id="D0HUMAN001", message_ts="1718000504.000100")
    payload["channel"]["id"] = "D0HUMAN001"
    payload["actions"][0].update(value=button["value"], action_id=button["action_id"], block_id="pmo_actions",
                                 action_ts="1718000505.000001")
    return ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()


async def test_feishu_resubmit_is_a_card_form_whose_submission_submits(feishu: test_feishu.FeishuRig) -> None:
    vendor, signer = test_feishu.BOB, test_feishu.ALICE
    await _contract(feishu.app, "feishu", vendor_person=vendor, signer=signer)
    await feishu.event(test_feishu.p2p("提交初验 CRM，交付物：部署手册", user=vendor))
    await feishu.settle()
    signer_card = str(await feishu.sql(f"select sent_ref from outbox where tag = 'ys:1:1:card' and \"user\" = '{signer}'"))
    status, _ = await feishu.event(test_feishu.click("acc:fail:1", message_id=signer_card, user=signer),
                                   path="/feishu/card")
    assert status == 200
    await feishu.settle()
    await feishu.event(test_feishu.p2p("登录页响应慢；报表缺少导出字段", user=signer, event_id="ev-issues",
                                       message_id="om_p2p_issues"))
    await feishu.settle()
    assert await feishu.sql("select status from acceptances where id = 1") == "failed"
    patched = [c for c in feishu.fake.calls if c.method == "patch" and "acc:resubmit:1" in json.dumps(c.body)]
    assert patched  # every copy of the card redrawn with the resubmit form
    vendor_card = patched[0].path.rsplit("/", 1)[-1]
    card = json.loads(patched[0].body["content"])
    form = next(e for e in card["body"]["elements"] if e["tag"] == "form")
    assert [i["name"] for i in form["elements"][:-1]] == ["deliverables", "note"]
    value = form["elements"][-1]["behaviors"][0]["value"]
    assert value == {"a": "acc:resubmit:1", "f": "acceptance_submit"}

    submit = test_feishu.click("acc:resubmit:1", message_id=vendor_card, user=vendor, event_id="ev-resubmit",
                               form={"deliverables": "部署手册 v2；整改报告", "note": ""})
    submit["event"]["action"]["value"] = value
    status, answer = await feishu.event(submit, path="/feishu/card")
    assert status == 200, answer
    await feishu.settle()
    assert await feishu.sql("select rounds from acceptances where id = 1") == 2
    assert await feishu.sql("select status from acceptances where id = 1") == "pending"
