"""Slack end to end: signed fixture payloads into the real aiohttp server, replies seen by a fake Web API."""

from __future__ import annotations

import contextlib
import copy
import json
import socket
import urllib.parse
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.app import App
from tests import service
from tests.conftest import Clock
from tests.fakes.slack import FakeSlack, fixture_bytes, fixture_json, sign

HUMAN, PM = "U0HUMAN001", "U0HUMAN002"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SlackRig:
    app: App
    fake: FakeSlack
    base: str
    http: aiohttp.ClientSession

    async def post(self, body: bytes, *, content_type: str = "application/json",
                   headers: dict[str, str] | None = None, signed: bool = True) -> aiohttp.ClientResponse:
        all_headers = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        async with self.http.post(f"{self.base}/slack/events", data=body, headers=all_headers) as resp:
            await resp.read()
            return resp

    async def message(self, text_: str, *, user: str = HUMAN, ts: str = "1718000300.000200",
                      fixture: str = "slack_message_im.json", event_id: str = "Ev0MSGIM0001",
                      headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        body = fixture_json(fixture)
        body["event"].update(text=text_, user=user, ts=ts)
        body["event_id"] = event_id
        return await self.post(json.dumps(body).encode(), headers=headers)

    async def sql(self, query: str) -> Any:
        return await service.scalar(self.app, query)

    async def settle(self) -> None:
        await service.settle(self.app)


@pytest.fixture
async def slack(db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackRig]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url) as running:
        yield running


@contextlib.asynccontextmanager
async def rig(db_url: str, **extra: Any) -> AsyncIterator[SlackRig]:
    """The real service (aiohttp server, intake, delivery) against a fake Slack."""
    fake = await FakeSlack().start()
    fake.users[HUMAN] = {"id": HUMAN, "name": "alice", "real_name": "Alice Wang", "tz": "Asia/Shanghai",
                         "locale": "en-US", "profile": {"display_name": "alice", "email": "alice@example.com"}}
    port = _free_port()
    cfg = service.config(db_url, **{"jobs_enabled": False, "slack_bot_token": "xoxb-test",
                                    "slack_signing_secret": "8c3b3f6a1e2d4c5b9a7f0e1d2c3b4a59",
                                    "slack_api_url": fake.api_url, **extra})
    app = App(cfg)
    await app.migrate()
    await service.seed_crm(app, "slack", pm=PM, member=HUMAN, chat="C0CHAN0001")
    try:
        async with service.serving(app, port) as (http, base):
            yield SlackRig(app, fake, base, http)
    finally:
        await fake.stop()


async def test_signed_dm_creates_a_task_and_the_reply_reaches_slack(slack: SlackRig) -> None:
    resp = await slack.message("new task fix SSO login by Friday")
    assert resp.status == 200
    await slack.settle()
    assert await slack.sql("select title from tasks") == "fix SSO login"
    posted = slack.fake.of("chat.postMessage")
    assert posted and "Created CRM-1" in posted[0]["text"]
    assert posted[0]["channel"] == "D0HUMAN001"  # conversations.open for the DM
    actions = [b for b in json.loads(json.dumps(posted[0]["blocks"])) if b["type"] == "actions"]
    assert any(e["value"] == "task:done:CRM-1" for e in actions[0]["elements"])
    # users.info linked the Slack user to the person record
    assert await slack.sql("select email from people where display_name = 'alice'") == "alice@example.com"


