"""Slack: bolt AsyncApp adapter, pure payload translation and Block Kit rendering, Web API sender.

This module is the registry entry (bot/platforms/base.py, `Entry`): cheap to import; bolt loads in `create`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.platforms.base import Deps
    from bot.platforms.slack.adapter import SlackAdapter

NAME = "slack"
DEFAULT_API_URL = "https://slack.com/api/"


@dataclasses.dataclass(frozen=True, slots=True)
class SlackConfig:
    bot_token: str
    signing_secret: str = ""
    app_token: str | None = None  # Socket Mode when set
    api_url: str = DEFAULT_API_URL
    bot_user_id: str | None = None  # else learnt from auth.test at start


def from_env(env: Mapping[str, str]) -> SlackConfig | None:
    """SLACK_* settings (README, "Configuration"); None without SLACK_BOT_TOKEN."""
    token = env.get("SLACK_BOT_TOKEN") or None
    if token is None:
        return None
    return SlackConfig(bot_token=token, signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
                       app_token=env.get("SLACK_APP_TOKEN") or None,
                       api_url=env.get("SLACK_API_URL") or DEFAULT_API_URL,
                       bot_user_id=env.get("SLACK_BOT_USER_ID") or None)


def create(config: SlackConfig, deps: Deps) -> SlackAdapter:
    from bot.platforms.slack.adapter import SlackAdapter

    return SlackAdapter(config, deps)
