"""Whose a standup blocker is: the one rule the answer (handlers/standups.py) and the summary (jobs/standup.py)
share when one answer fills several projects' prompts."""

from __future__ import annotations

from typing import Any


def belonging(items: list[dict[str, Any]], project_key: str) -> list[dict[str, Any]]:
    """The blockers that belong to one project: those naming its tasks, and those naming no task at all (one
    answer to several projects' prompts cannot say which one they hold up). A blocker on CRM-3 is CRM's."""
    prefix = project_key.upper() + "-"
    return [item for item in items
            if not item.get("tasks") or any(str(k).upper().startswith(prefix) for k in item["tasks"])]