async def test_retries_and_double_mentions_make_one_task(slack: SlackRig) -> None:
    for retry in (None, "1", "2"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        resp = await slack.message("new task one only", headers=headers)
        assert resp.status == 200
    mention = fixture_json("slack_app_mention.json")
    mention["event"]["text"] = "<@U0BOT00001> new task from the channel"
    channel_copy = copy.deepcopy(mention)
    channel_copy["event"]["type"], channel_copy["event_id"] = "message", "Ev0OTHERID01"
    channel_copy["event"]["channel_type"] = "channel"
    for body in (mention, channel_copy):
        assert (await slack.post(json.dumps(body).encode())).status == 200
    await slack.settle()
    assert await slack.sql("select count(*) from tasks") == 2
    replies = [c for c in slack.fake.of("chat.postMessage") if c["channel"] == "C0CHAN0001"]
    assert len(replies) == 1 and replies[0]["thread_ts"] == mention["event"]["ts"]  # in the thread


async def test_bad_signature_stale_timestamp_and_malformed_body(slack: SlackRig) -> None:
    body = fixture_bytes("slack_message_im.json")
    bad = await slack.post(body, headers={"X-Slack-Signature": "v0=" + "0" * 64, "X-Slack-Request-Timestamp":
                                          sign(body)["X-Slack-Request-Timestamp"]}, signed=False)
    assert bad.status == 401
    stale = await slack.post(body, headers=sign(body, timestamp=1718000000), signed=False)
    assert stale.status == 401
    malformed = await slack.post(b'{"type": "event_callback", "event": ')
    assert malformed.status == 400
    for body, content_type in ((b'["not", "an", "object"]', "application/json"), (b"", "application/json"),
                               (b"payload=%5B1%5D", "application/x-www-form-urlencoded"),
                               (b"payload=%7Bbroken", "application/x-www-form-urlencoded")):
        assert (await slack.post(body, content_type=content_type)).status == 400, body
    assert await slack.sql("select count(*) from inbox") == 0


def test_signature_check_is_slacks_v0_hmac_with_a_replay_window() -> None:
    import time

    from bot.platforms.base import Deps
    from bot.platforms.slack.adapter import SlackAdapter, SlackConfig
    from tests.fakes.slack import SIGNING_SECRET

    async def accept(_: object) -> bool:
        return True

    adapter = SlackAdapter(SlackConfig(bot_token="xoxb-x", signing_secret=SIGNING_SECRET), Deps(accept=accept))
    body = fixture_bytes("slack_message_im.json")
    ok = sign(body)
    assert adapter._signed(body, ok["X-Slack-Request-Timestamp"], ok["X-Slack-Signature"])
    assert not adapter._signed(body + b" ", ok["X-Slack-Request-Timestamp"], ok["X-Slack-Signature"])
    assert not adapter._signed(body, ok["X-Slack-Request-Timestamp"], ok["X-Slack-Signature"].upper())
    assert not adapter._signed(body, ok["X-Slack-Request-Timestamp"], "v0=é" + ok["X-Slack-Signature"][4:])
    for skew in (-301, 301):  # a replayed (or far-future) request, correctly signed for its timestamp
        old = sign(body, timestamp=int(time.time()) + skew)
        assert not adapter._signed(body, old["X-Slack-Request-Timestamp"], old["X-Slack-Signature"])
    assert not adapter._signed(body, "", ok["X-Slack-Signature"])
    assert not adapter._signed(body, "12ab", ok["X-Slack-Signature"])
    unsigned = SlackAdapter(SlackConfig(bot_token="xoxb-x"), Deps(accept=accept))
    empty_key = sign(body, secret="")
    assert not unsigned._signed(body, empty_key["X-Slack-Request-Timestamp"], empty_key["X-Slack-Signature"])


async def test_own_and_other_bot_messages_and_edits_are_ignored(slack: SlackRig) -> None:
    for name in ("slack_bot_message_self.json", "slack_bot_message.json", "slack_message_changed.json"):
        assert (await slack.post(fixture_bytes(name))).status == 200
    # a channel message that does not address the bot is not work either
    plain = fixture_json("slack_message_channel.json")
    plain["event"]["text"] = "new task nobody asked the bot"
    assert (await slack.post(json.dumps(plain).encode())).status == 200
    await slack.settle()
    assert await slack.sql("select count(*) from inbox") == 0
    assert slack.fake.of("chat.postMessage") == []


async def test_button_click_updates_the_card_in_place_and_a_second_click_does_nothing(slack: SlackRig) -> None:
    await slack.message("new task click me")
    await slack.settle()
    card_ts = slack.fake.of("chat.postMessage")[0]
    payload = fixture_json("slack_block_actions.payload.json")
    payload["user"]["id"] = HUMAN
    payload["container"].update(channel_id="D0HUMAN001", message_ts="1718001001.000100")
    payload["channel"]["id"] = "D0HUMAN001"
    payload["actions"][0]["value"] = "task:done:CRM-1"
    for n in range(2):
        payload["actions"][0]["action_ts"] = f"1718000700.00000{n}"
        body = ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()
        resp = await slack.post(body, content_type="application/x-www-form-urlencoded")
        assert resp.status == 200
        await slack.settle()
    updates = slack.fake.of("chat.update")
    assert len(updates) == 1 and updates[0]["ts"] == "1718001001.000100" and "done" in updates[0]["text"]
    assert card_ts
    assert len(slack.fake.of("chat.postMessage")) == 2  # the card, then the "already done" note
    assert await slack.sql("select status from tasks") == "done"
    assert await slack.sql("select count(*) from audit_log where action = 'task.updated'") == 1


async def test_forged_button_value_changes_nothing(slack: SlackRig) -> None:
    await slack.message("new task guarded")
    await slack.settle()
    payload = fixture_json("slack_block_actions.payload.json")  # value is someone else's JSON, not our id
    payload["user"]["id"] = "U0STRANGER1"
    body = ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    payload["actions"][0]["value"], payload["actions"][0]["action_ts"] = "task:done:CRM-1", "1718000800.1"
    body = ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    assert await slack.sql("select status from tasks") == "todo"


async def test_slash_command_answers_through_response_url(slack: SlackRig) -> None:
    form = dict(urllib.parse.parse_qsl(fixture_bytes("slack_slash_command.txt").decode()))
    form.update(command="/pm", text="task write the release notes", user_id=HUMAN,
                response_url=slack.fake.url("/response/cmd1"))
    body = urllib.parse.urlencode(form).encode()
    resp = await slack.post(body, content_type="application/x-www-form-urlencoded")
    assert resp.status == 200
    await slack.settle()
    answers = slack.fake.of("response_url")
    assert answers and "Created CRM-1" in answers[0]["text"] and answers[0]["response_type"] == "in_channel"
    assert await slack.sql("select title from tasks") == "write the release notes"


async def test_user_text_is_escaped(slack: SlackRig) -> None:
    # someone types the characters "<!channel>" (Slack escapes them) into a task title
    await slack.message("new task &lt;!channel&gt; party &amp; <https://x.example|link>")
    await slack.settle()
    posted = slack.fake.of("chat.postMessage")[0]
    title = await slack.sql("select title from tasks")
    assert title.startswith("<") and title.endswith("channel> party & link")  # kept as typed (the parser drops "!")
    assert "<" not in posted["text"] and "&lt;" in posted["text"] and "party &amp; link" in posted["text"]
    assert "<!channel>" not in json.dumps(posted)


async def test_rate_limit_is_honoured_and_permanent_errors_stop(slack: SlackRig) -> None:
    slack.fake.fail("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": "1"})
    await slack.message("new task after a 429")
    await slack.settle()
    attempts = slack.fake.of("chat.postMessage")
    assert len(attempts) == 2 and await slack.sql("select status from outbox") == "sent"
    slack.fake.fail("chat.postMessage", body={"ok": False, "error": "channel_not_found"})
    await slack.message("my tasks", ts="1718000999.000100", event_id="Ev2")
    await slack.settle()
    assert await slack.sql("select count(*) from outbox where status = 'dead'") == 1
    assert len(slack.fake.of("chat.postMessage")) == 3  # no retry after a permanent error


