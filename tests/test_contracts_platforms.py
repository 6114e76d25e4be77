"""The acceptance sign-off card on Slack and Feishu through the fakes: it renders with its buttons, and a click
by the signer decides and redraws it (issue 15)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from tests import test_feishu, test_slack
from tests.fakes.slack import fixture_json


async def _contract(app: App, platform: str, *, vendor_person: str, signer: str) -> None:
    """HT-1 with 东软, `vendor_person` its member, `signer` the sponsor who alone signs (the policy says so)."""
    from bot import admin_contracts
    from bot.admin import _admin, cli_context
    from bot.cli import build_parser

    for argv in (["vendor", "add", "东软"],
                 ["member", "add", "CRM", f"{platform}:{vendor_person}", "--role", "vendor", "--vendor", "东软"],
                 ["member", "add", "CRM", f"{platform}:{signer}", "--role", "sponsor"],
                 ["contract", "add", "CRM", "--vendor", "东软", "--amount", "100000"],
                 ["payment", "add", "HT-1", "--name", "初验款", "--percent", "50", "--after", "初验"],
                 ["acceptance", "policy", "CRM", "--signers", "sponsor"]):
        args = build_parser().parse_args(["admin", *argv])
        async with app.db.unit_of_work() as session:
            ctx = cli_context(session, now=app.clock(), settings=app.config.settings, platform=platform)
            await (admin_contracts._admin(ctx, args) if admin_contracts.handles(args) else _admin(ctx, args))


@pytest.fixture
async def slack(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[test_slack.SlackRig]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with test_slack.rig(db_url) as running:
        yield running


@pytest.fixture
async def feishu(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[test_feishu.FeishuRig]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with test_feishu.rig(db_url) as running:
        yield running


async def test_slack_sign_off_card_renders_and_its_click_passes_it(slack: test_slack.SlackRig) -> None:
    vendor, signer = test_slack.HUMAN, test_slack.PM
    await _contract(slack.app, "slack", vendor_person=vendor, signer=signer)
    await slack.message("submit CRM for preliminary acceptance: deployment guide https://docs.example.com/d; "
                        "test report", user=vendor, event_id="Ev0ACC000001", ts="1718000400.000100")
    await slack.settle()
    to_signer = [p for p in slack.fake.of("chat.postMessage") if p["channel"] == "D0HUMAN002"]
    blocks = json.dumps(to_signer[-1]["blocks"], ensure_ascii=False)
    assert "acc:pass:1" in blocks and "acc:fail:1" in blocks and "https://docs.example.com/d" in blocks

    payload = fixture_json("slack_block_actions.payload.json")
    payload["user"]["id"] = signer
    card_ts = await slack.sql("select sent_ref from outbox where tag = 'ys:1:1:card' and \"user\" = 'U0HUMAN002'")
    payload["container"].update(channel_id="D0HUMAN002", message_ts=card_ts)
    payload["channel"]["id"] = "D0HUMAN002"
    payload["actions"][0]["value"] = "acc:pass:1"
    body = ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    assert await slack.sql("select status from acceptances where id = 1") == "passed"
    updates = slack.fake.of("chat.update")
    assert {u["channel"] for u in updates} == {"D0HUMAN001", "D0HUMAN002"}  # the vendor's and the signer's copies
    assert all("acc:pass" not in json.dumps(u.get("blocks")) for u in updates)
    assert await slack.sql("select payable_at is not null from payment_milestones") in (True, 1)


async def test_feishu_sign_off_card_renders_and_its_click_passes_it(feishu: test_feishu.FeishuRig) -> None:
    vendor, signer = test_feishu.BOB, test_feishu.ALICE
    await _contract(feishu.app, "feishu", vendor_person=vendor, signer=signer)
    await feishu.event(test_feishu.p2p("提交初验 CRM，交付物：部署手册 https://docs.example.cn/d；测试报告", user=vendor))
    await feishu.settle()
    message_id = str(await feishu.sql(f"select sent_ref from outbox where tag = 'ys:1:1:card' and \"user\" = '{signer}'"))
    sent = [c for c in feishu.fake.of("send") if c.get("msg_type") == "interactive"]
    values = [v for c in sent for v in test_feishu._button_values(test_feishu._card(c))]
    assert "acc:pass:1" in values and "acc:fail:1" in values
    status, answer = await feishu.event(test_feishu.click("acc:pass:1", message_id=message_id, user=signer),
                                        path="/feishu/card")
    assert status == 200
    assert "acc:pass:1" not in test_feishu._button_values(answer["card"]["data"])  # redrawn, decided
    await feishu.settle()
    assert await feishu.sql("select status from acceptances where id = 1") == "passed"
    status, again = await feishu.event(test_feishu.click("acc:pass:1", message_id=message_id, user=signer,
                                                         event_id="ev-click-2"), path="/feishu/card")
    assert status == 200 and "card" not in again  # a second click decides nothing
    await feishu.settle()
    assert await feishu.sql("select count(*) from audit_log where action = 'acceptance.passed'") == 1
