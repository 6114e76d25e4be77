"""The outbound payload: one codec to the outbox row, rows stored before it still read, and kinds a platform
cannot show fall back to text or fail with one clear error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from bot.core import outbound
from bot.core.events import CardAction, IncomingMessage, UserRef
from bot.core.outbound import CannotSend, Image, Kind, Outbound, Ref
from bot.core.replies import Button, Card, Confirm, Field, Reply
from bot.delivery import Delivery, Outgoing
from bot.dispatch import Dispatcher
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from tests.conftest import Clock

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CARD = Card("CR-12", (Field("Task", "CRM-3"), Field("Due", "12-04")),
            (Button("cr:approve:12", "Approve", "primary"),
             Button("cr:reject:12", "Reject", "danger", Confirm("Reject?", "Reject CR-12?", "Yes", "No")),
             Button("cr:view:12", "View")))

# One of each kind, with every field the codec carries set somewhere.
EVERY_KIND = [
    Outbound("slack", Kind.MESSAGE, "hi", chat="C1", thread=Ref(id="1700.1"), mentions=("U1", "U2"), job="risk.scan"),
    Outbound("feishu", Kind.CARD, "new request", card=CARD, user="ou_1", tag="cr:12:card", locale="en"),
    Outbound("slack", Kind.UPDATE, "", card=CARD, chat="C1", target=Ref(id="C1:1700.2"),
             response_url="https://hooks.slack.test/r/1"),
    Outbound("console", Kind.UPDATE, "decided", card=CARD, user="u1", target=Ref(outbox=7)),
    Outbound("console", Kind.UPDATE, "decided", card=CARD, target=Ref(tag="cr:12:card")),
    Outbound("slack", Kind.EPHEMERAL, "only you", chat="C1", user="U1", thread=Ref(tag="cr:12:chat")),
    Outbound("slack", Kind.HOME, "", card=CARD, user="U1"),
    Outbound("feishu", Kind.IMAGE, "", user="ou_1", job="digest.daily",
             image=Image("iVBORw0KGgo=", "digest-1.png", "Burndown", "tasks left per day")),
]


@pytest.mark.parametrize("message", EVERY_KIND, ids=lambda m: f"{m.platform}-{m.kind}")
def test_every_kind_round_trips_through_its_row(message: Outbound) -> None:
    row = outbound.to_row(message, created_at=NOW)
    assert set(row) == {"platform", "chat", "user", "thread", "kind", "payload", "created_at", "tag"}
    assert row["kind"] == message.kind.value and row["created_at"] == NOW
    columns = {k: row[k] for k in ("platform", "chat", "user", "thread", "kind", "payload", "tag")}
    assert outbound.from_row(**columns) == message


def test_a_card_keeps_its_button_styles_and_confirms() -> None:
    stored = CARD.to_dict()
    assert stored["buttons"][0] == {"id": "cr:approve:12", "label": "Approve", "style": "primary"}
    assert stored["buttons"][1]["confirm"] == {"title": "Reject?", "text": "Reject CR-12?", "ok": "Yes", "cancel": "No"}
    assert stored["buttons"][2] == {"id": "cr:view:12", "label": "View"}  # default style: not stored
    assert Card.from_dict(stored) == CARD


# Rows as the code before bot/core/outbound.py wrote them (dispatcher `_rows`, storage `expand_updates`,
# jobs/common dm and to_chat, the digest's images, trial_payables `_row`): each must decode and encode unchanged.
CARD_DICT = CARD.to_dict()
OLD_ROWS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"platform": "console", "chat": "c1", "user": None, "thread": None, "kind": "message",
      "payload": {"text": "m0", "card": None}, "tag": None},
     {"kind": Kind.MESSAGE, "text": "m0", "chat": "c1"}),
    ({"platform": "slack", "chat": "C1", "user": None, "thread": "1700.1", "kind": "card",
      "payload": {"text": "", "card": CARD_DICT, "response_url": "https://hooks.slack.test/r/1"}, "tag": "cr:12:chat"},
     {"kind": Kind.CARD, "card": CARD, "thread": Ref(id="1700.1"), "response_url": "https://hooks.slack.test/r/1",
      "tag": "cr:12:chat"}),
    ({"platform": "slack", "chat": "C1", "user": None, "thread": None, "kind": "update",
      "payload": {"text": "done", "card": CARD_DICT, "target": "C1:1700.2"}, "tag": None},
     {"kind": Kind.UPDATE, "target": Ref(id="C1:1700.2")}),
    ({"platform": "feishu", "chat": None, "user": "ou_1", "thread": None, "kind": "update",
      "payload": {"text": "", "card": CARD_DICT, "extra": {"locale": "zh"}, "target_outbox": 41}, "tag": None},
     {"kind": Kind.UPDATE, "target": Ref(outbox=41), "locale": "zh"}),
    ({"platform": "feishu", "chat": "oc_1", "user": None, "thread": "tag:cr:12:chat", "kind": "message",
      "payload": {"text": "CR-12 approved", "card": None}, "tag": None},
     {"thread": Ref(tag="cr:12:chat"), "text": "CR-12 approved"}),
    ({"platform": "slack", "chat": "C1", "user": "U1", "thread": None, "kind": "ephemeral",
      "payload": {"text": "only you", "card": None}, "tag": None},
     {"kind": Kind.EPHEMERAL, "user": "U1"}),
    ({"platform": "slack", "chat": None, "user": "U1", "thread": None, "kind": "home",
      "payload": {"text": "", "card": CARD_DICT}, "tag": None},
     {"kind": Kind.HOME}),
    ({"platform": "slack", "chat": "C1", "user": None, "thread": "1700.3", "kind": "message",
      "payload": {"text": "CRM-1 overdue", "card": None, "mentions": ["U1"], "job": "risk.scan"}, "tag": None},
     {"mentions": ("U1",), "job": "risk.scan", "thread": Ref(id="1700.3")}),
    ({"platform": "feishu", "chat": None, "user": "ou_1", "thread": None, "kind": "image",
      "payload": {"text": "", "card": None, "job": "digest.daily",
                  "image": {"data": "iVBORw0KGgo=", "filename": "digest-1.png", "title": "Burndown"}}, "tag": None},
     {"kind": Kind.IMAGE, "image": Image("iVBORw0KGgo=", "digest-1.png", "Burndown")}),
    ({"platform": "slack", "chat": None, "user": "U1", "thread": None, "kind": "card",
      "payload": {"text": "payable", "card": CARD_DICT, "extra": {"locale": "en", "other": 1}}, "tag": "pay:1"},
     {"locale": "en", "unknown": {"extra": {"other": 1}}}),
    ({"platform": "console", "chat": "c1", "user": None, "thread": None, "kind": "message",
      "payload": {"text": "later", "card": None, "a_key_from_the_future": [1, 2]}, "tag": None},
     {"unknown": {"a_key_from_the_future": [1, 2]}}),
]


@pytest.mark.parametrize("row,expected", OLD_ROWS, ids=lambda v: str(v.get("kind", "")) if isinstance(v, dict) else "")
def test_rows_stored_before_the_codec_still_decode(row: dict[str, Any], expected: dict[str, Any]) -> None:
    message = outbound.from_row(**row)
    for name, value in expected.items():
        assert getattr(message, name) == value, name
    again = outbound.to_row(message, created_at=NOW)
    assert {k: again[k] for k in row} == row  # and encode back byte for byte


def test_the_dispatcher_turns_replies_into_typed_messages() -> None:
    user = UserRef("slack", "U1", "Ann")
    said = IncomingMessage("slack", "e1", user, "hi", chat="C1", thread="1700.1", reply_url="https://r/1")
    click = CardAction("slack", "e2", user, "cr:approve:12", chat="C1", message="C1:1700.2")
    [answer, note, home, elsewhere, in_thread, everywhere] = Dispatcher._outbound(said, [
        Reply("ok", card=CARD), Reply("psst", ephemeral=True), Reply("", card=CARD, home=True),
        Reply("hello", user="U9", platform="feishu", extra={"locale": "en"}),
        Reply("note", chat="C2", in_thread_of="cr:12:chat"), Reply("", card=CARD, update_tagged="cr:12:card")])
    assert answer == Outbound("slack", Kind.CARD, "ok", card=CARD, chat="C1", thread=Ref(id="1700.1"),
                              response_url="https://r/1")
    assert (note.kind, note.chat, note.user) == (Kind.EPHEMERAL, "C1", "U1")
    assert (home.kind, home.chat, home.user) == (Kind.HOME, None, "U1")
    assert (elsewhere.platform, elsewhere.user, elsewhere.chat, elsewhere.locale) == ("feishu", "U9", None, "en")
    assert elsewhere.thread is None and elsewhere.response_url is None
    assert in_thread.thread == Ref(tag="cr:12:chat") and outbound.to_row(in_thread, created_at=NOW)["thread"] == \
        "tag:cr:12:chat"
    assert everywhere.kind is Kind.UPDATE and everywhere.target == Ref(tag="cr:12:card")
    [replaced] = Dispatcher._outbound(click, [Reply("done", card=CARD, replace=True)])
    assert replaced.kind is Kind.UPDATE and replaced.target == Ref(id="C1:1700.2")


def test_a_kind_the_platform_cannot_show_falls_back_to_text_or_fails_clearly() -> None:
    from bot.platforms import console
    from bot.platforms.feishu import sender as feishu

    home = Outbound("feishu", Kind.HOME, "your tasks", card=CARD, user="ou_1")
    assert home.degrade(feishu.KINDS) == Outbound("feishu", Kind.CARD, "your tasks", card=CARD, user="ou_1")
    chart = Outbound("console", Kind.IMAGE, "burndown", user="u1", image=Image("AAAA"))
    assert chart.degrade(console.KINDS) == Outbound("console", Kind.MESSAGE, "burndown", user="u1")
    update = Outbound("sms", Kind.UPDATE, "decided", user="u1", target=Ref(id="m1"))
    with pytest.raises(CannotSend, match=r"^platform sms cannot send update$"):
        update.degrade({Kind.MESSAGE, Kind.CARD})
    with pytest.raises(CannotSend, match=r"^platform sms cannot send ephemeral$"):
        Outbound("sms", Kind.EPHEMERAL, "psst", chat="c", user="u").degrade({Kind.MESSAGE})
    with pytest.raises(CannotSend, match=r"^platform feishu cannot send home$"):
        home.degrade({Kind.MESSAGE})  # a card that cannot be shown is not silently its text


class TextOnly:
    """A platform that shows plain messages only."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, message: Outgoing) -> str | None:
        out = message.out.degrade({Kind.MESSAGE})
        self.sent.append(out.text)
        return None


