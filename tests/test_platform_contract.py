"""The platform contract suite: the same conversation through every adapter, asserting neutral effects.

Each adapter is driven through its fake (tests/fakes/: a fake Slack, a fake Feishu; the console's stream is
its own) by a `Driver`: it says things as a platform user, clicks a button on a message the bot posted,
submits the form behind a button, makes the next send rate-limited, and reports what the fake received in
neutral terms (`Received`: a post, an update of an earlier message, a private note, an image). The tests
assert only neutral effects: database rows, outbox rows sent, and those `Received` records.

A new platform is done when it passes this suite: write its Driver (a few small methods over its fake) and
add it to DRIVERS.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import itertools
import json
import socket
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp
import pytest

from bot.app import App
from bot.core import forms, outbound
from bot.core.outbound import Image, Kind, Outbound
from bot.platforms.base import Outgoing
from bot.platforms.console import Console, ConsoleSender, make_event
from storage import outbox
from tests import service
from tests.fakes import feishu as feishu_fake
from tests.fakes import slack as slack_fake

# ---- the neutral vocabulary -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One thing the platform received from the bot, in neutral terms."""

    kind: str  # post (a message or a card), update (an earlier message changed in place), note (private), image
    text: str = ""  # everything readable in it (text, card fields), for `in` checks
    buttons: tuple[str, ...] = ()  # the ids of its buttons
    target: str | None = None  # update: the platform id of the message it replaces
    user: str | None = None  # note: who alone sees it
    chat: str | None = None  # image: where it went


@dataclass(frozen=True)
class Row:
    """An outbox row (what delivery sent)."""

    id: int
    kind: str
    chat: str | None
    user: str | None
    status: str
    sent_ref: str | None
    buttons: tuple[str, ...]


class Driver(Protocol):
    platform: str
    app: App
    pm: str  # platform user ids of the project's PM and a member, and the project chat's id
    member: str
    chat: str

    async def say(self, user: str, text: str, *, in_chat: bool = False) -> None:
        """`user` writes `text` to the bot: by direct message, or addressed to it in the project chat."""

    async def click(self, user: str, button: str, on: Row) -> None:
        """`user` clicks the button `button` on the message the bot posted as outbox row `on`."""

    async def submit(self, user: str, button: str, on: Row, values: dict[str, str]) -> None:
        """`user` fills in and submits the form behind `button` on `on` (a modal, a card form...)."""

    def rate_limit_next_post(self, seconds: int) -> bool:
        """The platform answers the next post with its rate-limit answer (wait `seconds`); False: it has none."""

    def post_attempts(self) -> int:
        """How many times a post reached the platform, refused ones included."""

    def received(self) -> list[Received]:
        """Everything the platform accepted from the bot, in order."""

    async def settle(self) -> None:
        """Wait until everything said so far is processed and its answers are sent."""


async def settle(driver: Driver) -> None:
    await driver.settle()


async def rows(app: App) -> list[Row]:
    from sqlalchemy import text

    async with app.db.engine.connect() as conn:
        found = (await conn.execute(text(
            'select id, kind, chat, "user", status, sent_ref, payload from outbox order by id'))).all()
    out = []
    for r in found:
        payload = r.payload if isinstance(r.payload, dict) else json.loads(r.payload)
        card = payload.get("card") or {}
        out.append(Row(r.id, r.kind, r.chat, r.user, r.status, r.sent_ref,
                       tuple(b["id"] for b in card.get("buttons") or [])))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _refused(calls: list[Any], marks: list[int], methods: tuple[str, ...]) -> set[int]:
    """The calls a fake refused on purpose: for each mark, the first of `methods` at or after it."""
    out: set[int] = set()
    for mark in marks:
        n = next((n for n in range(mark, len(calls)) if calls[n].method in methods and n not in out), None)
        if n is not None:
            out.add(n)
    return out