async def test_message_shortcut_opens_a_prefilled_modal_and_submission_creates(slack: SlackRig) -> None:
    shortcut = ("payload=" + urllib.parse.quote(fixture_bytes("slack_message_shortcut.payload.json").decode())).encode()
    assert (await slack.post(shortcut, content_type="application/x-www-form-urlencoded")).status == 200
    opened = slack.fake.of("views.open")
    view = json.loads(opened[0]["view"]) if isinstance(opened[0]["view"], str) else opened[0]["view"]
    title = view["blocks"][0]["element"]["initial_value"]
    assert title == "Can someone review the login fix today?"
    submission = fixture_json("slack_view_submission.payload.json")
    submission["view"]["state"]["values"]["assignee_block"]["assignee_select"]["selected_user"] = PM
    body = ("payload=" + urllib.parse.quote(json.dumps(submission))).encode()
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    assert await slack.sql("select title from tasks") == "Fix login bug"
    assert await slack.sql("select count(*) from task_assignees") == 1


async def test_app_home_shows_my_work(slack: SlackRig) -> None:
    await slack.message("new task home item")
    await slack.settle()
    body = {"type": "event_callback", "event_id": "EvHOME1", "team_id": "T0TEAM0001",
            "event": {"type": "app_home_opened", "user": HUMAN, "tab": "home", "event_ts": "1718002000.1"}}
    assert (await slack.post(json.dumps(body).encode())).status == 200
    await slack.settle()
    published = slack.fake.of("views.publish")
    assert published and "CRM-1 home item" in json.dumps(published[0], ensure_ascii=False)


