"""Feishu/Lark: webhook or long connection in, open-API sender out.

This module is the registry entry (bot/platforms/base.py, `Entry`): cheap to import; the adapter loads in
`create`, lark_oapi only in long-connection mode.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.platforms.base import Deps
    from bot.platforms.feishu.adapter import FeishuAdapter

NAME = "feishu"
MODES = ("webhook", "websocket")


@dataclasses.dataclass(frozen=True, slots=True)
class FeishuConfig:
    app_id: str
    app_secret: str = ""
    verification_token: str = ""
    encrypt_key: str = ""
    mode: str = "webhook"  # or "websocket" (the long connection: no public URL needed)
    domain: str = "feishu"  # feishu, lark, or an origin (a test server)
    bot_open_id: str | None = None  # else looked up (bot/v3/info) at start
    send_rate: float = 50.0  # messages/s for the app (Feishu's quota for message create)


def from_env(env: Mapping[str, str]) -> FeishuConfig | None:
    """FEISHU_* settings (README, "Configuration"); None without FEISHU_APP_ID."""
    app_id = env.get("FEISHU_APP_ID") or None
    if app_id is None:
        return None
    return FeishuConfig(app_id=app_id, app_secret=env.get("FEISHU_APP_SECRET", ""),
                        verification_token=env.get("FEISHU_VERIFICATION_TOKEN", ""),
                        encrypt_key=env.get("FEISHU_ENCRYPT_KEY", ""),
                        mode=(env.get("FEISHU_MODE") or "webhook").lower(),
                        domain=env.get("FEISHU_DOMAIN") or "feishu",
                        bot_open_id=env.get("FEISHU_BOT_OPEN_ID") or None,
                        send_rate=float(env.get("FEISHU_SEND_RATE") or 50))


def create(config: FeishuConfig, deps: Deps) -> FeishuAdapter:
    # Checked when the adapter is made, not when settings are read: `pmo-bot admin` does not start platforms.
    if config.mode not in MODES:
        raise ValueError(f"FEISHU_MODE must be webhook or websocket, not {config.mode!r}")
    from bot.platforms.feishu.adapter import FeishuAdapter

    return FeishuAdapter(config, deps)
