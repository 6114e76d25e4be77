"""The job skeleton (jobs/steps.py) and the risk rules' registry (jobs/risk_rules.py), on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import CATALOGUE, LOCALES
from bot.core.workdays import WorkCalendar
from jobs import common, risk_rules, risks, steps
from jobs.config import DEFAULTS
from jobs.context import JobContext
from jobs.risk_rules import Found, Scope
from storage import jobruns
from tests.conftest import ChatHarness, Clock


class Toy(steps.Steps[str]):
    """Three slots due; `read` finds nothing to send for "c"; `compute` may let another replica claim "a"."""

    name = "test.toy"
    seen: ClassVar[list[tuple[str, list[str]]]] = []
    replica_takes: ClassVar[str | None] = None

    async def due(self, session: AsyncSession) -> dict[str, str]:
        return {"a": "A", "b": "B", "c": "C"}

    async def read(self, session: AsyncSession, due: dict[str, str]) -> None:
        self.seen.append(("read", list(due)))
        due.pop("c", None)

    async def compute(self, due: dict[str, str]) -> None:
        self.seen.append(("compute", list(due)))
        if self.replica_takes:
            async with self.ctx.db.unit_of_work() as session:
                await jobruns.claim(session, self.name, [self.replica_takes], now=self.ctx.now)

    async def send(self, session: AsyncSession, won: dict[str, str]) -> steps.Rows:
        self.seen.append(("send", list(won)))
        return [common.dm("console", "u1", f"hello {item}", job=self.name) for item in won.values()]

    def done(self) -> None:
        self.seen.append(("done", []))


class OneGo(Toy):
    name = "test.one_go"
    one_transaction = True


def _ctx(bot: ChatHarness, clock: Clock) -> JobContext:
    return JobContext(db=bot.app.db, now=clock(), settings=bot.app.config.settings)


async def _claimed(bot: ChatHarness, job: str) -> list[str]:
    async with bot.app.db.sessions() as session:
        return sorted(await jobruns.claimed(session, job, ["a", "b", "c"]))


async def test_a_job_claims_and_sends_each_due_slot_once(bot: ChatHarness, clock: Clock) -> None:
    Toy.seen, Toy.replica_takes = [], None
    first = _ctx(bot, clock)
    await steps.run(first, Toy)
    assert [r["payload"]["text"] for r in first.sent] == ["hello A", "hello B"]
    assert Toy.seen == [("read", ["a", "b", "c"]), ("compute", ["a", "b"]), ("send", ["a", "b"]), ("done", [])]
    assert await _claimed(bot, Toy.name) == ["a", "b"]  # "c" had nothing to send: not claimed

    Toy.seen = []
    again = _ctx(bot, clock)
    await steps.run(again, Toy)  # the claimed slots are dropped before reading; "c" still has nothing
    assert again.sent == []
    assert Toy.seen == [("read", ["c"])]


async def test_a_slot_another_replica_claimed_meanwhile_is_not_sent(bot: ChatHarness, clock: Clock) -> None:
    Toy.seen, Toy.replica_takes = [], "a"
    ctx = _ctx(bot, clock)
    await steps.run(ctx, Toy)
    assert [r["payload"]["text"] for r in ctx.sent] == ["hello B"]
    assert ("send", ["b"]) in Toy.seen


async def test_a_one_transaction_job_claims_what_is_due_and_sends_it(bot: ChatHarness, clock: Clock) -> None:
    OneGo.seen, OneGo.replica_takes = [], None
    ctx = _ctx(bot, clock)
    await steps.run(ctx, OneGo)
    assert [r["payload"]["text"] for r in ctx.sent] == ["hello A", "hello B", "hello C"]
    assert OneGo.seen == [("send", ["a", "b", "c"])]  # no read or compute step
    await steps.run(ctx := _ctx(bot, clock), OneGo)
    assert ctx.sent == []


# ---- the risk rules' registry (pure) -------------------------------------------------------------------------

def test_every_registered_rule_has_a_setting_and_a_message_in_both_languages() -> None:
    assert set(risk_rules.REGISTRY) >= set(risks.SHOWN)
    for rule in risk_rules.REGISTRY.values():
        assert rule.setting in DEFAULTS["risks"], rule
        assert set(LOCALES) <= set(CATALOGUE[f"risk.{rule.name}"]), rule


def test_a_rule_is_registered_once_and_names_a_known_setting() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        risk_rules.rule("overdue", reads="due", setting="overdue")(lambda item, limit, scope: [])
    with pytest.raises(ValueError, match="no setting"):
        risk_rules.rule("test_unknown", reads="due", setting="no_such_threshold")


def test_rules_are_asked_item_by_item_in_registration_order_unless_their_setting_is_off() -> None:
    asked: list[tuple[str, Any, Any]] = []

    def make(name: str) -> risk_rules.Check:
        def check(item: int, limit: Any, scope: Scope) -> Iterator[Found]:
            asked.append((name, item, limit))
            yield Found(1 if item < 10 else 2, name, f"item:{item}", {}, ())
        return check

    try:
        risk_rules.rule("test_first", reads="test_kind", setting="blocked_workdays")(make("test_first"))
        risk_rules.rule("test_second", reads="test_kind", setting="overdue")(make("test_second"))
        now = dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC)
        cal = WorkCalendar()
        scopes = {1: Scope(None, {"blocked_workdays": 0, "overdue": True}, now, cal, cal.workdays_between),
                  2: Scope(None, {"blocked_workdays": None, "overdue": True}, now, cal, cal.workdays_between)}
        found = risk_rules.evaluate({"test_kind": (lambda item: 1 if item < 10 else 2, [1, 20, 3])}, scopes)
        assert [(f.rule, f.entity) for f in found] == [
            ("test_first", "item:1"), ("test_second", "item:1"), ("test_second", "item:20"),
            ("test_first", "item:3"), ("test_second", "item:3")]
        assert ("test_first", 1, 0) in asked  # 0 is a threshold, not "off"
        assert risk_rules.order(("test_second",))["test_second"] == 0
    finally:
        risk_rules.REGISTRY.pop("test_first", None)
        risk_rules.REGISTRY.pop("test_second", None)
