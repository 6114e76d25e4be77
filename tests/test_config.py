"""Settings from the environment: each platform reads its own variables (bot/platforms/<name>/__init__.py)."""

from __future__ import annotations

import pytest

from bot import platforms
from bot.config import from_env
from bot.platforms.base import Deps
from bot.platforms.feishu import FeishuConfig
from bot.platforms.slack import SlackConfig


def test_no_platform_variables_configure_no_platform() -> None:
    cfg = from_env({})
    assert cfg.platforms == {} and not cfg.platforms_configured


def test_each_platform_reads_its_own_variables() -> None:
    cfg = from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "xapp-1",
                    "SLACK_BOT_USER_ID": "U0BOT", "FEISHU_APP_ID": "cli_1", "FEISHU_APP_SECRET": "x",
                    "FEISHU_MODE": "WebSocket", "FEISHU_DOMAIN": "lark", "FEISHU_SEND_RATE": "20",
                    "FEISHU_BOT_OPEN_ID": "ou_bot"})
    assert list(cfg.platforms) == ["slack", "feishu"]  # registry order: the order they start in
    assert cfg.platforms["slack"] == SlackConfig(bot_token="xoxb-1", signing_secret="s", app_token="xapp-1",
                                                 bot_user_id="U0BOT")
    assert cfg.platforms["feishu"] == FeishuConfig(app_id="cli_1", app_secret="x", mode="websocket", domain="lark",
                                                   bot_open_id="ou_bot", send_rate=20.0)
    assert cfg.platforms_configured


def test_empty_values_are_unset() -> None:
    cfg = from_env({"SLACK_BOT_TOKEN": "", "FEISHU_APP_ID": "cli_1", "FEISHU_BOT_OPEN_ID": "", "SLACK_APP_TOKEN": ""})
    assert list(cfg.platforms) == ["feishu"]
    assert cfg.platforms["feishu"].bot_open_id is None and cfg.platforms["feishu"].mode == "webhook"


def test_a_bad_feishu_mode_stops_the_start_not_the_settings() -> None:
    settings = platforms.configured({"FEISHU_APP_ID": "cli_1", "FEISHU_MODE": "pigeon"})  # `pmo-bot admin` works

    async def accept(_: object) -> bool:
        return True

    with pytest.raises(ValueError, match="FEISHU_MODE must be webhook or websocket"):
        platforms.entry("feishu").create(settings["feishu"], Deps(accept=accept))


def test_the_registry_names_every_platform_an_identity_may_belong_to() -> None:
    assert set(platforms.NAMES) == {*platforms.PLATFORMS, platforms.CONSOLE}
