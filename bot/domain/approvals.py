"""The approval policy: which roles decide a change request, in order; the one home of that rule.

Default (documented in the README): a schedule slip of up to 3 working days needs the PM only; longer slips,
scope and resource changes go to the PM, then the sponsor; budget changes and anything that breaches a milestone
go on to the PMO too. A step whose deciders are the same people as an earlier step's is merged into that one
(`merged`), with a note on the card. A project's PMO can change it by chat ("CRM 审批策略 PM 5天; PMO 预算 里程碑") or CLI.
"""

from __future__ import annotations

import re
from typing import Any

from bot.core.context import Ctx
from bot.core.errors import UserError
from storage import changes
from storage.models import ChangeRequest, Project

TRIGGERS = ("long_slip", "scope", "resource", "budget", "breach")
DEFAULT_POLICY: dict[str, Any] = {
    "pm_max_days": 3,  # slips up to this many working days: the PM alone
    "sponsor_for": list(TRIGGERS),  # then the sponsor, when any of these holds
    "pmo_for": ["budget", "breach"],  # then the PMO, when any of these holds
    "sla_hours": 24,  # a step pending longer than this is a risk (scheduled risk scan)
}

_TRIGGER_WORDS = {
    "long_slip": "long_slip", "slip": "long_slip", "slips": "long_slip", "schedule": "long_slip", "delay": "long_slip",
    "延期": "long_slip", "长延期": "long_slip", "进度": "long_slip",
    "scope": "scope", "范围": "scope", "需求": "scope",
    "resource": "resource", "resources": "resource", "people": "resource", "资源": "resource", "人员": "resource",
    "人力": "resource",
    "budget": "budget", "预算": "budget", "费用": "budget", "cost": "budget",
    "breach": "breach", "milestone": "breach", "milestones": "breach", "里程碑": "breach",
}
_NONE_WORDS = {"none", "nothing", "无", "不需要", "不用"}
_ROLE_WORDS = {"pm": "pm", "项目经理": "pm", "sponsor": "sponsor", "发起人": "sponsor", "业务负责人": "sponsor",
               "甲方负责人": "sponsor", "pmo": "pmo", "sla": "sla", "时限": "sla", "超时": "sla",
               "default": "default", "默认": "default", "reset": "default", "恢复默认": "default"}
_CLAUSES = re.compile(r"[;；\n。]+")
_WORDS = re.compile(r"[A-Za-z_]+|\d+(?:\.\d+)?|[\u4e00-\u9fff]+")


def effective(project: Project) -> dict[str, Any]:
    """The project's policy, with the default filling whatever it does not set."""
    return {**DEFAULT_POLICY, **(project.approval_policy or {})}


def parse_spec(spec: str, current: dict[str, Any]) -> dict[str, Any]:
    """Read "pm 5; sponsor scope resource; pmo budget breach; sla 48" (or the Chinese words) onto `current`."""
    policy = dict(current)
    clauses = [c.strip() for c in _CLAUSES.split(spec) if c.strip()]
    if not clauses:
        raise UserError("policy.bad", part=spec[:60] or "-")
    for clause in clauses:
        words = _split(clause)
        head = _ROLE_WORDS.get(words[0].lower()) if words else None
        rest = words[1:]
        if head == "default":
            policy = dict(DEFAULT_POLICY)
        elif head in ("pm", "sla"):
            number = next((w for w in rest if re.fullmatch(r"\d+(?:\.\d+)?", w)), None)
            if number is None or not 0 <= float(number) <= (60 if head == "pm" else 24 * 30):
                raise UserError("policy.bad", part=clause[:60])
            policy["pm_max_days" if head == "pm" else "sla_hours"] = int(float(number))
        elif head in ("sponsor", "pmo"):
            chosen = _triggers(rest, clause)
            policy[f"{head}_for"] = [t for t in TRIGGERS if t in chosen]
        else:
            raise UserError("policy.bad", part=clause[:60])
    return policy