async def test_delivery_dead_letters_what_the_platform_cannot_send(db_url: str, clock: Clock) -> None:
    db = Database(db_url)
    sender = TextOnly()
    delivery = Delivery(db, {"sms": sender}, clock=clock)
    try:
        async with db.unit_of_work() as session:
            await outbound.enqueue(session, [Outbound("sms", Kind.HOME, "home", user="u1"),
                                             Outbound("sms", Kind.EPHEMERAL, "psst", chat="c1", user="u1")],
                                   now=clock())
        assert await delivery.run_once() == 2
        assert sender.sent == ["home"]  # a home view without a card is its text
        async with db.unit_of_work() as session:
            rows = (await session.execute(select(OutboxMessage.status, OutboxMessage.last_error)
                                          .order_by(OutboxMessage.id))).all()
        assert [tuple(r) for r in rows] == [("sent", None), ("dead", "platform sms cannot send ephemeral")]
    finally:
        await db.dispose()


async def test_a_tagged_update_becomes_one_update_per_tagged_message(db_url: str, clock: Clock) -> None:
    db = Database(db_url)
    try:
        async with db.unit_of_work() as session:
            await outbound.enqueue(session, [
                Outbound("slack", Kind.CARD, "", card=CARD, user="U1", tag="cr:12:card"),
                Outbound("feishu", Kind.CARD, "", card=CARD, chat="oc_1", thread=Ref(id="om_1"), tag="cr:12:card"),
                Outbound("slack", Kind.CARD, "", card=CARD, user="U2", tag="cr:13:card")], now=clock())
            await outbound.enqueue(session, [Outbound("console", Kind.UPDATE, "decided", card=CARD, chat="c9",
                                                      thread=Ref(id="t"), target=Ref(tag="cr:12:card"))], now=clock())
        async with db.unit_of_work() as session:
            rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "update")
                                          .order_by(OutboxMessage.id))).all()
            decoded = [outbound.from_row(platform=r.platform, chat=r.chat, user=r.user, thread=r.thread, kind=r.kind,
                                         payload=r.payload, tag=r.tag) for r in rows]
        assert [(m.platform, m.chat, m.user, m.thread, m.target) for m in decoded] == [
            ("slack", None, "U1", None, Ref(outbox=1)), ("feishu", "oc_1", None, None, Ref(outbox=2))]
        assert all(m.text == "decided" and m.card == CARD and m.tag is None for m in decoded)
        assert await _resolved(db, decoded[0]) is None  # not sent yet: delivery waits for it
    finally:
        await db.dispose()


async def _resolved(db: Database, message: Outbound) -> tuple[str, dict[str, Any] | None] | None:
    async with db.unit_of_work() as session:
        state, found = await outbox.resolve(session, target_id=message.target.outbox if message.target else None,
                                            platform=message.platform)
    return None if state == "wait" else (state, found)
