"""Settings from the environment (and an optional `.env`); the README's configuration table mirrors this.
Each platform's variables are read by the platform itself (`from_env` in `bot/platforms/<name>/__init__.py`)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import platforms
from bot.core.context import Settings
from storage.db import DEFAULT_URL


def load_dotenv(path: Path = Path(".env")) -> None:
    """Read KEY=VALUE lines into os.environ without overriding what is already set."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


@dataclass(frozen=True, slots=True)
class Config:
    database_url: str = DEFAULT_URL
    host: str = "127.0.0.1"
    port: int = 8080
    log_file: str | None = None
    log_level: str = "INFO"
    settings: Settings = field(default_factory=Settings)
    # The configured platforms' own settings, by registry name (bot/platforms/__init__.py): each platform
    # reads its variables itself (`from_env` in its package) and is absent when they do not turn it on.
    platforms: dict[str, Any] = field(default_factory=dict)
    jobs_enabled: bool = True  # scheduled jobs (standups, risks, digests, reports) in this process
    instance_id: str | None = None  # this replica's stable name (bot/instance.py); default: a slot file
    inbox_max_attempts: int = 5  # failed tries before an inbound event is dead-lettered

    @property
    def platforms_configured(self) -> bool:
        return bool(self.platforms)


def _time(value: str) -> dt.time:
    hh, _, mm = value.strip().partition(":")
    return dt.time(int(hh), int(mm or 0))


def from_env(env: dict[str, str] | None = None) -> Config:
    e = dict(os.environ if env is None else env)
    lunch = (e.get("WORKDAY_BREAK") or "12:00-13:00").strip()
    settings = Settings(
        default_tz=e.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        default_locale=e.get("DEFAULT_LOCALE", "zh"),
        workday_end=_time(e.get("WORKDAY_END", "18:00")),
        day_hours=float(e.get("WORKDAY_HOURS", "8")),
        log_window_days=int(e.get("LOG_WINDOW_DAYS", "31")),
        workday_start=_time(e.get("WORKDAY_START", "09:00")),
        workday_break=None if lunch.lower() in ("off", "none", "-") else (
            _time(lunch.partition("-")[0]), _time(lunch.partition("-")[2])),
    )
    return Config(
        database_url=e.get("DATABASE_URL", DEFAULT_URL),
        host=e.get("HOST", "127.0.0.1"),
        port=int(e.get("PORT", "8080")),
        log_file=e.get("LOG_FILE") or None,
        log_level=e.get("LOG_LEVEL", "INFO").upper(),
        settings=settings,
        platforms=platforms.configured(e),
        jobs_enabled=e.get("PMO_JOBS", "on").strip().lower() not in ("off", "0", "false", "no"),
        instance_id=e.get("PMO_INSTANCE_ID") or None,
        inbox_max_attempts=int(e.get("PMO_INBOX_MAX_ATTEMPTS") or 5),
    )
