"""Project administration, shared by chat and the admin CLI: create, bind a chat, add members, settings."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.replies import Reply
from bot.core.router import Router
from bot.domain import approvals
from bot.nlu.intents import Admin
from handlers import lookup, permissions
from storage import changes, people, projects
from storage.models import ROLES, Milestone, Person, Project

KEY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
LOCALES = ("zh", "en")


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError("admin.bad_tz", tz=name) from None
    return name


def check_locale(value: str) -> str:
    value = value.lower()[:2]
    if value not in LOCALES:
        raise UserError("admin.bad_locale", locale=value)
    return value


async def create_project(ctx: Ctx, key: str, name: str | None, *, tz: str | None = None,
                         locale: str | None = None, pm: Person | None = None) -> Project:
    """A new project; `pm` becomes its PM. The PMO who creates it is no member unless added: a PMO acts on
    every project anyway, and would otherwise get every PM-step card and a standup prompt."""
    permissions.require_pmo(ctx)
    key = key.upper()
    if not KEY_RE.match(key):
        raise UserError("admin.bad_key", key=key)
    if await projects.by_key(ctx.session, key) is not None:
        raise UserError("admin.project_exists", key=key)
    project = Project(key=key, name=lookup.cut(ctx, name or key, 200) or key,
                      timezone=check_timezone(tz or ctx.settings.default_tz),
                      locale=check_locale(locale or ctx.locale), methodology="waterfall", next_task_seq=1,
                      created_at=ctx.now)
    ctx.session.add(project)
    await ctx.session.flush()
    await ctx.audit("project.created", f"project:{key}", project_id=project.id,
                    after={"key": key, "name": project.name, "timezone": project.timezone, "locale": project.locale})
    if pm is not None:
        await add_member(ctx, project, pm, "pm")
    return project


async def add_member(ctx: Ctx, project: Project, who: Person, role: str) -> str | None:
    await permissions.require_manage(ctx, project, what="what.members")
    if role not in ROLES:
        raise UserError("admin.bad_role", role=role, roles=", ".join(ROLES))
    if role == "pmo":
        permissions.require_pmo(ctx)
    old = await projects.set_role(ctx.session, project.id, who.id, role)
    ctx.roles.pop(project.id, None)
    if role == "pmo" and not who.is_pmo:  # the PMO is the portfolio office: it acts on every project
        who.is_pmo = True
        await ctx.audit("person.made_pmo", f"person:{who.display_name}", after={"is_pmo": True})
    ref = (await people.external_ids(ctx.session, [who.id], ctx.platform))[who.id]
    await ctx.audit("member.added" if old is None else "member.role_changed", f"member:{project.key}/{ref}",
                    project_id=project.id, before={"role": old} if old else None, after={"role": role})
    return old


async def remove_member(ctx: Ctx, project: Project, who: Person) -> str:
    """Take someone off the project (PM/PMO); every right the membership gave ends with this unit of work. Their
    tasks and hours stay, for the record. Return the role they had."""
    await permissions.require_manage(ctx, project, what="what.members")
    role = await projects.role(ctx.session, project.id, who.id)
    if role is None:
        raise UserError("mem.not_member", name=who.display_name, key=project.key)
    if role == "pmo":
        permissions.require_pmo(ctx)
    if role == "pm" and [r for _, r in await projects.members(ctx.session, project.id)].count("pm") == 1:
        raise UserError("mem.last_manager", name=who.display_name, key=project.key)
    await projects.remove_role(ctx.session, project.id, who.id)
    ctx.roles.pop(project.id, None)
    ref = (await people.external_ids(ctx.session, [who.id], ctx.platform)).get(who.id, who.display_name)
    await ctx.audit("member.removed", f"member:{project.key}/{ref}", project_id=project.id, before={"role": role})
    return role


async def archive(ctx: Ctx, project: Project, *, archived: bool) -> bool:
    """Archive (or reopen) a project: no jobs, no new tasks while archived. False when it already was so."""
    permissions.require_pmo(ctx)
    if (project.archived_at is not None) == archived:
        return False
    before = project.archived_at
    project.archived_at = ctx.now if archived else None
    await ctx.session.flush()
    await ctx.audit("project.archived" if archived else "project.unarchived", f"project:{project.key}",
                    project_id=project.id, before={"archived_at": before.isoformat() if before else None},
                    after={"archived_at": ctx.now.isoformat() if archived else None})
    return True


async def unbind_chat(ctx: Ctx, project: Project, platform: str, chat_id: str) -> None:
    await permissions.require_manage(ctx, project, what="what.bind")
    chat = await projects.chat(ctx.session, platform, chat_id, create=False)
    if chat is None or chat.project_id != project.id:
        raise UserError("admin.chat_not_bound", chat=f"{platform}:{chat_id}", key=project.key)
    chat.project_id = None
    await ctx.session.flush()
    await ctx.audit("chat.unbound", f"chat:{platform}:{chat_id}", project_id=project.id,
                    before={"project": project.key})


async def bind_chat(ctx: Ctx, project: Project, platform: str, chat_id: str) -> None:
    await permissions.require_manage(ctx, project, what="what.bind")
    chat = await projects.chat(ctx.session, platform, chat_id)
    assert chat is not None
    old = chat.project_id
    chat.project_id = project.id
    await ctx.session.flush()
    await ctx.audit("chat.bound", f"chat:{platform}:{chat_id}", project_id=project.id,
                    before={"project_id": old} if old else None, after={"project": project.key})


async def set_project_option(ctx: Ctx, project: Project, field: str, value: str) -> None:
    await permissions.require_manage(ctx, project, what="what.settings")
    value = check_timezone(value) if field == "timezone" else check_locale(value)
    old = getattr(project, field)
    setattr(project, field, value)
    await ctx.session.flush()
    await ctx.audit("project.updated", f"project:{project.key}", project_id=project.id,
                    before={field: old}, after={field: value})


async def set_policy(ctx: Ctx, project: Project, spec: str) -> dict[str, object]:
    """Change the project's approval policy (the PMO's call)."""
    await permissions.require_view(ctx, project)
    permissions.require_pmo(ctx)
    before = approvals.effective(project)
    after = approvals.parse_spec(spec, before)
    project.approval_policy = after
    await ctx.session.flush()
    await ctx.audit("project.policy_set", f"project:{project.key}", project_id=project.id, before=before, after=after)
    return after


async def set_budget(ctx: Ctx, project: Project, amount: Decimal) -> None:
    permissions.require_pmo(ctx)
    if amount < 0:
        raise UserError("policy.bad", part=str(amount))
    before = float(project.budget) if project.budget is not None else None
    project.budget = amount
    await ctx.session.flush()
    await ctx.audit("project.updated", f"project:{project.key}", project_id=project.id, before={"budget": before},
                    after={"budget": float(amount)})


async def add_milestone(ctx: Ctx, project: Project, name: str, due: dt.date) -> Milestone:
    await permissions.require_manage(ctx, project, what="what.settings")
    milestone = Milestone(project_id=project.id, name=lookup.cut(ctx, name, 200), due_date=due, status="open",
                          created_at=ctx.now)
    ctx.session.add(milestone)
    await ctx.session.flush()
    await ctx.audit("milestone.created", f"milestone:{project.key}/{milestone.name}", project_id=project.id,
                    after={"name": milestone.name, "due": due.isoformat()})
    return milestone


async def plan_task(ctx: Ctx, task_key: str, *, milestone: str | None = None, depends_on: str | None = None) -> str:
    """Put a task under a milestone, or make it wait on another task (same project)."""
    task, project = await lookup.task(ctx, task_key)
    await permissions.require_manage(ctx, project, what="what.settings")
    key = lookup.task_key(project, task)
    if milestone is not None:
        found = await lookup.milestone(ctx, project, milestone)
        task.milestone_id = found.id
        await ctx.audit("task.updated", f"task:{key}", project_id=project.id, after={"milestone": found.name})
        return f"{key} is in milestone {found.name}"
    if depends_on is not None:
        other, other_project = await lookup.task(ctx, depends_on)
        if other_project.id != project.id or other.id == task.id:
            raise UserError("task.bad_dependency", key=key, other=depends_on.upper())
        if task.id in {t.id for t in await changes.dependents(ctx.session, task.id)} or \
                other.id in {t.id for t in await changes.dependents(ctx.session, task.id)}:
            raise UserError("task.bad_dependency", key=key, other=depends_on.upper())
        await changes.add_dependency(ctx.session, task.id, other.id)
        other_key = lookup.task_key(project, other)
        await ctx.audit("task.updated", f"task:{key}", project_id=project.id, after={"depends_on": other_key})
        return f"{key} waits on {other_key}"
    raise UserError("admin.unknown")


async def admin(intent: Admin, ctx: Ctx) -> list[Reply]:
    """Project administration by chat."""
    action = intent.action
    if action in ("show_policy", "set_policy"):
        project = await lookup.project(ctx, intent.project)
        await permissions.require_view(ctx, project)
        if action == "set_policy":
            await set_policy(ctx, project, intent.value or "")
            return [ctx.reply(ctx.t("policy.set", key=project.key) + "\n" + approvals.describe(
                ctx, approvals.effective(project)))]
        return [ctx.reply(f"{project.key} " + approvals.describe(ctx, approvals.effective(project)))]
    if action == "list_projects":
        return await list_projects(ctx)
    if action in ("list_members", "remove_member"):
        project = await lookup.project(ctx, intent.project)
        if action == "list_members":
            return await list_members(ctx, project)
        if not intent.user:
            raise UserError("admin.need_user")
        return await _remove_member_reply(ctx, project, await lookup.person(ctx, intent.user))
    if action == "create_project":
        if not intent.project:
            raise UserError("admin.need_key")
        name, pm_ref = _named_pm(intent.name)
        pm = await lookup.person(ctx, pm_ref, create=True) if pm_ref else None
        project = await create_project(ctx, intent.project, name, pm=pm)
        if ctx.chat is not None and ctx.chat.project_id is None:
            await bind_chat(ctx, project, ctx.platform, ctx.chat.external_id)
        text = ctx.t("admin.created", key=project.key, name=project.name)
        if ctx.is_pmo:  # the first person is the PMO (README); say so, and that it is not the PM
            text += ctx.t("admin.you_are_pmo")
        if pm is None:
            text += "\n" + ctx.t("admin.ask_pm", key=project.key)
        else:
            text += "\n" + ctx.t("admin.pm_named", key=project.key, name=pm.display_name)
        return [ctx.reply(text)]
    if action in ("set_timezone", "set_locale") and (intent.name == "me" or (not intent.project and ctx.chat is None
                                                                              and not await _has_projects(ctx))):
        return await _set_mine(ctx, "timezone" if action == "set_timezone" else "locale", intent.value or "")
    project = await lookup.project(ctx, intent.project)
    if action == "bind_chat":
        if ctx.chat is None:
            raise UserError("admin.bind_dm")
        await bind_chat(ctx, project, ctx.platform, ctx.chat.external_id)
        return [ctx.reply(ctx.t("admin.bound", key=project.key))]
    if action == "add_member":
        if not intent.user:
            raise UserError("admin.need_user")
        who = await lookup.person(ctx, intent.user, create=True)
        role = (intent.role or "member").lower()
        old = await add_member(ctx, project, who, role)
        key = "admin.member_added" if old is None else "admin.member_changed"
        return [ctx.reply(ctx.t(key, name=who.display_name, key=project.key, role=ctx.t("role." + role)))]
    if action in ("set_timezone", "set_locale"):
        field = "timezone" if action == "set_timezone" else "locale"
        await set_project_option(ctx, project, field, intent.value or "")
        shown = _shown(ctx, field, getattr(project, field))
        return [ctx.reply(ctx.t("admin.set", key=project.key, field=ctx.t("f." + field), value=shown))]
    raise UserError("admin.unknown")


async def list_projects(ctx: Ctx) -> list[Reply]:
    """The projects the actor sees (all of them for the PMO), with the actor's role."""
    if ctx.is_pmo:
        mine = dict((p.id, r) for p, r in await projects.memberships(ctx.session, ctx.actor.id)) if ctx.actor else {}
        rows = [(p, mine.get(p.id, "pmo")) for p in (await ctx.session.scalars(select(Project).order_by(Project.key)))]
    else:
        assert ctx.actor is not None
        rows = await projects.memberships(ctx.session, ctx.actor.id)
    if not rows:
        return [ctx.reply(ctx.t("mem.projects_none"))]
    lines = [f"• {p.key} {p.name} ({ctx.t('role.' + r)})" for p, r in rows]
    return [ctx.reply(ctx.t("mem.projects", n=len(rows)) + "\n" + "\n".join(lines))]