async def test_socket_mode_envelopes_are_acked_after_storing_and_answered(db_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url, slack_app_token="xapp-test") as running:
        frames = fixture_json("slack_socket_mode_frames.json")
        await running.fake.push(frames["events_api"])
        await running.fake.push(frames["events_api_retry"])  # Slack's retry of the same event
        await running.fake.wait_for(lambda f: len(f.acks) >= 2)
        assert {a["envelope_id"] for a in running.fake.acks} == {frames["events_api"]["envelope_id"],
                                                                 frames["events_api_retry"]["envelope_id"]}
        await running.settle()
        assert await running.sql("select count(*) from tasks") == 1
        posted = running.fake.of("chat.postMessage")
        assert [p["channel"] for p in posted] == ["C0CHAN0001", "D0HUMAN002"]  # the answer, then the assignee's DM
        assert "Created CRM-1: Fix login bug" in posted[0]["text"] and "assigned CRM-1" in posted[1]["text"]


async def test_images_go_through_files_upload_v2(slack: SlackRig) -> None:
    import base64

    from storage import outbox

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    async with slack.app.db.unit_of_work() as session:
        await outbox.enqueue(session, [{"platform": "slack", "chat": "C0CHAN0001", "kind": "image",
                                        "created_at": slack.app.clock(),
                                        "payload": {"text": "Burndown", "card": None,
                                                    "image": {"data": base64.b64encode(png).decode(),
                                                              "filename": "burndown.png"}}}])
    slack.app.delivery.wake()
    await slack.settle()
    assert slack.fake.of("upload")[0]["size"] == len(png)
    done = slack.fake.of("files.completeUploadExternal")
    assert done and done[0]["channel_id"] == "C0CHAN0001"
    # what a screen reader says: files.getUploadURLExternal alt_txt
    assert slack.fake.of("files.getUploadURLExternal")[0]["alt_txt"] == "Burndown"


async def test_answers_in_a_thread_the_bot_is_in_need_no_mention(slack: SlackRig) -> None:
    mention = fixture_json("slack_app_mention.json")
    mention["event"]["text"] = "<@U0BOT00001> new task thread parent"
    assert (await slack.post(json.dumps(mention).encode())).status == 200
    await slack.settle()
    reply = fixture_json("slack_message_thread_reply.json")
    reply["event"].update(text="CRM-1 done", user=HUMAN, thread_ts=mention["event"]["ts"], ts="1718009999.000100")
    assert (await slack.post(json.dumps(reply).encode())).status == 200
    elsewhere = copy.deepcopy(reply)
    elsewhere["event"].update(thread_ts="1700000000.000001", ts="1718009999.000200", text="CRM-1 reopen")
    elsewhere["event_id"] = "EvOTHERTHREAD"
    assert (await slack.post(json.dumps(elsewhere).encode())).status == 200
    await slack.settle()
    assert await slack.sql("select status from tasks") == "done"  # the unrelated thread was not for the bot


async def test_change_request_card_goes_to_the_pm_and_a_click_updates_every_copy(slack: SlackRig) -> None:
    await slack.message("new task login page by Dec 4", event_id="Ev0CR000001", ts="1718000301.000100")
    await slack.settle()
    await slack.message("change request CRM-1 delay to Dec 8 because the vendor API is late",
                        event_id="Ev0CR000002", ts="1718000302.000100")
    await slack.settle()
    posts = slack.fake.of("chat.postMessage")
    to_pm = [p for p in posts if p["channel"] == "D0HUMAN002"]
    assert to_pm and "cr:approve:1" in json.dumps(to_pm[-1]["blocks"])  # the approval card, by DM
    in_channel = [p for p in posts if p["channel"] == "C0CHAN0001"]
    assert len(in_channel) == 1 and "CR-1" in in_channel[0]["text"]  # one line in the project chat

    payload = fixture_json("slack_block_actions.payload.json")
    payload["user"]["id"] = PM
    pm_card = await slack.sql("select sent_ref from outbox where tag = 'cr:1:card' and \"user\" = 'U0HUMAN002'")
    payload["container"].update(channel_id="D0HUMAN002", message_ts=pm_card)
    payload["channel"]["id"] = "D0HUMAN002"
    payload["actions"][0]["value"] = "cr:approve:1"
    body = ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    updates = slack.fake.of("chat.update")
    assert {u["channel"] for u in updates} == {"D0HUMAN001", "D0HUMAN002"}  # requester's and PM's copies
    assert all("cr:approve" not in json.dumps(u.get("blocks")) for u in updates)  # decided: no buttons left
    summary_ts = await slack.sql("select sent_ref from outbox where tag = 'cr:1:chat'")
    thread = [p for p in slack.fake.of("chat.postMessage") if p["channel"] == "C0CHAN0001" and p.get("thread_ts")]
    assert [p["thread_ts"] for p in thread] == [summary_ts]  # the decision is told in the request's thread
    assert await slack.sql("select due_date from tasks") in ("2026-12-08", __import__("datetime").date(2026, 12, 8))


