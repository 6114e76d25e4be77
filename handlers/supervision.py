"""Changes in a three-party project (issue 15): where a supervisor (监理) is on the project, a change request of
type scope or budget, or one that breaches a milestone, gets a supervisor step before the PMO. The project's
acceptance policy can turn it off (`supervisor_changes`, bot/domain/acceptance.py)."""

from __future__ import annotations

from typing import Any

from bot.core.context import Ctx
from bot.domain import acceptance
from storage import changes
from storage.models import Project


async def with_supervisor(ctx: Ctx, project: Project, change_type: str, impact: dict[str, Any],
                          roles: list[str]) -> list[str]:
    """The approval chain with the supervisor's step added where it applies (before the PMO, else last)."""
    wanted = change_type in ("scope", "budget") or bool(impact.get("breach"))
    if not wanted or "supervisor" in roles or not acceptance.policy(project)["supervisor_changes"]:
        return roles
    if not await changes.holders(ctx.session, project.id, "supervisor"):
        return roles
    at = roles.index("pmo") if "pmo" in roles else len(roles)
    return [*roles[:at], "supervisor", *roles[at:]]