def _walk(node: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


# ---- console ----------------------------------------------------------------------------------------------


class RecordingSender(ConsoleSender):
    """The console's "fake": what delivery handed the console, kept beside the lines it wrote."""

    def __init__(self) -> None:
        super().__init__(io.StringIO(), json_mode=True)
        self.messages: list[Outgoing] = []

    async def send(self, message: Outgoing) -> str | None:
        ref = await super().send(message)
        if ref is not None:
            self.messages.append(message)
        return ref


@dataclass
class ConsoleDriver:
    app: App
    sender: RecordingSender
    platform: str = "console"
    pm: str = "lily"
    member: str = "bob"
    chat: str = "crm-group"
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    # The form behind a button, and which part of the button id the form carries (the console has no modals:
    # its JSON input names the form; bot/platforms/console.py).
    async def _handle(self, data: dict[str, Any]) -> None:
        data.setdefault("event_id", f"console-{next(self._ids)}")
        await self.app.handle(make_event(data, default_user=data["user"], default_chat=None))

    async def say(self, user: str, text: str, *, in_chat: bool = False) -> None:
        await self._handle({"user": user, "text": text, "chat": self.chat if in_chat else None})

    async def click(self, user: str, button: str, on: Row) -> None:
        await self._handle({"user": user, "action": button, "chat": on.chat, "message": on.sent_ref})

    async def submit(self, user: str, button: str, on: Row, values: dict[str, str]) -> None:
        spec = forms.opened_by(button)  # the console draws no form: the JSON line names it and the button
        assert spec is not None, f"{button} opens no form"
        await self._handle({"user": user, "form": spec.name, "button": button, "values": values, "chat": on.chat})

    def rate_limit_next_post(self, seconds: int) -> bool:
        return False  # a terminal has no rate limit

    async def settle(self) -> None:
        await self.app.delivery.drain()  # the console is not served: what it said is delivered now
        await service.settle(self.app)

    def post_attempts(self) -> int:
        return len([m for m in self.sender.messages if m.out.kind in (Kind.MESSAGE, Kind.CARD)])

    def received(self) -> list[Received]:
        out = []
        for m in self.sender.messages:
            card = m.out.card.to_dict() if m.out.card is not None else {}
            text = json.dumps([m.out.text, card], ensure_ascii=False)
            buttons = tuple(b.id for b in m.out.card.buttons) if m.out.card is not None else ()
            target = m.out.target.id if m.out.target is not None else None
            kind = {Kind.UPDATE: "update", Kind.EPHEMERAL: "note", Kind.IMAGE: "image"}.get(m.out.kind, "post")
            out.append(Received(kind, text, buttons, target=target, user=m.out.user if kind == "note" else None,
                                chat=m.out.chat))
        return out


@contextlib.asynccontextmanager
async def console_driver(db_url: str) -> AsyncIterator[ConsoleDriver]:
    app = App(service.config(db_url, jobs_enabled=False))
    await app.migrate()
    sender = RecordingSender()
    console = Console(io.StringIO(), json_mode=True)
    console.sender = sender
    await app.add_platform(console)
    driver = ConsoleDriver(app, sender)
    await service.seed_crm(app, "console", pm=driver.pm, member=driver.member, chat=driver.chat)
    try:
        yield driver
    finally:
        await app.close()


# ---- Slack ------------------------------------------------------------------------------------------------

SLACK_FORM = "application/x-www-form-urlencoded"


def _slack_buttons(blocks: Any) -> tuple[str, ...]:
    found: list[str] = []
    _walk(blocks, lambda node: found.append(node["value"]) if node.get("type") == "button" else None)
    return tuple(found)


@dataclass
class SlackDriver:
    app: App
    fake: slack_fake.FakeSlack
    base: str
    http: aiohttp.ClientSession
    platform: str = "slack"
    pm: str = "U0HUMAN002"
    member: str = "U0HUMAN001"
    chat: str = "C0CHAN0001"
    refusals: list[int] = field(default_factory=list)  # call numbers from which the next post is refused
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def _post(self, body: bytes, content_type: str = "application/json") -> None:
        headers = {"Content-Type": content_type, **slack_fake.sign(body)}
        async with self.http.post(f"{self.base}/slack/events", data=body, headers=headers) as resp:
            assert resp.status == 200, await resp.text()

    def _ts(self) -> str:
        return f"17180{next(self._ids):05d}.000100"

    async def say(self, user: str, text: str, *, in_chat: bool = False) -> None:
        n = next(self._ids)
        if in_chat:
            body = slack_fake.fixture_json("slack_app_mention.json")
            body["event"].pop("blocks", None)
            body["event"].update(text=f"<@U0BOT00001> {text}", user=user, channel=self.chat)
        else:
            body = slack_fake.fixture_json("slack_message_im.json")
            body["event"].update(text=text, user=user)
        body["event"].update(ts=self._ts())
        body["event_id"] = f"Ev0CONTRACT{n:03d}"
        await self._post(json.dumps(body).encode())

    def _channel(self, row: Row) -> str:
        return row.chat or "D" + str(row.user)[1:]  # the fake's conversations.open

    def _click_payload(self, user: str, button: str, on: Row) -> dict[str, Any]:
        payload = slack_fake.fixture_json("slack_block_actions.payload.json")
        payload["user"]["id"] = user
        channel = self._channel(on)
        payload["container"].update(channel_id=channel, message_ts=on.sent_ref)
        payload["channel"]["id"] = channel
        payload["actions"][0].update(value=button, block_id="pmo_actions", action_ts=self._ts())
        return payload

    async def click(self, user: str, button: str, on: Row) -> None:
        payload = self._click_payload(user, button, on)
        await self._post(("payload=" + urllib.parse.quote(json.dumps(payload))).encode(), SLACK_FORM)

    async def submit(self, user: str, button: str, on: Row, values: dict[str, str]) -> None:
        opened = len(self.fake.of("views.open"))
        await self.click(user, button, on)  # the button opens a modal
        assert len(self.fake.of("views.open")) == opened + 1, "the button opened no modal"
        view = self.fake.of("views.open")[-1]["view"]
        view = json.loads(view) if isinstance(view, str) else view
        actions = {b["block_id"]: b["element"]["action_id"] for b in view["blocks"] if "element" in b}
        # the modal's blocks are named after the form's fields (bot/core/forms.py)
        state = {name: {actions[name]: {"type": "plain_text_input", "value": value}} for name, value in values.items()}
        submission = slack_fake.fixture_json("slack_view_submission.payload.json")
        submission["user"]["id"] = user
        view_id = f"V0CONTRACT{next(self._ids)}"
        submission["view"].update(id=view_id, hash=f"{view_id}.h", callback_id=view["callback_id"],
                                  private_metadata=view["private_metadata"], state={"values": state})
        await self._post(("payload=" + urllib.parse.quote(json.dumps(submission))).encode(), SLACK_FORM)

    def rate_limit_next_post(self, seconds: int) -> bool:
        self.fake.fail("chat.postMessage", status=429, body={"ok": False, "error": "ratelimited"},
                       headers={"Retry-After": str(seconds)})
        self.refusals.append(len(self.fake.calls))
        return True

    def post_attempts(self) -> int:
        return len(self.fake.of("chat.postMessage"))

    async def settle(self) -> None:
        await service.settle(self.app)

    def received(self) -> list[Received]:
        out: list[Received] = []
        alt = iter(c.args.get("alt_txt", "") for c in self.fake.calls if c.method == "files.getUploadURLExternal")
        refused = _refused(self.fake.calls, self.refusals, ("chat.postMessage",))
        for n, call in enumerate(self.fake.calls):
            blocks = call.args.get("blocks") or []
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            buttons = _slack_buttons(blocks)
            text = json.dumps([call.args.get("text"), blocks], ensure_ascii=False)
            if n in refused:  # the fake refused it (a rate limit): not received
                continue
            if call.method == "chat.postMessage":
                out.append(Received("post", text, buttons))
            elif call.method == "response_url":
                out.append(Received("update" if call.args.get("replace_original") else "post", text,
                                    buttons))
            elif call.method == "chat.update":
                out.append(Received("update", text, buttons, target=call.args.get("ts")))
            elif call.method == "chat.postEphemeral":
                out.append(Received("note", text, buttons, user=call.args.get("user")))
            elif call.method == "files.completeUploadExternal":
                out.append(Received("image", next(alt, ""), chat=call.args.get("channel_id")))
        return out


@contextlib.asynccontextmanager
async def slack_driver(db_url: str) -> AsyncIterator[SlackDriver]:
    fake = await slack_fake.FakeSlack().start()
    for uid, name in (("U0HUMAN001", "alice"), ("U0HUMAN002", "paul")):
        fake.users[uid] = {"id": uid, "name": name, "tz": "Asia/Shanghai", "locale": "en-US",
                           "profile": {"display_name": name}}
    app = App(service.config(db_url, jobs_enabled=False, slack_bot_token="xoxb-test",
                             slack_signing_secret=slack_fake.SIGNING_SECRET, slack_api_url=fake.api_url))
    await app.migrate()
    await service.seed_crm(app, "slack", pm="U0HUMAN002", member="U0HUMAN001", chat="C0CHAN0001")
    try:
        async with service.serving(app, _free_port()) as (http, base):
            yield SlackDriver(app, fake, base, http)
    finally:
        await fake.stop()


# ---- Feishu -----------------------------------------------------------------------------------------------

FEISHU_ALICE = "ou_7d8a6e6df7621556ce0d21922b676706"
FEISHU_BOB = "ou_2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b"
FEISHU_GROUP = "oc_a0553eda9014c201e6969b478895c230"
FEISHU_P2P = "oc_5ad11d72b830411d72b836c20bbe8e4f"


def _feishu_buttons(card: Any) -> tuple[str, ...]:
    found: list[str] = []
    # a button's callback (its `behaviors`) carries {"a": <button id>}
    _walk(card, lambda n: found.append(n["value"]["a"]) if isinstance(n.get("value"), dict)
          and "a" in n["value"] else None)
    return tuple(found)


def _feishu_content(body: dict[str, Any]) -> Any:
    content = body.get("content") or body.get("card")
    if isinstance(content, str):
        with contextlib.suppress(ValueError):
            return json.loads(content)
    return content


@dataclass
class FeishuDriver:
    app: App
    fake: feishu_fake.FakeFeishu
    base: str
    http: aiohttp.ClientSession
    platform: str = "feishu"
    pm: str = FEISHU_ALICE
    member: str = FEISHU_BOB
    chat: str = FEISHU_GROUP
    answers: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)  # (call no., user, msg, body)
    refusals: list[int] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def _event(self, event: dict[str, Any], path: str = "/feishu/events") -> dict[str, Any]:
        body, headers = feishu_fake.seal(event)
        async with self.http.post(f"{self.base}{path}", data=body, headers=headers) as resp:
            raw = await resp.read()
            assert resp.status == 200, raw
            return json.loads(raw) if raw else {}

    async def say(self, user: str, text: str, *, in_chat: bool = False) -> None:
        n = next(self._ids)
        if in_chat:
            event = feishu_fake.fixture_json("feishu_im_message_group_mention.json")
            message = event["event"]["message"]
            message["mentions"] = message["mentions"][:1]  # the bot's
            message.update(content=json.dumps({"text": f"{message['mentions'][0]['key']} {text}"}),
                           chat_id=self.chat)
        else:
            event = feishu_fake.fixture_json("feishu_im_message_p2p.json")
            message = event["event"]["message"]
            message.update(content=json.dumps({"text": text}))
        message["message_id"] = f"om_contract{n:04d}"
        event["header"]["event_id"] = f"ev-contract-{n}"
        event["event"]["sender"]["sender_id"]["open_id"] = user
        await self._event(event)

    async def _click(self, user: str, button: str, on: Row, form: dict[str, str] | None = None) -> None:
        event = feishu_fake.fixture_json("feishu_card_action.json")
        event["header"]["event_id"] = f"ev-contract-click-{next(self._ids)}"
        event["event"]["operator"]["open_id"] = user
        event["event"]["action"]["value"] = {"a": button}
        if form is not None:
            event["event"]["action"]["form_value"] = form
        event["event"]["context"].update(open_message_id=on.sent_ref, open_chat_id=on.chat or FEISHU_P2P)
        answer = await self._event(event, path="/feishu/card")
        self.answers.append((len(self.fake.calls), user, str(on.sent_ref), answer))

    async def click(self, user: str, button: str, on: Row) -> None:
        await self._click(user, button, on)

    async def submit(self, user: str, button: str, on: Row, values: dict[str, str]) -> None:
        await self._click(user, button, on, form=values)  # the card carries the form; its button submits it

    def rate_limit_next_post(self, seconds: int) -> bool:
        limited = copy.deepcopy(feishu_fake.fixture_json("feishu_rate_limited_response.json"))
        headers = {**limited["_headers"], "x-ogw-ratelimit-reset": str(seconds)}
        with self.fake._changed:
            self.refusals.append(len(self.fake.calls))
        self.fake.fail("send", status=429, body=limited["body"], headers=headers)
        return True

    def post_attempts(self) -> int:
        return len(self.fake.of("send")) + len(self.fake.of("reply"))

    async def settle(self) -> None:
        await service.settle(self.app)

    def received(self) -> list[Received]:
        out: list[Received] = []
        answers = list(self.answers)
        with self.fake._changed:
            calls = list(self.fake.calls)
        refused = _refused(calls, self.refusals, ("send",))
        for n, call in enumerate(calls):
            while answers and answers[0][0] <= n:
                out += self._answer(*answers.pop(0)[1:])
            body = call.body
            content = _feishu_content(body)
            text = json.dumps(content, ensure_ascii=False)
            if n in refused:
                continue
            if call.method in ("send", "reply"):
                if '"img_key"' in text:
                    out.append(Received("image", text, chat=body.get("receive_id")))
                else:
                    out.append(Received("post", text, _feishu_buttons(content)))
            elif call.method == "patch":
                out.append(Received("update", text, _feishu_buttons(content), target=body.get("_id")))
            elif call.method == "ephemeral":
                out.append(Received("note", text, _feishu_buttons(content), user=body.get("open_id")))
        for answer in answers:
            out += self._answer(*answer[1:])
        return out

    @staticmethod
    def _answer(user: str, message: str, body: dict[str, Any]) -> list[Received]:
        """A click's answer: the new card (an update of the clicked message for everyone), else a toast (a
        private note to the clicker)."""
        if "card" in body:
            card = body["card"].get("data")
            return [Received("update", json.dumps(body, ensure_ascii=False), _feishu_buttons(card), target=message)]
        if body.get("toast"):
            return [Received("note", json.dumps(body, ensure_ascii=False), user=user)]
        return []