def _split(clause: str) -> list[str]:
    """Words of a clause; Chinese runs are split on the words we know ("PMO预算里程碑")."""
    out: list[str] = []
    for word in _WORDS.findall(clause):
        if word.isascii():
            out.append(word)
            continue
        rest = word
        while rest:
            known = next((k for k in sorted({*_TRIGGER_WORDS, *_ROLE_WORDS, *_NONE_WORDS}, key=len, reverse=True)
                          if rest.startswith(k)), None)
            if known is None:
                rest = rest[1:]  # filler such as 天, 个工作日, 小时
                continue
            out.append(known)
            rest = rest[len(known):]
    return out


def _triggers(words: list[str], clause: str) -> set[str]:
    if any(w.lower() in _NONE_WORDS for w in words):
        return set()
    chosen = {_TRIGGER_WORDS[w.lower()] for w in words if w.lower() in _TRIGGER_WORDS}
    if not chosen:
        raise UserError("policy.bad", part=clause[:60])
    return chosen


def describe(ctx: Ctx, policy: dict[str, Any]) -> str:
    def names(items: list[str]) -> str:
        return "、".join(ctx.t("trigger." + t) for t in items) if ctx.locale == "zh" else \
            ", ".join(ctx.t("trigger." + t) for t in items)

    return ctx.t("policy.shown", days=policy["pm_max_days"], sponsor=names(policy["sponsor_for"]) or "-",
                 pmo=names(policy["pmo_for"]) or "-", sla=policy["sla_hours"])


def triggers(change_type: str, impact: dict[str, Any], policy: dict[str, Any]) -> set[str]:
    """What about this request calls for more than the PM."""
    found: set[str] = set()
    slip = impact.get("slip_days")
    if slip is not None and slip > policy["pm_max_days"]:
        found.add("long_slip")
    if change_type in ("scope", "resource", "budget"):
        found.add(change_type)
    if impact.get("budget_delta"):
        found.add("budget")
    if impact.get("people"):
        found.add("resource")
    if impact.get("breach"):
        found.add("breach")
    return found


def chain(change_type: str, impact: dict[str, Any], policy: dict[str, Any]) -> list[str]:
    """The roles that decide, in order: always the PM; the sponsor and the PMO when the policy says so."""
    found = triggers(change_type, impact, policy)
    roles = ["pm"]
    if found & set(policy["sponsor_for"]):
        roles.append("sponsor")
    if found & set(policy["pmo_for"]):
        roles.append("pmo")
    return roles


async def merged(ctx: Ctx, change: ChangeRequest, roles: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """The chain as asked: a step whose deciders are exactly an earlier step's is merged into it, so nobody is
    asked twice (one person holding PM and PMO, or no sponsor named and the step falling to the PMO who already
    decides). Each merged or fallen-back step leaves a note for the card:
    `{"role": "sponsor", "why": "none"}` (nobody named; the PMO decides), `{"role": "pmo", "why": "same", "by": "pm"}`,
    or `{"role": "pmo", "why": "again", "by": "pm"}` (the same person, asked again after the supervisor's step)."""
    kept: list[tuple[str, frozenset[int]]] = []
    notes: list[dict[str, str]] = []
    for role in roles:
        named = [p for p in await changes.holders(ctx.session, change.project_id, role) if p != change.requester_id]
        deciders = frozenset(await approvers(ctx, change, role))
        at = next((i for i, (_, who) in enumerate(kept) if who == deciders), None)
        # Merging moves a decision earlier. Not past the supervisor's review: the step is there so that the later
        # roles decide knowing the supervisor's view, so that person is asked again after it (issue 15.7).
        again = at is not None and any(r == "supervisor" for r, _ in kept[at + 1:])
        into = kept[at][0] if at is not None else None
        if not named and role != "pmo":
            notes.append({"role": role, "why": "none"})
        elif into is not None:
            notes.append({"role": role, "why": "again" if again else "same", "by": into})
        if into is None or again:
            kept.append((role, deciders))
    return [r for r, _ in kept], notes


async def approvers(ctx: Ctx, change: ChangeRequest, role: str) -> list[int]:
    """Who decides a step: the holders of its role on the project, never the requester. When nobody else
    holds the role (no sponsor named yet), the step falls to the PMO."""
    found = [p for p in await changes.holders(ctx.session, change.project_id, role) if p != change.requester_id]
    if not found and role != "pmo":
        found = [p for p in await changes.holders(ctx.session, change.project_id, "pmo") if p != change.requester_id]
    return found
