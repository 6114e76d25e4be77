"""The one home of who may do what on a project."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.errors import UserError
from storage import projects
from storage.models import Project, Task

ACTING = frozenset({"pmo", "sponsor", "pm", "member", "vendor"})
MANAGING = frozenset({"pmo", "pm"})


async def role_of(ctx: Ctx, project: Project) -> str | None:
    """The actor's role; a global PMO (and the admin CLI) counts as `pmo` everywhere."""
    if ctx.actor is None or ctx.actor.is_pmo:
        return "pmo"
    if project.id not in ctx.roles:
        ctx.roles[project.id] = await projects.role(ctx.session, project.id, ctx.actor.id)
    return ctx.roles[project.id]


async def require_view(ctx: Ctx, project: Project) -> str:
    role = await role_of(ctx, project)
    if role is None:
        raise UserError("perm.not_member", project=project.key)
    return role


async def require_act(ctx: Ctx, project: Project) -> str:
    """Members act; viewers only look."""
    role = await require_view(ctx, project)
    if role not in ACTING:
        raise UserError("perm.viewer", project=project.key, role=role)
    return role


async def require_manage(ctx: Ctx, project: Project, *, what: str) -> str:
    role = await require_act(ctx, project)
    if role not in MANAGING:
        raise UserError("perm.manager_only", project=project.key, what=ctx.t(what))
    return role


def may_touch(role: str, task: Task, assignee_ids: list[int], actor_id: int | None) -> bool:
    """Status and progress: the PM/PMO, the task's assignees, or its reporter."""
    return role in MANAGING or actor_id in assignee_ids or task.reporter_id == actor_id


def sees_budget(role: str | None) -> bool:
    """Budget figures are the client's own: a vendor member never sees them (issue 15.1), on a card, a list or
    an answer; everyone else who may read the project does."""
    return role != "vendor"


async def budget_shown(ctx: Ctx, project: Project, person_id: int | None = None) -> bool:
    """`sees_budget` for the actor, or for `person_id` when a copy is drawn for someone else."""
    if person_id is None or (ctx.actor is not None and person_id == ctx.actor.id):
        return sees_budget(await role_of(ctx, project))
    return sees_budget(await projects.role(ctx.session, project.id, person_id))


def require_pmo(ctx: Ctx) -> None:
    if not ctx.is_pmo:
        raise UserError("perm.pmo_only")


def require_open(project: Project) -> None:
    """An archived project keeps its records but takes no new work."""
    if project.archived_at is not None:
        raise UserError("project.archived", project=project.key)