@contextlib.asynccontextmanager
async def feishu_driver(db_url: str) -> AsyncIterator[FeishuDriver]:
    fake = feishu_fake.FakeFeishu().start()
    fake.users[FEISHU_ALICE] = {"open_id": FEISHU_ALICE, "name": "Alice Wang", "time_zone": "Asia/Shanghai"}
    fake.users[FEISHU_BOB] = {"open_id": FEISHU_BOB, "name": "Bob Li"}
    app = App(service.config(db_url, jobs_enabled=False, feishu_app_id=feishu_fake.APP_ID,
                             feishu_app_secret=feishu_fake.APP_SECRET,
                             feishu_verification_token=feishu_fake.VERIFICATION_TOKEN,
                             feishu_encrypt_key=feishu_fake.ENCRYPT_KEY, feishu_domain=fake.url))
    await app.migrate()
    await service.seed_crm(app, "feishu", pm=FEISHU_ALICE, member=FEISHU_BOB, chat=FEISHU_GROUP)
    try:
        async with service.serving(app, _free_port()) as (http, base):
            yield FeishuDriver(app, fake, base, http)
    finally:
        fake.stop()


# ---- the suite --------------------------------------------------------------------------------------------

DRIVERS: dict[str, Callable[[str], contextlib.AbstractAsyncContextManager[Any]]] = {
    "console": console_driver,
    "slack": slack_driver,
    "feishu": feishu_driver,
}