def _submit(view: dict[str, Any], user: str, values: dict[str, dict[str, Any]], view_id: str) -> bytes:
    """What Slack posts when `user` submits our modal `view` with `values` ({block: {action: state}})."""
    submission = fixture_json("slack_view_submission.payload.json")
    submission["user"]["id"] = user
    submission["view"].update(id=view_id, hash=f"{view_id}.h", callback_id=view["callback_id"],
                              private_metadata=view["private_metadata"], state={"values": values})
    return ("payload=" + urllib.parse.quote(json.dumps(submission))).encode()


async def test_change_form_and_reject_reason_are_slack_modals(slack: SlackRig) -> None:
    await slack.message("new task login page by Dec 4", event_id="Ev0CF000001", ts="1718000401.000100")
    await slack.settle()
    click = fixture_json("slack_block_actions.payload.json")
    click["user"]["id"] = HUMAN
    click["actions"][0]["value"] = "cr:new:CRM-1"
    await slack.post(("payload=" + urllib.parse.quote(json.dumps(click))).encode(),
                     content_type="application/x-www-form-urlencoded")
    opened = slack.fake.of("views.open")[-1]
    form = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    # the button of a card posted before buttons named their form (action_id pmo_btn_0): its id still opens it
    assert form["callback_id"] == "pmo_form" and "CRM-1" in form["private_metadata"]
    assert form["title"]["text"] == "Change CRM-1"
    body = _submit(form, HUMAN, {
        "change_type": {"change_type": {"type": "static_select", "selected_option": {"value": "schedule"}}},
        "new_due": {"new_due": {"type": "datepicker", "selected_date": "2026-12-08"}},
        "reason": {"reason": {"type": "plain_text_input", "value": "vendor API is late"}}}, "V0CR1")
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    assert await slack.sql("select status from change_requests") == "pending"

    click["user"]["id"] = PM
    click["actions"][0].update(value="cr:reject:1", action_ts="1718000900.1")
    await slack.post(("payload=" + urllib.parse.quote(json.dumps(click))).encode(),
                     content_type="application/x-www-form-urlencoded")
    opened = slack.fake.of("views.open")[-1]
    form = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert form["callback_id"] == "pmo_form" and form["title"]["text"] == "驳回 CR-1"  # PM: default zh
    assert await slack.sql("select status from change_requests") == "pending"  # opening the form decides nothing
    body = _submit(form, PM, {"reason": {"reason": {"type": "plain_text_input",
                                                    "value": "test the fallback first"}}}, "V0RJ1")
    assert (await slack.post(body, content_type="application/x-www-form-urlencoded")).status == 200
    await slack.settle()
    assert await slack.sql("select status from change_requests") == "rejected"
    assert await slack.sql("select reason from approval_steps") == "test the fallback first"


async def test_people_a_job_names_are_really_mentioned(slack: SlackRig) -> None:
    from bot.core import outbound
    from jobs.common import to_chat

    row = to_chat("slack", "C0CHAN0001", "CRM-1 is overdue @alice <!here>", mentions=[HUMAN, "U0BAD!<x>"])
    async with slack.app.db.unit_of_work() as session:
        await outbound.enqueue(session, [row], now=slack.app.clock())
    slack.app.delivery.wake()
    await slack.settle()
    posted = slack.fake.of("chat.postMessage")[-1]
    assert f"<@{HUMAN}>" in posted["text"] and "<!here>" not in json.dumps(posted)  # text stays escaped
    assert "U0BAD" not in json.dumps(posted)  # only real user ids become mentions


