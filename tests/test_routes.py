"""The route table: one router per feature, composed in one order, every intent the parser returns routed."""

from __future__ import annotations

import typing

import pytest

from bot.core.router import Router
from bot.nlu import intents
from bot.routes import FEATURES, build_router
from handlers import acceptance, changes, deliverables


async def _noop(*_: object) -> list:
    return []


async def _answer(*_: object) -> None:
    return None


def test_every_intent_the_parser_can_return_is_routed() -> None:
    routed = build_router().intents
    assert set(typing.get_args(intents.AnyIntent)) <= routed


def test_every_feature_router_is_included_once() -> None:
    assert len({id(f) for f in FEATURES}) == len(FEATURES)
    assert all(f.name for f in FEATURES)
    build_router()  # a key two features route would raise here
    build_router()  # and building it again (each app, each test) is the same table


def test_answers_keep_their_order() -> None:
    """A message that may answer the bot's question goes to a Reject's reason or a draft request first."""
    assert build_router().answers == [changes.follow_up, acceptance.follow_up, deliverables.files_only]


def test_include_refuses_what_is_routed_twice() -> None:
    one, two = Router("one"), Router("two")
    one.on_intent(intents.Help, _noop)
    two.on_intent(intents.Help, _noop)
    composed = Router()
    composed.include(one)
    with pytest.raises(ValueError, match="Help"):
        composed.include(two)
    for register in (lambda r: r.on_action("x", _noop), lambda r: r.on_form("f", _noop),
                     lambda r: r.on_home(_noop), lambda r: r.on_answer(_answer)):
        a, b, c = Router("a"), Router("b"), Router()
        register(a)
        register(b)
        c.include(a)
        with pytest.raises(ValueError):
            c.include(b)


def test_include_keeps_every_kind_of_route() -> None:
    feature = Router("f")
    feature.on_intent(intents.Help, _noop)
    feature.on_action("x", _noop)
    feature.on_form("f", _noop)
    feature.on_home(_noop)
    feature.on_answer(_answer)
    composed = Router()
    composed.include(feature)
    assert composed.for_intent(intents.Help()) is _noop
    assert composed.for_action("x:1:CRM-2") is _noop
    assert composed.for_form("f") is _noop
    assert composed.answers == [_answer]
    assert composed._home is _noop
