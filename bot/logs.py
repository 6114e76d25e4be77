"""Structured (JSON) logs: one object per line, with event id and duration where known."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        out.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def setup(level: str = "INFO", file: str | None = None) -> None:
    """Log to `file` when given (the console chat owns the terminal), else to stderr."""
    handler: logging.Handler = logging.FileHandler(file, encoding="utf-8") if file else logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    # alembic logs ~16 INFO lines per process ("setup plugin …" on import, "Context impl …" per upgrade): noise
    # on every CLI call; kept when verbose (LOG_LEVEL=DEBUG).
    logging.getLogger("alembic").setLevel(logging.INFO if level.upper() == "DEBUG" else logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