# ---- issue 16: behave like the real Slack ----------------------------------------------------------------

def _command(slack: SlackRig, text_: str, *, channel: str = "C0CHAN0001", url: str = "cmd1",
             trigger: str = "13345224609.738474920.8088930838d88f008e0") -> bytes:
    form = dict(urllib.parse.parse_qsl(fixture_bytes("slack_slash_command.txt").decode()))
    form.update(command="/pm", text=text_, user_id=HUMAN, channel_id=channel,
                response_url=slack.fake.url(f"/response/{url}"), trigger_id=trigger)
    return urllib.parse.urlencode(form).encode()


def _click(value: str, *, user: str, channel: str, ts: str, block: str, action_ts: str,
           response_url: str | None = None, thread: str | None = None) -> bytes:
    payload = fixture_json("slack_block_actions.payload.json")
    payload["user"]["id"] = user
    payload["container"].update(channel_id=channel, message_ts=ts, **({"thread_ts": thread} if thread else {}))
    payload["channel"]["id"] = channel
    payload["actions"][0].update(value=value, block_id=block, action_ts=action_ts)
    if response_url:
        payload["response_url"] = response_url
    return ("payload=" + urllib.parse.quote(json.dumps(payload))).encode()


FORM = "application/x-www-form-urlencoded"


async def test_slash_command_mentions_arrive_escaped_and_assign_the_person(slack: SlackRig) -> None:
    # should_escape: true (the manifest): Slack sends <@U…|name>, not a bare @name
    resp = await slack.post(_command(slack, "task draft the contract <@U0HUMAN002|bob> P1"), content_type=FORM)
    assert resp.status == 200
    await slack.settle()
    assignee = await slack.sql("select i.external_id from task_assignees a join identities i on i.person_id = a.person_id")
    assert assignee == PM
    assert "@U0HUMAN002" not in (await slack.sql("select title from tasks"))


def test_the_manifest_escapes_slash_command_mentions() -> None:
    import pathlib
    import re

    manifest = pathlib.Path(__file__).resolve().parents[1].joinpath("docs/slack-app-manifest.yaml").read_text()
    assert re.findall(r"should_escape: (\w+)", manifest) == ["true"]
    scopes = manifest[manifest.index("    bot:"):manifest.index("settings:")].splitlines()[1:]
    assert scopes and all(re.fullmatch(r"      - [a-z_:.]+  # \S.*", line) for line in scopes if line.strip())
    assert "im:read" not in manifest  # asked for nothing the bot uses


async def test_a_card_a_slash_command_posted_is_answered_through_the_clicks_response_url(slack: SlackRig) -> None:
    # the bot is not in this channel: Slack refuses chat.update / chat.postMessage there
    slack.fake.outside["C0OUTSIDE1"] = "channel_not_found"
    await slack.post(_command(slack, "task ship the invoice export", channel="C0OUTSIDE1"), content_type=FORM)
    await slack.settle()
    posted = slack.fake.of("response_url")[-1]
    assert posted["response_type"] == "in_channel"  # a task card is for the channel
    assert any(b.get("block_id") == "pmo_actions_ru" for b in posted["blocks"])
    for n in range(2):
        body = _click("task:done:CRM-1", user=HUMAN, channel="C0OUTSIDE1", ts="1718001001.000100",
                      block="pmo_actions_ru", action_ts=f"1718000900.00000{n}",
                      response_url=slack.fake.url(f"/response/click{n}"))
        assert (await slack.post(body, content_type=FORM)).status == 200
        await slack.settle()
    assert await slack.sql("select status from tasks") == "done"
    assert not [c for c in slack.fake.calls if c.method.startswith("chat.")]  # nothing the bot cannot do there
    first, second = [r for r in slack.fake.of("response_url") if r["id"].startswith("click")]
    assert first["id"] == "click0" and first["replace_original"] is True and "done" in first["text"]
    assert second["replace_original"] is False and second["response_type"] == "ephemeral"  # "already done"
    assert await slack.sql("select count(*) from outbox where status = 'dead'") == 0