async def list_members(ctx: Ctx, project: Project) -> list[Reply]:
    """Who is on the project, with roles; anyone on it may look."""
    await permissions.require_view(ctx, project)
    rows = await projects.members(ctx.session, project.id)
    lines = [f"• {m.display_name} ({ctx.t('role.' + r)})" for m, r in rows]
    return [ctx.reply(ctx.t("mem.list", key=project.key, n=len(rows)) + "\n" + ("\n".join(lines) or "-"))]


async def _remove_member_reply(ctx: Ctx, project: Project, who: Person) -> list[Reply]:
    role = await remove_member(ctx, project, who)
    return [ctx.reply(ctx.t("mem.removed", name=who.display_name, key=project.key, role=ctx.t("role." + role)))]


# "新建项目 OA 办公系统 PM @pat", "create project OA Office, pm @pat", "项目经理是 @pat": the PM named after a cue.
_PM = re.compile(r"[,，;；\s]*(?:\bPM\b|项目经理|负责人)\s*(?:是|为|:|：|is\b)?\s*(@\S+|<@[^>]+>)", re.IGNORECASE)


def _named_pm(name: str | None) -> tuple[str | None, str | None]:
    """The project name without the PM cue, and the PM's mention (None when none was named)."""
    found = _PM.search(name or "")
    if found is None:
        return name, None
    rest = ((name or "")[:found.start()] + (name or "")[found.end():]).strip(" ,，;；")
    return rest or None, found.group(1).removeprefix("<").removesuffix(">").lstrip("@")


async def _has_projects(ctx: Ctx) -> bool:
    return bool(ctx.actor and await projects.memberships(ctx.session, ctx.actor.id))


async def _set_mine(ctx: Ctx, field: str, value: str) -> list[Reply]:
    if ctx.actor is None:
        raise UserError("q.no_user")
    value = check_timezone(value) if field == "timezone" else check_locale(value)
    old = getattr(ctx.actor, field)
    setattr(ctx.actor, field, value)
    await ctx.session.flush()
    await ctx.audit("person.updated", f"person:{ctx.actor_ref}", before={field: old}, after={field: value})
    if field == "locale":
        ctx.locale = value
    return [ctx.reply(ctx.t("admin.set_mine", field=ctx.t("f." + field), value=_shown(ctx, field, value)))]


def _shown(ctx: Ctx, field: str, value: str) -> str:
    """A language by its name (中文 / English), a timezone as its IANA name."""
    return ctx.t(f"lang.{value}") if field == "locale" else value


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("projects")
router.on_intent(Admin, admin)
