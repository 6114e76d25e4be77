"""Feishu end to end: encrypted, signed events into the real aiohttp server; replies seen by a fake open API."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from bot.app import App
from tests import service
from tests.fakes.feishu import (
    APP_ID,
    APP_SECRET,
    ENCRYPT_KEY,
    VERIFICATION_TOKEN,
    FakeFeishu,
    fixture_bytes,
    fixture_json,
    seal,
)

ALICE = "ou_7d8a6e6df7621556ce0d21922b676706"  # the fixtures' sender
BOB = "ou_2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b"  # mentioned in the group fixture
GROUP = "oc_a0553eda9014c201e6969b478895c230"
P2P = "oc_5ad11d72b830411d72b836c20bbe8e4f"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def p2p(text_: str, *, event_id: str = "ev-p2p-1", message_id: str = "om_p2p_0001", user: str = ALICE
        ) -> dict[str, Any]:
    body = fixture_json("feishu_im_message_p2p.json")
    body["header"]["event_id"] = event_id
    body["event"]["sender"]["sender_id"]["open_id"] = user
    body["event"]["message"].update(content=json.dumps({"text": text_}), message_id=message_id)
    return body


def click(action: str, *, message_id: str, event_id: str = "ev-click-1", user: str = ALICE, chat: str = P2P,
          form: dict[str, Any] | None = None) -> dict[str, Any]:
    body = fixture_json("feishu_card_action.json")
    body["header"]["event_id"] = event_id
    body["event"]["operator"]["open_id"] = user
    body["event"]["action"]["value"] = {"a": action}
    if form is not None:
        body["event"]["action"]["form_value"] = form
    body["event"]["context"].update(open_message_id=message_id, open_chat_id=chat)
    return body


@dataclass
class FeishuRig:
    app: App
    fake: FakeFeishu
    base: str
    http: aiohttp.ClientSession

    async def post(self, body: bytes, headers: dict[str, str], *, path: str = "/feishu/events"
                   ) -> tuple[int, Any]:
        async with self.http.post(f"{self.base}{path}", data=body, headers=headers) as resp:
            raw = await resp.read()
            return resp.status, json.loads(raw) if raw else None

    async def event(self, event: dict[str, Any], *, path: str = "/feishu/events", **seal_kw: Any) -> tuple[int, Any]:
        return await self.post(*seal(event, **seal_kw), path=path)

    async def sql(self, query: str) -> Any:
        return await service.scalar(self.app, query)

    async def settle(self) -> None:
        await service.settle(self.app)


@contextlib.asynccontextmanager
async def rig(db_url: str, *, seed: bool = True, ping_interval: int = 120, **extra: Any
              ) -> AsyncIterator[FeishuRig]:
    """The real service (aiohttp server, intake, delivery) against a fake Feishu in another thread."""
    fake = FakeFeishu(ping_interval=ping_interval).start()
    fake.users[ALICE] = {"open_id": ALICE, "name": "Alice Wang", "email": "alice@example.com",
                         "time_zone": "Asia/Shanghai"}
    fake.users[BOB] = {"open_id": BOB, "name": "Bob Li", "email": "bob@example.com"}
    port = _free_port()
    cfg = service.config(db_url, **{"jobs_enabled": False, "feishu_app_id": APP_ID,
                                    "feishu_app_secret": APP_SECRET, "feishu_verification_token": VERIFICATION_TOKEN,
                                    "feishu_encrypt_key": ENCRYPT_KEY, "feishu_domain": fake.url, **extra})
    app = App(cfg)
    await app.migrate()
    if seed:
        await service.seed_crm(app, "feishu", pm=ALICE, member=BOB, chat=GROUP)
    try:
        async with service.serving(app, port) as (http, base):
            yield FeishuRig(app, fake, base, http)
    finally:
        fake.stop()


@pytest.fixture
async def feishu(db_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FeishuRig]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url) as running:
        yield running


def _card(call: dict[str, Any]) -> dict[str, Any]:
    assert call["msg_type"] == "interactive", call
    return dict(json.loads(call["content"]))


def _button_values(card: dict[str, Any]) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("tag") == "button":
                found.append(node["behaviors"][0]["value"]["a"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


async def test_encrypted_p2p_text_creates_a_task_and_the_reply_reaches_feishu(feishu: FeishuRig) -> None:
    status, _ = await feishu.event(p2p("new task fix SSO login by Friday"))
    assert status == 200
    await feishu.settle()
    assert await feishu.sql("select title from tasks") == "fix SSO login"
    sent = feishu.fake.of("send")
    assert len(sent) == 1 and sent[0]["_query"] == {"receive_id_type": "open_id"} and sent[0]["receive_id"] == ALICE
    assert sent[0]["uuid"].startswith("outbox:")  # the idempotency key on every send
    card = _card(sent[0])
    assert card["schema"] == "2.0" and card["header"]["title"]["content"].startswith("CRM-1 fix SSO login")
    assert "task:done:CRM-1" in _button_values(card)
    # the contact API named the person and linked the Feishu user by email
    assert await feishu.sql("select email from people where display_name = 'Alice Wang'") == "alice@example.com"


async def test_group_message_with_the_bots_mention_is_answered_in_its_thread(feishu: FeishuRig) -> None:
    mention = fixture_json("feishu_im_message_group_mention.json")
    assert (await feishu.event(mention))[0] == 200
    unaddressed = copy.deepcopy(mention)  # a group message that does not mention the bot is not for us
    unaddressed["header"]["event_id"], unaddressed["event"]["message"]["message_id"] = "ev-other", "om_other"
    unaddressed["event"]["message"]["content"] = json.dumps({"text": "new task nobody asked the bot"})
    unaddressed["event"]["message"]["mentions"] = []
    assert (await feishu.event(unaddressed))[0] == 200
    await feishu.settle()
    assert await feishu.sql("select count(*) from inbox") == 1
    assert await feishu.sql("select title from tasks") == "Fix login bug"
    assert await feishu.sql("select p.display_name from task_assignees a join people p on p.id = a.person_id") \
        == "Bob Li"
    replies = feishu.fake.of("reply")
    root = mention["event"]["message"]["root_id"]
    assert replies[0]["_id"] == root and replies[0]["reply_in_thread"] is True
    assert "Created CRM-1: Fix login bug" in json.dumps(json.loads(replies[0]["content"]), ensure_ascii=False)
    assert [s["receive_id"] for s in feishu.fake.of("send")] == [BOB]  # the assignee hears by direct message


async def test_card_click_answers_with_the_new_card_and_a_second_click_does_nothing(feishu: FeishuRig) -> None:
    await feishu.event(p2p("new task click me"))
    await feishu.settle()
    message_id = await _posted_id(feishu)
    status, answer = await feishu.event(click("task:done:CRM-1", message_id=message_id), path="/feishu/card")
    assert status == 200
    assert answer["toast"]["type"] == "success" and "done" in answer["toast"]["content"].lower()
    new_card = answer["card"]["data"]
    assert answer["card"]["type"] == "raw" and new_card["config"]["update_multi"] is True
    assert "task:done:CRM-1" not in _button_values(new_card)
    await feishu.settle()
    assert await feishu.sql("select status from tasks") == "done"
    assert feishu.fake.of("patch") == []  # the card changed through the answer, not a second call
    status, again = await feishu.event(click("task:done:CRM-1", message_id=message_id, event_id="ev-click-2"),
                                       path="/feishu/card")
    assert status == 200 and "card" not in again and "already" in again["toast"]["content"].lower()
    await feishu.settle()
    assert await feishu.sql("select count(*) from audit_log where action = 'task.updated'") == 1
    assert len(feishu.fake.of("send")) == 1 and feishu.fake.of("ephemeral") == []  # the note was the toast


async def _posted_id(feishu: FeishuRig) -> str:
    return str(await feishu.sql("select sent_ref from outbox where kind = 'card' order by id limit 1"))


async def test_a_slow_click_is_answered_in_time_and_the_card_patched_later(db_url: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url) as feishu:
        await feishu.event(p2p("new task patch me"))
        await feishu.settle()
        message_id = await _posted_id(feishu)
        for adapter in feishu.app.adapters:
            adapter.card_wait = 0.0  # as if processing took longer than Feishu's 3 s
        status, answer = await feishu.event(click("task:done:CRM-1", message_id=message_id), path="/feishu/card")
        assert status == 200 and answer == {}
        await feishu.settle()
        patched = feishu.fake.of("patch")
        assert len(patched) == 1 and patched[0]["_id"] == message_id
        assert "task:done:CRM-1" not in _button_values(json.loads(patched[0]["content"]))


async def test_forged_or_unauthenticated_requests_are_refused_and_nothing_is_stored(feishu: FeishuRig) -> None:
    event = p2p("new task forged")
    body, headers = seal(event)
    assert (await feishu.post(body, {**headers, "X-Lark-Signature": "0" * 64}))[0] == 401
    lower = {k.lower(): v for k, v in headers.items()}  # header names in any case are fine...
    wrong_token = copy.deepcopy(event)
    wrong_token["header"]["token"] = "not-the-token"
    assert (await feishu.event(wrong_token))[0] == 401
    assert (await feishu.event(event, timestamp=1718000000))[0] == 401  # stale
    other_key = seal(event, key="another key entirely")[0]
    assert (await feishu.post(*_signed(other_key)))[0] == 400  # does not decrypt with our key
    assert (await feishu.post(*_signed(b'{"encrypt": "not base64 at all!"}')))[0] == 400
    assert (await feishu.post(*_signed(b'{"schema": "2.0", "header": ')))[0] == 400  # malformed
    assert (await feishu.post(json.dumps(event).encode(), {"Content-Type": "application/json"}))[0] == 401  # unsigned
    assert await feishu.sql("select count(*) from inbox") == 0
    assert (await feishu.post(body, lower))[0] == 200  # ...and the genuine request is taken
    assert (await feishu.post(body, lower))[0] == 401  # but not twice: a replay
    await feishu.settle()
    assert await feishu.sql("select count(*) from inbox") == 1


def _signed(body: bytes) -> tuple[bytes, dict[str, str]]:
    import time

    from bot.platforms.feishu.crypto import signature

    ts, nonce = str(int(time.time())), str(time.perf_counter_ns())
    return body, {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                  "X-Lark-Signature": signature(ts, nonce, ENCRYPT_KEY, body)}


async def test_the_same_event_twice_makes_one_task(feishu: FeishuRig) -> None:
    event = p2p("new task one only")
    for _ in range(3):  # Feishu re-pushes the same event (new nonce and timestamp each time)
        assert (await feishu.event(event))[0] == 200
    again = copy.deepcopy(event)  # the same message under another event id is still one message
    again["header"]["event_id"] = "ev-p2p-other"
    assert (await feishu.event(again))[0] == 200
    await feishu.settle()
    assert await feishu.sql("select count(*) from tasks") == 1
    assert len(feishu.fake.of("send")) == 1


async def test_url_verification_plain_and_encrypted(feishu: FeishuRig) -> None:
    plain = fixture_bytes("feishu_url_verification.json")
    status, answer = await feishu.post(plain, {"Content-Type": "application/json"})
    assert (status, answer) == (200, {"challenge": "ajls384kdjx98XX"})
    encrypted = fixture_bytes("feishu_url_verification_encrypted.json")  # byte-exact, as Feishu sends it
    status, answer = await feishu.post(encrypted, {"Content-Type": "application/json"})
    assert (status, answer) == (200, {"challenge": "ajls384kdjx98XX"})
    wrong = json.loads(plain)
    wrong["token"] = "nope"
    assert (await feishu.post(json.dumps(wrong).encode(), {}))[0] == 401


async def test_rate_limit_is_honoured_and_permanent_errors_stop(feishu: FeishuRig) -> None:
    limited = fixture_json("feishu_rate_limited_response.json")
    feishu.fake.fail("send", status=429, body=limited["body"], headers=limited["_headers"])
    await feishu.event(p2p("new task after a 429"))
    await feishu.settle()
    attempts = feishu.fake.of("send")
    assert len(attempts) == 2 and attempts[0]["uuid"] == attempts[1]["uuid"]
    assert await feishu.sql("select status from outbox") == "sent"
    feishu.fake.fail("send", body={"code": 230002, "msg": "Bot is not in the chat"})  # an error in a 200
    await feishu.event(p2p("my tasks", event_id="ev-2", message_id="om_p2p_0002"))
    await feishu.settle()
    assert await feishu.sql("select count(*) from outbox where status = 'dead'") == 1
    assert len(feishu.fake.of("send")) == 3  # no retry after a permanent error
    assert len(feishu.fake.of("token")) == 1  # one token for all of it


async def test_images_are_uploaded_then_sent(feishu: FeishuRig) -> None:
    import base64

    from storage import outbox

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    async with feishu.app.db.unit_of_work() as session:
        await outbox.enqueue(session, [{"platform": "feishu", "chat": GROUP, "kind": "image",
                                        "created_at": feishu.app.clock(),
                                        "payload": {"text": "Burndown", "card": None,
                                                    "image": {"data": base64.b64encode(png).decode(),
                                                              "filename": "burndown.png"}}}])
    feishu.app.delivery.wake()
    await feishu.settle()
    uploaded = feishu.fake.of("image")
    assert uploaded[0]["size"] == len(png) and uploaded[0]["image_type"] == "message"
    sent = feishu.fake.of("send")[0]
    assert sent["receive_id"] == GROUP and '"img_key": "img_v3_fake' in json.dumps(_card(sent))


async def test_user_text_cannot_mention_everyone(feishu: FeishuRig) -> None:
    await feishu.event(p2p('new task <at user_id="all">x</at> party'))
    await feishu.settle()
    card = _card(feishu.fake.of("send")[0])
    texts = json.dumps(card, ensure_ascii=False)
    assert '<at user_id=\\"all\\">' in texts  # shown as typed...
    assert '"tag": "markdown"' not in json.dumps(card)  # ...in plain_text elements, never parsed


async def test_long_connection_delivers_a_message_and_a_card_click(db_url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url, feishu_mode="websocket") as feishu:
        await feishu.fake.wait_for(lambda f: bool(f._sockets))
        await asyncio.to_thread(feishu.fake.push, p2p("new task over the long connection"))
        await feishu.fake.wait_for(lambda f: len(f.acks) >= 1)
        assert feishu.fake.acks[0]["code"] == 200
        await feishu.settle()
        assert await feishu.sql("select title from tasks") == "over the long connection"
        message_id = await _posted_id(feishu)
        await asyncio.to_thread(feishu.fake.push, click("task:done:CRM-1", message_id=message_id))
        await feishu.fake.wait_for(lambda f: len(f.acks) >= 2)
        answer = feishu.fake.acks[1]["data"]
        assert answer["toast"]["type"] == "success" and answer["card"]["type"] == "raw"
        await feishu.settle()
        assert await feishu.sql("select status from tasks") == "done"


async def test_a_reject_needs_a_reason_given_in_the_cards_form(feishu: FeishuRig) -> None:
    await feishu.event(p2p("new task fix login due 2026-12-04"))
    await feishu.settle()
    await feishu.event(p2p("change request CRM-1 delay to 2026-12-18 because the vendor is late", user=BOB,
                           event_id="ev-cr", message_id="om_p2p_cr"))
    await feishu.settle()
    to_pm = [s for s in feishu.fake.of("send") if s["receive_id"] == ALICE and "cr:approve:" in s["content"]]
    assert to_pm, feishu.fake.of("send")
    card = _card(to_pm[0])
    form = next(e for e in card["body"]["elements"] if e["tag"] == "form")
    assert form["elements"][0] == {**form["elements"][0], "tag": "input", "name": "reason", "required": True}
    assert form["elements"][1]["form_action_type"] == "submit"
    message_id = str(await feishu.sql(f"select sent_ref from outbox where \"user\" = '{ALICE}' and tag like 'cr:%' "
                                      "order by id limit 1"))
    status, answer = await feishu.event(click("cr:reject:1", message_id=message_id, form={"reason": "no budget"}),
                                        path="/feishu/card")
    assert status == 200, answer
    await feishu.settle()
    assert await feishu.sql("select status from change_requests") == "rejected"
    assert "no budget" in json.dumps(answer, ensure_ascii=False)
    assert "cr:approve:1" not in _button_values(answer["card"]["data"])  # decided: the buttons are gone


def test_people_a_job_names_get_real_at_mentions() -> None:
    from bot.platforms.feishu import render

    msg_type, content = render.content("CRM-1 已逾期 @王爱丽 <at user_id=\"all\"></at>", None, [ALICE])
    body = json.loads(content)["zh_cn"]["content"]
    assert msg_type == "post" and body[-1] == [{"tag": "at", "user_id": ALICE}]
    assert body[0] == [{"tag": "text", "text": "CRM-1 已逾期 @王爱丽 <at user_id=\"all\"></at>"}]  # text stays text


def test_nonces_are_forgotten_as_they_leave_the_replay_window() -> None:
    from bot.platforms.feishu.crypto import Rejected, Verifier, signature

    now = [1_800_000_000.0]
    verifier = Verifier(encrypt_key=ENCRYPT_KEY, clock=lambda: now[0], window=300)

    def headers(nonce: str) -> dict[str, str]:
        ts = str(int(now[0]))
        return {"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": signature(ts, nonce, ENCRYPT_KEY, b"{}")}

    for n in range(3):
        verifier.check_signature(headers(f"n{n}"), b"{}")
    with pytest.raises(Rejected):
        verifier.check_signature(headers("n1"), b"{}")  # a replay inside the window
    now[0] += 301
    verifier.check_signature(headers("later"), b"{}")
    assert list(verifier._nonces) == [(str(int(now[0])), "later")]  # the old ones are gone, one by one


# ---- the platform's rules, against the fake: private notes in p2p, temporary codes, the app's minute cap ----

@contextlib.asynccontextmanager
async def _sender(**kw: Any) -> AsyncIterator[tuple[FakeFeishu, Any]]:
    from bot.platforms.feishu.api import FeishuApi
    from bot.platforms.feishu.sender import FeishuSender

    fake = FakeFeishu().start()
    try:
        async with aiohttp.ClientSession() as session:
            yield fake, FeishuSender(FeishuApi(session, fake.url, APP_ID, APP_SECRET), **kw)
    finally:
        fake.stop()


def _out(n: int, *, kind: str = "message", chat: str | None = None, user: str | None = ALICE,
         thread: str | None = None) -> Any:
    from bot.core.outbound import Kind, Outbound, Ref
    from bot.delivery import Outgoing

    return Outgoing(id=n, out=Outbound(platform="feishu", kind=Kind(kind), text=f"note {n}", chat=chat, user=user,
                                       thread=Ref(id=thread) if thread else None), attempts=0)


async def test_a_late_private_note_in_a_one_to_one_chat_is_a_message_to_that_person(db_url: str,
                                                                                   monkeypatch: pytest.MonkeyPatch
                                                                                   ) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with rig(db_url) as feishu:
        await feishu.event(p2p("new task note me"))
        await feishu.settle()
        message_id = await _posted_id(feishu)
        await feishu.event(click("task:done:CRM-1", message_id=message_id), path="/feishu/card")
        await feishu.settle()
        for adapter in feishu.app.adapters:
            adapter.card_wait = 0.0  # the second click's "already done" comes too late for the toast
        await feishu.event(click("task:done:CRM-1", message_id=message_id, event_id="ev-click-2"),
                           path="/feishu/card")
        await feishu.settle()
        assert feishu.fake.of("ephemeral") == []  # the bot knew the chat is one-to-one
        notes = [s for s in feishu.fake.of("send") if "already" in s["content"].lower()]
        assert len(notes) == 1 and notes[0]["receive_id"] == ALICE and notes[0]["_query"]["receive_id_type"] == "open_id"
        assert await feishu.sql("select count(*) from outbox where status = 'dead'") == 0


async def test_feishu_refuses_an_ephemeral_note_in_p2p_and_the_sender_falls_back() -> None:
    async with _sender() as (fake, sender):
        ref = await sender.send(_out(1, kind="ephemeral", chat=P2P, thread="om_card"))
        assert ref and [e["chat_id"] for e in fake.of("ephemeral")] == [P2P]  # refused, as Feishu does
        assert [s["receive_id"] for s in fake.of("send")] == [ALICE]
        await sender.send(_out(2, kind="ephemeral", chat=P2P))
        assert len(fake.of("ephemeral")) == 1 and len(fake.of("send")) == 2  # learnt: not asked again
        await sender.send(_out(3, kind="ephemeral", chat=GROUP))  # in a group the note stays ephemeral
        assert fake.of("ephemeral")[-1]["chat_id"] == GROUP and len(fake.of("send")) == 2


def _code_cases() -> list[tuple[int, str, str]]:
    from bot.platforms.feishu.codes import CODES, Verdict

    cases = [(code, wording, verdict.value) for code, (verdict, wording) in CODES.items()
             if verdict is not Verdict.TOKEN and code != 11310]
    cases.append((230099, "Failed to create card content, ext=ErrCode: 11310; ErrMsg: card action is lock", "retry"))
    return cases


@pytest.mark.parametrize(("code", "wording", "verdict"), _code_cases())
async def test_each_feishu_error_code_is_retried_or_dropped_as_documented(code: int, wording: str,
                                                                          verdict: str) -> None:
    from bot.delivery import SendError

    async with _sender() as (fake, sender):
        fake.fail("send", status=400, body={"code": code, "msg": wording})
        with pytest.raises(SendError) as failed:
            await sender.send(_out(1))
        assert failed.value.permanent is (verdict == "permanent"), failed.value
        if verdict != "permanent":
            assert failed.value.retry_after is not None and failed.value.retry_after <= 5
            assert await sender.send(_out(1))  # the same message again goes through, under the same uuid
            assert [s["uuid"] for s in fake.of("send")] == ["outbox:1", "outbox:1"]


async def test_an_expired_token_is_fetched_again_once() -> None:
    async with _sender() as (fake, sender):
        fake.fail("send", body={"code": 99991663, "msg": "Invalid access token for authorization."})
        assert await sender.send(_out(1))
        assert len(fake.of("token")) == 2 and len(fake.of("send")) == 2


async def test_the_app_sends_at_most_1000_messages_a_minute_and_defers_the_rest() -> None:
    from bot.delivery import SendError

    now = [1000.0]
    async with _sender(app_interval=0.0, chat_interval=0.0, per_minute=3, clock=lambda: now[0]) as (fake, sender):
        for n in range(3):
            await sender.send(_out(n, user=f"ou_{n}"))
        with pytest.raises(SendError) as deferred:
            await sender.send(_out(9, user="ou_9"))
        assert deferred.value.deferred and 59 <= (deferred.value.retry_after or 0) <= 60
        assert len(fake.of("send")) == 3
        now[0] += 60.0
        await sender.send(_out(9, user="ou_9"))
        assert len(fake.of("send")) == 4
    from bot.platforms.feishu.sender import APP_PER_MINUTE

    assert APP_PER_MINUTE == 1000


# ---- the long connection: concurrency, the watchdog, refused credentials ------------------------------------

def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


async def test_the_long_connection_acks_messages_at_once_while_slow_clicks_wait(db_url: str,
                                                                               monkeypatch: pytest.MonkeyPatch
                                                                               ) -> None:
    _no_proxy(monkeypatch)
    async with rig(db_url, feishu_mode="websocket") as feishu:
        await feishu.fake.wait_for(lambda f: f.live_sockets() > 0)
        await asyncio.to_thread(feishu.fake.push, p2p("new task a card to click"))
        await feishu.fake.wait_for(lambda f: len(f.acks) >= 1)
        await feishu.settle()
        message_id = await _posted_id(feishu)
        adapter = feishu.app.adapters[0]
        accept = adapter.accept

        async def slow_store(event: Any) -> bool:  # a click's store takes 1 s (a busy database)
            if event.event_id.startswith("card:"):
                await asyncio.sleep(1.0)
            return bool(await accept(event))

        adapter.accept = slow_store
        clicks = [click("task:done:CRM-1", message_id=message_id, event_id=f"ev-c{n}") for n in range(3)]
        messages = [p2p(f"new task number {n}", event_id=f"ev-m{n}", message_id=f"om_m{n}") for n in range(10)]
        await asyncio.to_thread(feishu.fake.push_many, clicks + messages)  # the clicks first, all at once
        await feishu.fake.wait_for(lambda f: len(f.acks) >= 14)
        acks = feishu.fake.acks[1:]
        assert all(a["code"] == 200 for a in acks), acks
        by_kind = {"click": [a["after"] for a in acks if a["data"]], "message": [a["after"] for a in acks
                                                                                if not a["data"]]}
        assert len(by_kind["message"]) == 10 and max(by_kind["message"]) < 1.0, by_kind
        assert len(by_kind["click"]) == 3 and max(by_kind["click"]) < 3.0, by_kind
        await feishu.settle()
        assert await feishu.sql("select count(*) from tasks") == 11


async def test_a_deaf_long_connection_is_replaced_and_healthz_says_so_meanwhile(db_url: str,
                                                                               monkeypatch: pytest.MonkeyPatch
                                                                               ) -> None:
    _no_proxy(monkeypatch)
    async with rig(db_url, feishu_mode="websocket", ping_interval=1) as feishu:  # deaf after 2.5 s of silence
        conns = feishu.app.metrics.connections
        await feishu.fake.wait_for(lambda f: f.live_sockets() > 0)
        await _wait(lambda: conns.items["feishu"].state == "up")
        status, health = await _get_json(feishu, "/healthz")
        assert status == 200 and health["connections"]["feishu"]["state"] == "up"
        feishu.fake.busy = True  # no new connection for now
        feishu.fake.deafen()
        conns.grace = 0.0  # down at all counts as unhealthy, to see it here
        await _wait(lambda: conns.items["feishu"].state == "down")
        status, health = await _get_json(feishu, "/healthz")
        assert status == 503 and health["status"] == "connection_down", health
        assert health["connections"]["feishu"]["state"] == "down" and health["database"] == "ok"
        feishu.fake.busy = False
        await _wait(lambda: conns.items["feishu"].state == "up" and feishu.fake.live_sockets() > 0)
        assert conns.items["feishu"].reconnects == 1
        status, health = await _get_json(feishu, "/healthz")
        assert status == 200 and health["status"] == "ok"
        feishu.fake.deafen()  # and again
        await _wait(lambda: conns.items["feishu"].reconnects == 2)
        await asyncio.to_thread(feishu.fake.push, p2p("new task after two reconnects"))
        await feishu.fake.wait_for(lambda f: any(a["code"] == 200 for a in f.acks))
        await feishu.settle()
        assert await feishu.sql("select title from tasks") == "after two reconnects"
        metrics = (await _get_text(feishu, "/metrics"))
        assert 'pmobot_connection_up{platform="feishu"} 1' in metrics
        assert 'pmobot_connection_reconnects_total{platform="feishu"} 2' in metrics


async def _wait(predicate: Any, within: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.05)


async def _get_json(feishu: FeishuRig, path: str) -> tuple[int, Any]:
    async with feishu.http.get(f"{feishu.base}{path}") as resp:
        return resp.status, await resp.json()


async def _get_text(feishu: FeishuRig, path: str) -> str:
    async with feishu.http.get(f"{feishu.base}{path}") as resp:
        return await resp.text()


async def test_start_up_fails_clearly_when_feishu_refuses_the_app_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.platforms.base import Deps
    from bot.platforms.feishu.adapter import FeishuAdapter, FeishuConfig
    from bot.platforms.watchdog import CredentialsRejected

    _no_proxy(monkeypatch)
    fake = FakeFeishu().start()
    try:
        async def accept(_: Any) -> bool:
            return True

        adapter = FeishuAdapter(FeishuConfig(app_id=APP_ID, app_secret="not-the-secret", domain=fake.url),
                                Deps(accept=accept))
        with pytest.raises(CredentialsRejected, match="FEISHU_APP_SECRET"):
            await adapter.start()
    finally:
        fake.stop()


def test_posts_and_the_reason_input_follow_the_readers_language() -> None:
    # issue 16.10: a post is keyed by the language it is written in; the reject reason's placeholder too
    from bot.core.replies import Button, Card
    from bot.platforms.feishu import render

    assert list(json.loads(render.content("CR-1 approved", None, (), "en")[1])) == ["en_us"]
    assert list(json.loads(render.content("CR-1 已批准", None, (), "zh")[1])) == ["zh_cn"]
    data = Card("CR-1", buttons=(Button("cr:reject:1", "Reject"),))
    assert "Reason (required)" in json.dumps(render.card("", data, "en"))
    assert "Reason" not in json.dumps(render.card("", data, "zh"), ensure_ascii=False)