async def test_the_fake_refuses_what_slack_refuses_where_the_bot_is_not(slack: SlackRig) -> None:
    # the old way (chat.update on such a card) fails: permanently, as Slack answers
    slack.fake.outside["C0OUTSIDE1"] = "channel_not_found"
    await slack.post(_command(slack, "task old card", channel="C0OUTSIDE1"), content_type=FORM)
    await slack.settle()
    body = _click("task:done:CRM-1", user=HUMAN, channel="C0OUTSIDE1", ts="1718001001.000100",
                  block="pmo_actions", action_ts="1718000950.000001")
    await slack.post(body, content_type=FORM)
    await slack.settle()
    assert {c.method for c in slack.fake.calls if c.method.startswith("chat.")} == {"chat.update"}
    assert await slack.sql("select count(*) from outbox where status = 'dead'") == 1


@pytest.mark.parametrize("said", ["help", "mine", "hours", "show CRM-404", "frobnicate the widgets"])
async def test_slash_command_answers_for_one_person_are_ephemeral(slack: SlackRig, said: str) -> None:
    await slack.post(_command(slack, said), content_type=FORM)
    await slack.settle()
    answers = slack.fake.of("response_url")
    assert answers and all(a["response_type"] == "ephemeral" for a in answers), answers


async def test_a_private_note_about_a_click_in_a_thread_stays_in_the_thread(slack: SlackRig) -> None:
    mention = fixture_json("slack_app_mention.json")
    mention["event"]["text"] = "<@U0BOT00001> new task thread card"
    mention["event"]["user"] = HUMAN
    await slack.post(json.dumps(mention).encode())
    await slack.settle()
    card = slack.fake.of("chat.postMessage")[0]
    parent = mention["event"]["ts"]
    for n in range(2):
        body = _click("task:done:CRM-1", user=HUMAN, channel=card["channel"], ts="1718001001.000100",
                      block="pmo_actions", action_ts=f"1718000970.00000{n}", thread=parent)
        await slack.post(body, content_type=FORM)
        await slack.settle()
    notes = slack.fake.of("chat.postEphemeral")
    assert notes and notes[0]["user"] == HUMAN and notes[0]["thread_ts"] == parent


async def test_buttons_carry_style_and_a_confirm_dialog(slack: SlackRig) -> None:
    await slack.message("new task styled buttons")
    await slack.settle()
    await slack.message("CRM-1 done", event_id="Ev0STYLE0002", ts="1718000301.000300")
    await slack.settle()
    buttons = {b["value"].split(":")[1]: b for p in slack.fake.of("chat.postMessage") for block in p["blocks"]
               if block["type"] == "actions" for b in block["elements"]}
    assert buttons["done"]["style"] == "primary"
    undo = buttons["undo"]
    assert undo["style"] == "danger" and undo["confirm"]["style"] == "danger"
    assert "CRM-1" in undo["confirm"]["text"]["text"] and undo["confirm"]["deny"]["text"] == "Cancel"
    assert "style" not in buttons["start"] if "start" in buttons else True