@pytest.fixture(params=list(DRIVERS))
async def platform(request: pytest.FixtureRequest, db_url: str, monkeypatch: pytest.MonkeyPatch
                   ) -> AsyncIterator[Driver]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    async with DRIVERS[request.param](db_url) as driver:
        yield driver


async def sql(driver: Driver, query: str) -> Any:
    return await service.scalar(driver.app, query)


def of(driver: Driver, kind: str) -> list[Received]:
    return [r for r in driver.received() if r.kind == kind]


async def test_a_message_makes_a_card_and_a_click_changes_it_in_place(platform: Driver) -> None:
    await platform.say(platform.member, "new task click me", in_chat=True)
    await settle(platform)
    assert await sql(platform, "select title from tasks") == "click me"
    card = next(r for r in await rows(platform.app) if "task:done:CRM-1" in r.buttons)
    assert card.status == "sent" and card.sent_ref, card
    assert any("task:done:CRM-1" in r.buttons for r in of(platform, "post")), platform.received()

    await platform.click(platform.member, "task:done:CRM-1", card)
    await settle(platform)
    assert await sql(platform, "select status from tasks") == "done"
    assert await sql(platform, "select count(*) from audit_log where action = 'task.updated'") == 1
    updates = of(platform, "update")
    assert [u.target for u in updates] == [card.sent_ref], platform.received()
    assert "task:done:CRM-1" not in updates[0].buttons  # the new card: done is no longer offered


