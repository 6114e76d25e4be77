"""Slack Socket Mode's watchdog and the connection states /healthz reports (the Feishu long connection's are in
test_feishu.py): a socket that goes deaf is replaced, refused credentials stop the start-up."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.platforms.watchdog import Connection, Connections, CredentialsRejected
from tests.fakes.slack import fixture_json
from tests.test_slack import rig


def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


async def _wait(predicate: Any, within: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.05)


async def test_a_deaf_socket_mode_connection_is_replaced_and_healthz_says_so(db_url: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _no_proxy(monkeypatch)
    monkeypatch.setattr("bot.platforms.slack.adapter.SOCKET_PING_INTERVAL", 0.5)  # deaf after 2 s of silence
    async with rig(db_url, slack_app_token="xapp-test") as slack:
        conns = slack.app.metrics.connections
        await _wait(lambda: "slack" in conns.items and conns.items["slack"].state == "up")
        async with slack.http.get(f"{slack.base}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["connections"]["slack"]["state"] == "up"
        conns.grace = 0.0  # down at all counts as unhealthy, to see it here
        opened = len(slack.fake.of("apps.connections.open"))
        slack.fake.deafen()
        await _wait(lambda: len(slack.fake.of("apps.connections.open")) > opened)  # a new socket was asked for
        await _wait(lambda: conns.items["slack"].state == "up" and conns.items["slack"].reconnects >= 1)
        async with slack.http.get(f"{slack.base}/healthz") as resp:
            assert resp.status == 200
        frames = fixture_json("slack_socket_mode_frames.json")
        await slack.fake.push(frames["events_api"])  # the new socket carries events
        await slack.fake.wait_for(lambda f: len(f.acks) >= 1)
        await slack.settle()
        assert await slack.sql("select count(*) from tasks") == 1
        async with slack.http.get(f"{slack.base}/metrics") as resp:
            assert 'pmobot_connection_up{platform="slack"} 1' in await resp.text()


async def test_start_up_fails_clearly_when_slack_refuses_the_bot_token(db_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.platforms.base import Deps
    from bot.platforms.slack.adapter import SlackAdapter, SlackConfig
    from storage.db import Database
    from tests.fakes.slack import FakeSlack

    _no_proxy(monkeypatch)
    fake = await FakeSlack().start()
    fake.fail("auth.test", body={"ok": False, "error": "invalid_auth"})

    async def accept(_: Any) -> bool:
        return True

    db = Database(db_url)
    try:
        adapter = SlackAdapter(SlackConfig(bot_token="xoxb-revoked", api_url=fake.api_url), Deps(accept=accept))
        with pytest.raises(CredentialsRejected, match="SLACK_BOT_TOKEN"):
            await adapter.start()
    finally:
        await fake.stop()
        await db.dispose()


def test_a_connection_is_unhealthy_only_when_down_past_the_grace_period() -> None:
    now = [100.0]
    conns = Connections(grace=60.0)
    conn = conns.add("feishu", clock=lambda: now[0])
    assert conns.healthy()  # connecting: fine for a while
    conn.up()
    conn.down("the socket closed")
    now[0] += 59
    assert conns.healthy() and conns.report()["feishu"]["state"] == "down"
    now[0] += 2
    assert not conns.healthy()
    conn.up()
    assert conns.healthy() and conn.reconnects == 1
    conn.fail("gave up")
    assert not conns.healthy() and conns.report()["feishu"]["reason"] == "gave up"
    assert isinstance(conn, Connection)