async def test_a_thirty_task_list_is_shown_whole(slack: SlackRig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.platforms.slack.sender.CHANNEL_INTERVAL", 0.0)  # 31 answers in one DM
    for n in range(30):
        await slack.message(f"new task rollout step {n:02d} & checks for the regional offices {'x' * 140}",
                            event_id=f"Ev0LONG{n:05d}", ts=f"17180004{n:02d}.000100")
    await slack.settle()
    await slack.message("my tasks", event_id="Ev0LONGLIST", ts="1718000499.000100")
    await slack.settle()
    answer = slack.fake.of("chat.postMessage")[-1]
    texts = [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]
    assert len(texts) > 1 and all(len(t) <= 3000 for t in texts)
    shown = "\n".join(texts)
    assert all(f"step {n:02d}" in shown for n in range(30))
    assert all(t.count("&") == t.count("&amp;") for t in texts)  # no entity cut in half


def test_past_fifty_blocks_the_rest_is_counted_not_dropped() -> None:
    from slack_sdk.models.blocks import Block

    from bot.core.replies import Button, Card, Confirm, Field
    from bot.platforms.slack import render

    text = "\n".join(f"line {n} <&> " + "y" * 200 for n in range(1000))
    out = render.blocks(text, Card("T", (Field("Description", "z" * 5000),),
                                   (Button("task:undo:X-1", "Undo", "danger", Confirm("Sure?", "Undo X-1?", "Yes", "No")),)))
    assert len(out) == 50
    for block in out:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    last_text = [b for b in out if b["type"] == "section"][-1]["text"]["text"]
    assert "more lines not shown" in last_text and "还有" in last_text
    assert out[-1]["type"] == "actions"


def test_feishu_cards_split_long_text_and_carry_style_and_confirm() -> None:
    from bot.core.replies import Button, Card, Confirm
    from bot.platforms.feishu import render as feishu

    text = "\n".join(f"任务 {n} & " + "字" * 300 for n in range(200))
    card = feishu.card(text, Card("T", buttons=(
        Button("task:undo:X-1", "撤销", "danger", Confirm("确认操作", "撤销？", "确认", "取消")),
        Button("task:done:X-1", "完成"))))
    size = len(json.dumps(card, ensure_ascii=False).encode())
    assert size < 30 * 1024
    divs = [e["text"]["content"] for e in card["body"]["elements"] if e["tag"] == "div"]
    assert len(divs) > 1 and all(len(d) <= 4000 for d in divs) and "more lines not shown" in divs[-1]
    buttons = card["body"]["elements"][-1]["columns"]
    undo, done = (c["elements"][0] for c in buttons)
    assert undo["type"] == "danger" and undo["confirm"]["text"]["content"] == "撤销？"
    assert done["type"] == "default"  # no style guessed from the id any more
    short = feishu.card("\n".join(f"任务 {n}" for n in range(30)), None)
    assert "任务 29" in json.dumps(short, ensure_ascii=False)


async def test_a_bad_value_in_a_modal_is_shown_on_the_field_and_the_modal_stays_open(slack: SlackRig) -> None:
    await slack.message("new task login page by Dec 4", event_id="Ev0MV000001", ts="1718000411.000100")
    await slack.settle()
    posts_before = len(slack.fake.of("chat.postMessage"))
    click = _click("cr:new:CRM-1", user=HUMAN, channel="D0HUMAN001", ts="1718001001.000100", block="pmo_actions",
                   action_ts="1718000990.000001")
    await slack.post(click, content_type=FORM)
    opened = slack.fake.of("views.open")[-1]
    form = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    values = {
        "change_type": {"change_type": {"type": "static_select", "selected_option": {"value": "scope"}}},
        "extra_hours": {"extra_hours": {"type": "plain_text_input", "value": "lots"}},
        "budget": {"budget": {"type": "plain_text_input", "value": "-5"}},
        "reason": {"reason": {"type": "plain_text_input", "value": "   "}}}
    body = _submit(form, HUMAN, values, "V0BAD1")
    async with slack.http.post(f"{slack.base}/slack/events", data=body,
                               headers={"Content-Type": FORM, **sign(body)}) as resp:
        assert resp.status == 200
        answer = await resp.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"extra_hours", "budget", "reason"}
    assert "lots" in answer["errors"]["extra_hours"] and "10000" in answer["errors"]["extra_hours"]  # en: alice
    await slack.settle()
    assert await slack.sql("select count(*) from change_requests") == 0  # nothing stored, nothing posted
    assert await slack.sql("select count(*) from inbox where event_id like 'view:V0BAD1%'") == 0
    assert len(slack.fake.of("chat.postMessage")) == posts_before
    values["extra_hours"]["extra_hours"]["value"] = "16"
    values["budget"]["budget"]["value"] = ""
    values["reason"]["reason"]["value"] = "the customer asked for SSO"
    fixed = _submit(form, HUMAN, values, "V0BAD1")
    async with slack.http.post(f"{slack.base}/slack/events", data=fixed,
                               headers={"Content-Type": FORM, **sign(fixed)}) as resp:
        assert resp.status == 200 and not (await resp.read())  # an empty ack closes the modal
    await slack.settle()
    assert await slack.sql("select count(*) from change_requests") == 1


def test_long_text_is_cut_only_between_characters_before_escaping() -> None:
    import random

    from bot.platforms import split
    from bot.platforms.slack.render import escape

    rng = random.Random(16)
    for _ in range(2000):
        text_ = "".join(rng.choice("ab&<\n") for _ in range(rng.randint(0, 60)))
        limit = rng.randint(5, 12)
        parts = split.pieces(text_, limit, lambda s: len(escape(s)))
        assert all(len(escape(p)) <= limit for p in parts), (text_, limit, parts)
        assert "".join(parts).replace("\n", "") == text_.replace("\n", "")  # nothing lost
    assert split.pieces("ab\ncd\n\nef", 5) == ["ab\ncd", "\nef"]  # a blank line survives a cut