async def test_a_private_note_reaches_only_the_clicker(platform: Driver) -> None:
    await platform.say(platform.member, "new task twice", in_chat=True)
    await settle(platform)
    card = next(r for r in await rows(platform.app) if "task:done:CRM-1" in r.buttons)
    for _ in range(2):  # the second click changes nothing; only the clicker hears so
        await platform.click(platform.member, "task:done:CRM-1", card)
        await settle(platform)
    assert await sql(platform, "select count(*) from audit_log where action = 'task.updated'") == 1
    note = [r for r in await rows(platform.app) if r.kind == "ephemeral"]
    assert len(note) == 1 and note[0].user == platform.member and note[0].status == "sent", note
    notes = of(platform, "note")
    assert [n.user for n in notes] == [platform.member], platform.received()


async def test_a_form_submission_reaches_the_router(platform: Driver) -> None:
    await platform.say(platform.member, "new task login page by Dec 4")
    await settle(platform)
    await platform.say(platform.member, "change request CRM-1 delay to Dec 8 because the vendor API is late")
    await settle(platform)
    assert await sql(platform, "select status from change_requests") == "pending"
    to_pm = next(r for r in await rows(platform.app) if r.user == platform.pm and "cr:reject:1" in r.buttons)
    assert any("cr:reject:1" in r.buttons for r in of(platform, "post")), platform.received()

    await platform.submit(platform.pm, "cr:reject:1", to_pm, {"reason": "test the fallback first"})
    await settle(platform)
    assert await sql(platform, "select status from change_requests") == "rejected"
    assert await sql(platform, "select reason from approval_steps") == "test the fallback first"
    assert to_pm.sent_ref in {u.target for u in of(platform, "update")}, platform.received()  # decided: redrawn


async def test_an_image_reaches_the_chat(platform: Driver) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    async with platform.app.db.unit_of_work() as session:
        chart = Image(data=base64.b64encode(png).decode(), filename="burndown.png")
        message = Outbound(platform=platform.platform, kind=Kind.IMAGE, text="Burndown", chat=platform.chat, image=chart)
        await outbox.enqueue(session, [outbound.to_row(message, created_at=platform.app.clock())])
    platform.app.delivery.wake()
    await settle(platform)
    assert [r.status for r in await rows(platform.app)] == ["sent"]
    images = of(platform, "image")
    assert [i.chat for i in images] == [platform.chat], platform.received()


async def test_a_rate_limited_post_is_sent_again_after_the_wait(platform: Driver) -> None:
    if not platform.rate_limit_next_post(1):
        pytest.skip(f"{platform.platform} has no rate limit")
    await platform.say(platform.member, "new task after a rate limit")
    await settle(platform)
    assert await sql(platform, "select title from tasks") == "after a rate limit"
    answer = [r for r in await rows(platform.app) if r.kind in ("message", "card")]
    assert [r.status for r in answer] == ["sent"], answer
    assert platform.post_attempts() == 2  # refused once, then sent
    assert len(of(platform, "post")) == 1, platform.received()
