"""One person on two platforms: Slack and Feishu served by one process, linked by email or by the admin CLI."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest

from bot.admin import admin_main
from bot.app import App
from bot.cli import build_parser
from bot.config import Config
from tests import service
from tests.fakes import slack as slack_fake
from tests.fakes.feishu import APP_ID, APP_SECRET, ENCRYPT_KEY, VERIFICATION_TOKEN, FakeFeishu, seal
from tests.test_feishu import ALICE, p2p

SLACK_ALICE = "U0HUMAN001"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_slack_and_feishu_in_one_process_and_one_person_by_email(db_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    slack = await slack_fake.FakeSlack().start()
    slack.users[SLACK_ALICE] = {"id": SLACK_ALICE, "name": "alice", "real_name": "Alice Wang", "tz": "Asia/Shanghai",
                                "locale": "en-US", "profile": {"display_name": "alice", "email": "alice@example.com"}}
    feishu = FakeFeishu().start()
    feishu.users[ALICE] = {"open_id": ALICE, "name": "王爱丽", "email": "Alice@Example.com"}
    port = _free_port()
    cfg = service.config(db_url, jobs_enabled=False, slack_bot_token="xoxb-test",
                         slack_signing_secret=slack_fake.SIGNING_SECRET, slack_api_url=slack.api_url,
                         feishu_app_id=APP_ID, feishu_app_secret=APP_SECRET,
                         feishu_verification_token=VERIFICATION_TOKEN,
                         feishu_encrypt_key=ENCRYPT_KEY, feishu_domain=feishu.url)
    assert await _admin(db_url, "project", "create", "CRM", "--name", "CRM", "--locale", "en") == 0
    assert await _admin(db_url, "member", "add", "CRM", f"slack:{SLACK_ALICE}", "--role", "pm") == 0
    app = App(cfg)
    try:
        async with service.serving(app, port) as (http, base):
            # Alice asks on Slack...
            body = slack_fake.fixture_json("slack_message_im.json")
            body["event"].update(text="new task draft the rollout plan", user=SLACK_ALICE)
            raw = json.dumps(body).encode()
            async with http.post(f"{base}/slack/events", data=raw, headers={
                    "Content-Type": "application/json", **slack_fake.sign(raw)}) as resp:
                assert resp.status == 200
            await service.settle(app)
            # ...and in Feishu her tasks are the same tasks: one person, two identities.
            async with http.post(f"{base}/feishu/events", data=(sealed := seal(p2p("my tasks")))[0],
                                 headers=sealed[1]) as resp:
                assert resp.status == 200
            await service.settle(app)
    finally:
        await slack.stop()
        feishu.stop()
    assert await service.scalar(app, "select count(*) from people") == 1
    assert await service.scalar(app, "select count(distinct platform) from identities") == 2
    answer = json.dumps([json.loads(s["content"]) for s in feishu.of("send")], ensure_ascii=False)
    assert "draft the rollout plan" in answer


async def _admin(db_url: str, *argv: str) -> int:
    args = build_parser().parse_args(["admin", *argv, "--db", db_url])
    return await admin_main(replace(Config(), database_url=db_url), args)


async def test_admin_links_identities_across_platforms(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert await _admin(db_url, "project", "create", "CRM", "--name", "CRM") == 0
    assert await _admin(db_url, "member", "add", "CRM", f"slack:{SLACK_ALICE}", "--role", "pm") == 0
    # The bot has seen her Feishu account once (no email there): a record with nothing but the identity.
    app = App(replace(Config(), database_url=db_url))
    from storage import people

    async with app.db.unit_of_work() as session:
        await people.get_or_create(session, platform="feishu", external_id=ALICE, name="王爱丽")
    assert await _admin(db_url, "person", "link", f"slack:{SLACK_ALICE}", f"feishu:{ALICE}") == 0
    assert "are one person" in capsys.readouterr().out
    assert await service.scalar(app, "select count(*) from people") == 1
    assert await service.scalar(app, "select count(distinct person_id) from identities") == 1
    assert await service.scalar(app, "select count(*) from audit_log where action = 'person.linked'") == 1
    # A new identity is simply added; a record with data of its own is not merged behind anyone's back.
    assert await _admin(db_url, "person", "link", f"slack:{SLACK_ALICE}", "feishu:ou_second_account") == 0
    assert await _admin(db_url, "member", "add", "CRM", "feishu:ou_bob", "--role", "member") == 0
    capsys.readouterr()
    assert await _admin(db_url, "person", "link", f"slack:{SLACK_ALICE}", "feishu:ou_bob") == 1
    assert "memberships" in capsys.readouterr().err
    assert await service.scalar(app, "select count(*) from people") == 2
    await app.close()
