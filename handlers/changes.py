"""Change requests: ask (message, task-card button, form), assess, route to approvers, decide, apply, list.

A request starts as a draft while the bot still needs something (a new date, an amount, a reason) and asks for
it in the conversation; the requester's next message there answers. Once complete it is assessed
(handlers/impact.py), its approval chain is set by the project's policy (bot/domain/approvals.py) and the first
step's approvers get a card by direct message; the project chat gets one line, and later lines go in its thread.
Every card of a request is tagged, so a decision updates all of them in place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import forms
from bot.core.buttons import ChangeDecision, ChangeNew, ChangeSlip, unpack_any
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.i18n import LOCALES
from bot.core.replies import Card, Reply
from bot.core.router import Router
from bot.core.workdays import WorkCalendar, load_calendar
from bot.domain import approvals, notify
from bot.nlu import approval as figures
from bot.nlu.intents import AnyIntent, ChangeAction, RequestChange, Unknown
from handlers import lookup, permissions, supervision
from handlers.cards import change_card, change_lines
from handlers.impact import Ask, as_decimal, assess, dependents_moved
from storage import changes, people, projects
from storage.models import CHANGE_TYPES, ApprovalStep, ChangeRequest, Milestone, Project, Task

DRAFT_WINDOW = dt.timedelta(minutes=30)  # an unanswered question expires; the draft is then dropped
REASON_WINDOW = dt.timedelta(minutes=10)  # after a Reject click, how long the clicker's next message is the reason
QUICK_SLIPS = (1, 3, 5)  # working days offered as buttons


def card_tag(change_id: int, locale: str, *, budget: bool = True) -> str:
    """The tag of every copy of a request's card drawn in `locale`: a decision redraws each copy in its
    reader's language (issue 16.10), and a vendor requester's copy without the budget (issue 15.1)."""
    return f"cr:{change_id}:card:{locale}" + ("" if budget else ":vendor")


def _card_tags(change_id: int, *, budget: bool = True) -> Callable[[str], str]:
    return lambda locale: card_tag(change_id, locale, budget=budget)


async def _card_updates(ctx: Ctx, change: ChangeRequest, project: Project, target: str, steps: list[ApprovalStep],
                        note: Callable[[Ctx], str]) -> list[Reply]:
    """Every copy of the request's card redrawn in place, each in the language it was sent in (copies tagged
    before languages were kept, `cr:N:card`, in the actor's)."""
    replies = []
    vendor_copy = not await permissions.budget_shown(ctx, project, change.requester_id)
    for locale in LOCALES:
        reader = dataclasses.replace(ctx, locale=locale, notices=[])
        card = await change_card(reader, change, project, target=target, steps=steps)
        replies.append(Reply(text=note(reader), card=card, update_tagged=card_tag(change.id, locale),
                             extra={"locale": locale}))
        if vendor_copy:  # the vendor requester's own copy, without the budget
            card = await change_card(reader, change, project, target=target, steps=steps, budget=False)
            replies.append(Reply(text=note(reader), card=card, update_tagged=card_tag(change.id, locale, budget=False),
                                 extra={"locale": locale}))
        if locale == ctx.locale:
            replies.append(Reply(text=note(reader), card=card, update_tagged=f"cr:{change.id}:card",
                                 extra={"locale": locale}))
    return replies


def chat_tag(change_id: int) -> str:
    return f"cr:{change_id}:chat"


# ---- asking ----------------------------------------------------------------------------------------------

async def request_change(intent: RequestChange, ctx: Ctx) -> list[Reply]:
    """Ask for a change by message: assess and route it, or ask for what is missing."""
    task, project = await _target(ctx, intent.task, intent.project)
    await permissions.require_act(ctx, project)
    if ctx.actor is None:
        raise UserError("q.no_user")
    summary = lookup.cut(ctx, _as_written(ctx, intent.summary), 500)
    details: dict[str, Any] = {"new_due": intent.new_due, "extra_hours": intent.extra_hours,
                               "budget": intent.budget, "people": intent.people}
    if task is not None and task.status == "done" and intent.reopen:
        details["reopen"] = True  # asked for in so many words: approval reopens the task (issue 14.4)
    calendar = await load_calendar(ctx.session)
    if details["new_due"] is None:
        details["new_due"] = _delayed(calendar, task, intent.delay)
    change_type = intent.change_type if intent.change_type in CHANGE_TYPES else "scope"
    change = await _draft(ctx, project, task, change_type, summary=summary,
                          reason=lookup.cut(ctx, _as_written(ctx, intent.reason), 1000), details=details)
    return await _submit_or_ask(ctx, change, project, task, calendar)


def _as_written(ctx: Ctx, value: str | None) -> str:
    """`value` (read from the normalised message: ASCII punctuation, one space) as the user wrote it in
    ctx.text, so a reason or comment keeps its "，（）：" (issue 14.5); `value` itself when it is not found."""
    from bot.nlu.normalize import canonical

    if not value or not ctx.text:
        return value or ""
    flat, at = [], []
    for i, ch in enumerate(ctx.text):
        for f in canonical(ch):
            flat.append(f)
            at.append(i)
    words = [re.escape(w) for w in "".join(canonical(c) for c in value).split()]
    found = re.search(r"\s+".join(words), "".join(flat)) if words else None
    if found is None or found.end() == found.start():
        return value
    return ctx.text[at[found.start()]:at[found.end() - 1] + 1]


def _delayed(calendar: WorkCalendar, task: Task | None, delay: tuple[int, str] | None) -> str | None:
    """The task's new due date for "延期3天" / "delay 2 working days", or None."""
    if delay is None or task is None or task.due_date is None:
        return None
    amount, unit = delay
    # "延期两天" / "push 2 days" are working days by the project calendar (a Thursday + 2 is Monday); weeks
    # ("延期两周", counted as 7 days each by the figure reader) stay calendar weeks.
    weeks = unit == "days" and amount % 7 == 0 and amount >= 7
    moved = task.due_date + dt.timedelta(days=amount) if weeks else calendar.add_workdays(task.due_date, amount)
    return moved.isoformat()


async def _draft(ctx: Ctx, project: Project, task: Task | None, change_type: str, *, summary: str, reason: str,
                 details: dict[str, Any]) -> ChangeRequest:
    """A new request by the actor, a draft until it is complete and submitted."""
    assert ctx.actor is not None
    change = ChangeRequest(project_id=project.id, task_id=task.id if task else None, requester_id=ctx.actor.id,
                           change_type=change_type, summary=summary, reason=reason, details=details, impact={},
                           status="draft", created_at=ctx.now)
    ctx.session.add(change)
    await ctx.session.flush()
    return change


async def _loaded(ctx: Ctx, change: ChangeRequest, project: Project) -> tuple[Task | None, str]:
    """The request's task (if it targets one) and the name of its target, as cards and news show it."""
    task = await ctx.session.get(Task, change.task_id) if change.task_id else None
    milestone_id = change.details.get("milestone_id")
    milestone = await ctx.session.get(Milestone, milestone_id) if milestone_id else None
    return task, _target_name(project, task, milestone)


def _slip_buttons(ctx: Ctx, change_id: int) -> Card:
    return Card(title="", buttons=tuple(ChangeSlip(change_id, n).button(ctx.t("b.slip", n=n)) for n in QUICK_SLIPS))


async def _target(ctx: Ctx, task_key: str | None, project_key: str | None) -> tuple[Task | None, Project]:
    if task_key:
        task, project = await lookup.task(ctx, task_key)
        return task, project
    return None, await lookup.project(ctx, project_key)


def _missing(change: ChangeRequest) -> str | None:
    """The first thing the bot must still ask for."""
    d = change.details
    if change.change_type == "schedule" and not d.get("new_due"):
        return "date"
    if change.change_type == "budget" and not d.get("budget"):
        return "budget"
    if change.change_type == "resource" and not d.get("people"):
        return "people"
    if not change.reason:
        return "reason"
    return None


async def _submit_or_ask(ctx: Ctx, change: ChangeRequest, project: Project, task: Task | None,
                         calendar: WorkCalendar) -> list[Reply]:
    missing = _missing(change)
    if missing is not None:
        change.details = {**change.details, "ask": missing}
        slips = missing == "date" and task is not None and task.due_date is not None
        _, target = await _loaded(ctx, change, project)
        question = ctx.t(f"change.ask_{missing}", id=change.id, target=target)
        return [ctx.reply(question, card=_slip_buttons(ctx, change.id) if slips else None)]
    return await _submit(ctx, change, project, task, calendar)


def _not_an_answer(ctx: Ctx, intent: AnyIntent) -> bool:
    """A question or another command (the parser's reading of the message is not `unknown`) is answered as
    itself, never taken as the draft's reason or date ("我的工时呢" while a draft waits for its reason)."""
    from bot.nlu.mood import is_question

    return is_question(ctx.text.strip()) or not isinstance(intent, Unknown)


async def _reason_asked(ctx: Ctx) -> ChangeRequest | None:
    """The request whose Reject button the actor clicked last, if it still waits for their reason."""
    from sqlalchemy import select

    from storage.models import AuditEntry

    row = (await ctx.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == ctx.actor_id, AuditEntry.at >= ctx.now - REASON_WINDOW,
                                 AuditEntry.action.in_(("change.reason_asked", "change.reason_dropped")))
        .order_by(AuditEntry.id.desc()).limit(1))).first()
    if row is None or row.action != "change.reason_asked":
        return None
    change = await changes.get(ctx.session, int(row.entity.split(":", 1)[1]))
    return change if change is not None and change.status == "pending" else None


async def drop_reject(ctx: Ctx) -> list[Reply] | None:
    """"取消" / "cancel" after a Reject click: the request stays pending."""
    change = await _reason_asked(ctx)
    if change is None:
        return None
    await ctx.audit("change.reason_dropped", f"change:{change.id}", project_id=change.project_id)
    return [ctx.reply(ctx.t("change.reject_kept", id=change.id))]


async def follow_up(intent: AnyIntent, ctx: Ctx) -> list[Reply] | None:
    """The answer to a question the bot asked: the reason for a Reject click, or what a draft request lacks."""
    if ctx.actor is None:
        return None
    rejecting = await _reason_asked(ctx)
    if rejecting is not None and ctx.text.strip() and not _not_an_answer(ctx, intent):
        return await decide(ctx, rejecting.id, "reject", reason=ctx.text.strip(), clicked=False)
    change = await changes.open_draft(ctx.session, ctx.actor.id, ctx.now - DRAFT_WINDOW)
    if change is None:
        return None
    text = ctx.text.strip()
    ask = change.details.get("ask")
    if _not_an_answer(ctx, intent):
        return None  # answered as what it is; the draft still waits
    details = dict(change.details)
    project = await ctx.session.get(Project, change.project_id)
    assert project is not None
    task, target = await _loaded(ctx, change, project)
    calendar = await load_calendar(ctx.session)
    if ask == "date":
        from bot.nlu.change import deadline_in

        # The examples the question shows ("12月20日", "Dec 20", "2026-12-21") and slips ("延期3个工作日").
        slip = figures.delay_in(text) or figures.delay_in("延期" + text)
        due = _delayed(calendar, task, slip) if slip else deadline_in(
            text, now=ctx.local_now(project.timezone), tz=project.timezone)
        if due is None:
            return [ctx.reply(ctx.t("change.ask_date", id=change.id, target=target))]
        details["new_due"] = due
    elif ask == "budget":
        money = figures.money_in(text) or figures.money_in(f"预算 {text}")
        if not money:
            return [ctx.reply(ctx.t("change.ask_budget", id=change.id, target=target))]
        details["budget"] = money
    elif ask == "people":
        count = figures.people_in(text) or figures.people_in(f"{text}人")
        if not count:
            return [ctx.reply(ctx.t("change.ask_people", id=change.id, target=target))]
        details["people"] = count
    else:
        change.reason = lookup.cut(ctx, text, 1000)
    change.details = details
    return await _submit_or_ask(ctx, change, project, task, calendar)


async def _submit(ctx: Ctx, change: ChangeRequest, project: Project, task: Task | None,
                  calendar: WorkCalendar) -> list[Reply]:
    """Assess the request, set its approval chain and tell the first approvers, the requester and the chat."""
    details = {k: v for k, v in change.details.items() if k != "ask"}
    milestone = await ctx.session.get(Milestone, details["milestone_id"]) if details.get("milestone_id") else None
    await _check_target(ctx, change, project, task, details)
    impact = await _assessed(ctx, calendar, project, change.change_type, details, task, milestone)
    roles = approvals.chain(change.change_type, impact, approvals.effective(project))
    roles = await supervision.with_supervisor(ctx, project, change.change_type, impact, roles)  # issue 15
    roles, chain_notes = await approvals.merged(ctx, change, roles)  # nobody is asked twice
    if chain_notes:
        details["chain_notes"] = chain_notes
    change.details, change.impact, change.status = details, impact, "pending"
    steps = [ApprovalStep(change_request_id=change.id, seq=i + 1, role=role, status="pending", reason="",
                          started_at=ctx.now if i == 0 else None) for i, role in enumerate(roles)]
    ctx.session.add_all(steps)
    await ctx.session.flush()
    target = _target_name(project, task, milestone)
    entity = f"change:{change.id}"
    await ctx.audit("change.requested", entity, project_id=project.id,
                    after={"type": change.change_type, "target": target, "summary": change.summary,
                           "reason": change.reason, **details})
    await ctx.audit("change.assessed", entity, project_id=project.id, after={"impact": impact, "chain": roles})
    budget = await permissions.budget_shown(ctx, project)
    card = await change_card(ctx, change, project, target=target, steps=steps, budget=budget)
    first = await approvals.approvers(ctx, change, roles[0])
    waiting = await _names_of(ctx, first)
    text = ctx.t("change.submitted", id=change.id, target=target, role=ctx.t("role." + roles[0]),
                 who=waiting or ctx.t("change.nobody"))
    in_project_chat = ctx.chat is not None and ctx.chat.project_id == project.id
    replies = [ctx.reply(text, card=card, tag=card_tag(change.id, ctx.locale, budget=budget))]
    if in_project_chat:  # the request itself starts the chat's thread about it
        replies.append(Reply(text=_line(ctx, change, target), tag=chat_tag(change.id)))
    replies += await notify.direct(ctx, [p for p in first if p != ctx.actor_id],
                                   _asking(change, project, target, steps), tag=_card_tags(change.id))
    replies += await notify.project_chats(ctx, project.id, _line(ctx, change, target), tag=chat_tag(change.id))
    return replies


async def _check_target(ctx: Ctx, change: ChangeRequest, project: Project, task: Task | None,
                        details: dict[str, Any]) -> None:
    """The rules on what a request may target (issue 14.3, 14.4): a done task only when the request reopens it
    in so many words; one pending request per task or milestone at a time, so no request is assessed against a
    plan another pending one is about to change (the second is refused with a pointer to the first)."""
    if task is not None and task.status == "done" and not details.get("reopen"):
        raise UserError("change.task_done", key=lookup.task_key(project, task))
    if task is None and not details.get("milestone_id"):
        return  # project-wide requests (budget, people) add up and are not refused
    for other in await changes.pending(ctx.session, [project.id]):
        same = other.task_id == task.id if task is not None else \
            other.task_id is None and other.details.get("milestone_id") == details.get("milestone_id")
        if other.id != change.id and same:
            raise UserError("change.second", id=other.id, target=(await _loaded(ctx, other, project))[1])


async def _assessed(ctx: Ctx, calendar: WorkCalendar, project: Project, change_type: str, details: dict[str, Any],
                    task: Task | None, milestone: Milestone | None) -> dict[str, Any]:
    ask = Ask(change_type, new_due=_date(details.get("new_due")), extra_hours=details.get("extra_hours"),
              budget=details.get("budget"), people=details.get("people"))
    return await assess(ctx, calendar, project, ask, task=task, milestone=milestone)


async def _reassess(ctx: Ctx, change: ChangeRequest, project: Project, task: Task | None) -> None:
    """At each decision the impact is assessed again on today's plan (a due date or estimate may have moved
    since it was asked); when it differs, the card shows the new one and says it changed, and when."""
    milestone_id = change.details.get("milestone_id")
    milestone = await ctx.session.get(Milestone, milestone_id) if milestone_id else None
    now = await _assessed(ctx, await load_calendar(ctx.session), project, change.change_type, change.details, task,
                          milestone)
    was = {k: v for k, v in (change.impact or {}).items() if k not in ("previous", "reassessed_at")}
    if now != was:
        change.impact = {**now, "previous": was, "reassessed_at": ctx.now.isoformat()}
        await ctx.audit("change.reassessed", f"change:{change.id}", project_id=project.id,
                        before={"impact": was}, after={"impact": now})


def _asking(change: ChangeRequest, project: Project, target: str, steps: list[ApprovalStep]) -> notify.Render:
    """The approver's "please decide" with the card, drawn in each reader's language."""
    async def render(reader: Ctx) -> tuple[str, Card | None]:
        return (reader.t("change.your_turn", id=change.id, target=target),
                await change_card(reader, change, project, target=target, steps=steps))

    return render


def _line(ctx: Ctx, change: ChangeRequest, target: str) -> str:
    requester = ctx.actor.display_name if ctx.actor is not None and ctx.actor.id == change.requester_id else ""
    return ctx.t("change.line", id=change.id, type=ctx.t("ct." + change.change_type), target=target,
                 summary=change.summary or "-", who=requester or "-")


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return dt.date.fromisoformat(str(value)[:10])


def _target_name(project: Project, task: Task | None, milestone: Milestone | None) -> str:
    if task is not None:
        return f"{lookup.task_key(project, task)} {task.title}"
    if milestone is not None:
        return f"{project.key} · {milestone.name}"
    return project.key


async def _names_of(ctx: Ctx, person_ids: list[int]) -> str:
    from handlers.cards import names

    return ", ".join(await names(ctx, person_ids))


# ---- deciding --------------------------------------------------------------------------------------------

async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """Card buttons `cr:approve:ID`, `cr:reject:ID`, `cr:withdraw:ID`, `cr:slip:ID:N`, `cr:new:TASK`."""
    clicked = unpack_any(action, ChangeNew, ChangeSlip, ChangeDecision)
    if isinstance(clicked, ChangeNew):  # where no form opens on the click (Feishu, console): ask in the chat
        return await _offer(ctx, clicked.task)
    if isinstance(clicked, ChangeSlip):
        if clicked.days not in QUICK_SLIPS:
            raise UserError("action.unknown")
        return await _quick_slip(ctx, clicked.change, clicked.days)
    assert isinstance(clicked, ChangeDecision)
    return await decide(ctx, clicked.change, clicked.verb, reason=None, clicked=True)


async def _offer(ctx: Ctx, key: str) -> list[Reply]:
    """The task card's "request change" button: how to ask, with the common slips as buttons."""
    task, project = await lookup.task(ctx, key)
    await permissions.require_act(ctx, project)
    if ctx.actor is None:
        raise UserError("q.no_user")
    change = await _draft(ctx, project, task, "schedule", summary="", reason="",
                          details={"ask": "date", "new_due": None})
    slips = _slip_buttons(ctx, change.id) if task.due_date is not None else None
    return [ctx.reply(ctx.t("change.how", key=lookup.task_key(project, task)), card=slips)]


async def _quick_slip(ctx: Ctx, change_id: int, days: int) -> list[Reply]:
    change = await changes.get(ctx.session, change_id, lock=True)
    if change is None or change.requester_id != ctx.actor_id:
        raise UserError("change.not_found", id=change_id)
    if change.status != "draft":
        return [Reply(text=ctx.t("change.already", id=change.id, status=ctx.t("cr_status." + change.status)),
                      ephemeral=True)]
    project = await ctx.session.get(Project, change.project_id)
    assert project is not None
    task, _ = await _loaded(ctx, change, project)
    if task is None or task.due_date is None:
        raise UserError("change.not_found", id=change_id)
    calendar = await load_calendar(ctx.session)
    new_due = calendar.add_workdays(task.due_date, days)
    change.details = {**change.details, "new_due": new_due.isoformat()}
    change.summary = change.summary or ctx.t("change.slip_summary", n=days, due=new_due.isoformat())
    return await _submit_or_ask(ctx, change, project, task, calendar)


async def change_action(intent: ChangeAction, ctx: Ctx) -> list[Reply]:
    """Approve / reject / withdraw / show a request by message; list a project's or those waiting on me."""
    if intent.action in ("approve", "reject", "withdraw") and intent.change is not None:
        return await decide(ctx, intent.change, intent.action, reason=intent.reason, clicked=False)
    if intent.action == "show" and intent.change is not None:
        return await _show(ctx, intent.change)
    if intent.action == "mine":
        return await _mine(ctx)
    return await _list(ctx, intent.project)


async def request_form(values: dict[str, Any], ctx: Ctx) -> list[Reply]:
    """The change-request form (Slack modal / Feishu card form): target, type, what changes, reason."""
    task, project = await _target(ctx, _text(values.get("task")) or None, _text(values.get("project")) or None)
    await permissions.require_act(ctx, project)
    if ctx.actor is None:
        raise UserError("q.no_user")
    change_type = _text(values.get("change_type")) or "schedule"
    if change_type not in CHANGE_TYPES:
        raise UserError("change.bad_value", field="change_type", value=change_type[:20])
    details: dict[str, Any] = {"new_due": None, "extra_hours": None, "budget": None, "people": None}
    if _text(values.get("new_due")):
        try:
            details["new_due"] = dt.date.fromisoformat(_text(values["new_due"])[:10]).isoformat()
        except ValueError:
            raise UserError("change.bad_value", field="new_due", value=_text(values["new_due"])[:20]) from None
    for name, (kind, limit) in forms.NUMBERS["change_request"].items():  # the bounds the modal checks too
        raw = _text(values.get(name))
        if raw:
            try:
                number = kind(raw)
            except ValueError:
                raise UserError("change.bad_value", field=name, value=raw[:20]) from None
            if not 0 < number <= limit:
                raise UserError("change.bad_value", field=name, value=raw[:20])
            details[name] = number
    milestone_name = _text(values.get("milestone"))
    if milestone_name:
        details["milestone_id"] = (await lookup.milestone(ctx, project, milestone_name)).id
    summary = lookup.cut(ctx, _text(values.get("summary")), 500) or _form_summary(ctx, details)
    change = await _draft(ctx, project, task, change_type, summary=summary,
                          reason=lookup.cut(ctx, _text(values.get("reason")), 1000), details=details)
    return await _submit_or_ask(ctx, change, project, task, await load_calendar(ctx.session))


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _form_summary(ctx: Ctx, details: dict[str, Any]) -> str:
    parts = []
    if details.get("new_due"):
        parts.append(ctx.t("impact.due", old="…", new=details["new_due"]))
    if details.get("extra_hours"):
        parts.append(f"+{details['extra_hours']:g}h")
    if details.get("budget"):
        parts.append(f"+{details['budget']:,.0f}")
    if details.get("people"):
        parts.append(ctx.t("impact.people", n=details["people"]))
    return "; ".join(parts)


async def from_form(values: dict[str, Any], ctx: Ctx) -> list[Reply]:
    """The reject form (forms.CHANGE_REJECT: a Feishu card form, a Slack modal): `change` (the opening button's
    `ChangeDecision.change`) and `reason`."""
    raw = str(values.get("change") or "")
    if not raw.isdigit():
        raise UserError("action.unknown")
    return await decide(ctx, int(raw), "reject", reason=str(values.get("reason") or "").strip() or None, clicked=False)


async def decide(ctx: Ctx, change_id: int, verdict: str, *, reason: str | None, clicked: bool) -> list[Reply]:
    """One decision on a request; everything re-checked against the database under the request's row lock."""
    change = await changes.get(ctx.session, change_id, lock=True)
    project = await ctx.session.get(Project, change.project_id) if change is not None else None
    if change is None or project is None or (change.status == "draft" and change.requester_id != ctx.actor_id):
        raise UserError("change.not_found", id=change_id)
    role = await permissions.require_view(ctx, project)
    if change.status not in ("pending", "draft"):
        steps = await changes.steps(ctx.session, change.id)
        decided = next((s for s in reversed(steps) if s.decided_by), None)
        who = await _names_of(ctx, [decided.decided_by]) if decided and decided.decided_by else "-"
        return [Reply(text=ctx.t("change.already_by", id=change.id, status=ctx.t("cr_status." + change.status),
                                 who=who), ephemeral=True)]
    if verdict == "withdraw":
        return await _withdraw(ctx, change, project)
    if change.status == "draft":
        raise UserError("change.not_found", id=change_id)
    steps = await changes.steps(ctx.session, change.id)
    step = next(s for s in steps if s.status == "pending")
    if ctx.actor_id == change.requester_id:
        raise UserError("change.own")
    if role == "vendor":
        raise UserError("change.vendor")
    if ctx.actor_id not in await approvals.approvers(ctx, change, step.role):
        raise UserError("change.not_approver", id=change.id, role=ctx.t("role." + step.role))
    reason = lookup.cut(ctx, _as_written(ctx, reason), 1000)
    if verdict == "reject" and not reason:
        # The approver's next message is the reason (follow_up), as a draft's is.
        await ctx.audit("change.reason_asked", f"change:{change.id}", project_id=project.id)
        return [Reply(text=ctx.t("change.reject_why", id=change.id), ephemeral=True)]
    await _reassess(ctx, change, project, await ctx.session.get(Task, change.task_id) if change.task_id else None)
    step.status = "approved" if verdict == "approve" else "rejected"
    step.decided_by, step.decided_at, step.reason = ctx.actor_id, ctx.now, reason
    entity = f"change:{change.id}"
    await ctx.audit(f"change.{step.status}", entity, project_id=project.id,
                    before={"status": "pending", "step": step.role},
                    after={"status": step.status, "step": step.role, "reason": reason or None})
    nxt = next((s for s in steps if s.status == "pending"), None)
    task, target = await _loaded(ctx, change, project)
    who = ctx.actor.display_name if ctx.actor else "PMO"
    replies: list[Reply] = []
    nxt_people: list[int] = []
    if verdict == "reject":
        change.status, change.decided_at = "rejected", ctx.now
    elif nxt is not None:
        nxt.started_at = ctx.now
        nxt_people = await approvals.approvers(ctx, change, nxt.role)
    else:
        await _apply(ctx, change, project, task)
        change.status, change.decided_at = "approved", ctx.now
    upcoming = await _names_of(ctx, nxt_people)
    note = _outcome(ctx, change, who, target, reason, nxt, upcoming)
    await ctx.session.flush()
    # One message per person per decision (issue 14.7): whoever holds a copy of the card has it updated in
    # place, with the news as its text; only those who hold none get a new message.
    replies += await _card_updates(ctx, change, project, target, steps,
                                   lambda reader: _outcome(reader, change, who, target, reason, nxt, upcoming))
    if not clicked:
        replies.append(ctx.reply(note))  # a typed decision is answered where it was typed
    if nxt is not None and change.status == "pending":
        replies += await notify.direct(ctx, nxt_people, _asking(change, project, target, steps),
                                       tag=_card_tags(change.id), unless_holding=_card_tags(change.id))
    if change.requester_id != ctx.actor_id and change.status != "pending":
        async def tell(reader: Ctx) -> tuple[str, Card | None]:
            return _outcome(reader, change, who, target, reason, nxt, upcoming), None

        own = _card_tags(change.id, budget=await permissions.budget_shown(ctx, project, change.requester_id))
        replies += await notify.direct(ctx, [change.requester_id], tell, unless_holding=own)
    replies += await notify.project_chats(ctx, project.id, note, in_thread_of=chat_tag(change.id))
    return replies


def _outcome(ctx: Ctx, change: ChangeRequest, who: str, target: str, reason: str, nxt: ApprovalStep | None,
             upcoming: str) -> str:
    """The one-line news of a decision by `who`; `upcoming` names the next step's approvers."""
    if change.status == "rejected":
        return ctx.t("change.rejected", id=change.id, who=who, reason=reason)
    if change.status == "pending" and nxt is not None:
        return ctx.t("change.step_done", id=change.id, who=who, role=ctx.t("role." + nxt.role),
                     next=upcoming or ctx.t("change.nobody"))
    return ctx.t("change.applied", id=change.id, who=who, target=target)


async def _withdraw(ctx: Ctx, change: ChangeRequest, project: Project) -> list[Reply]:
    if change.requester_id != ctx.actor_id:
        raise UserError("change.withdraw_own", id=change.id)
    was = change.status
    change.status, change.decided_at = "withdrawn", ctx.now
    await ctx.audit("change.withdrawn", f"change:{change.id}", project_id=project.id, before={"status": was},
                    after={"status": "withdrawn"})
    note = ctx.t("change.withdrawn", id=change.id)
    if was == "draft":
        return [ctx.reply(note)]
    _, target = await _loaded(ctx, change, project)
    steps = await changes.steps(ctx.session, change.id)
    replies = await _card_updates(ctx, change, project, target, steps,
                                  lambda reader: reader.t("change.withdrawn", id=change.id))
    replies.append(ctx.reply(note))
    return replies + await notify.project_chats(ctx, project.id, note, in_thread_of=chat_tag(change.id))


# ---- applying --------------------------------------------------------------------------------------------

async def plan_snapshot(ctx: Ctx, project: Project) -> dict[str, Any]:
    """The project's plan as a baseline keeps it: due dates and estimates, milestone dates, budget."""
    from sqlalchemy import select

    rows = (await ctx.session.scalars(select(Task).where(Task.project_id == project.id).order_by(Task.seq))).all()
    ms = (await ctx.session.scalars(select(Milestone).where(Milestone.project_id == project.id)
                                    .order_by(Milestone.id))).all()
    total = sum(float(t.estimate_hours or 0) for t in rows)
    return {
        "tasks": {lookup.task_key(project, t): {"due": t.due_date.isoformat() if t.due_date else None,
                                                 "estimate": float(t.estimate_hours) if t.estimate_hours else None}
                  for t in rows},
        "milestones": {m.name: m.due_date.isoformat() if m.due_date else None for m in ms},
        "budget": float(project.budget) if project.budget is not None else None,
        "total_hours": total,
    }


async def _apply(ctx: Ctx, change: ChangeRequest, project: Project, task: Task | None) -> None:
    """Make the approved change, in this transaction; keep the plan before and after as baselines."""
    if await changes.latest_baseline(ctx.session, project.id) is None:
        await changes.add_baseline(ctx.session, project.id, await plan_snapshot(ctx, project), now=ctx.now)
    details = change.details
    calendar = await load_calendar(ctx.session)
    new_due = _date(details.get("new_due"))
    entity = f"change:{change.id}"
    moved: list[dict[str, Any]] = []
    if new_due is not None and task is not None:
        old = task.due_date
        if old is not None:
            for dep, to in await dependents_moved(ctx, calendar, task, calendar.workdays_between(old, new_due)):
                before, dep.due_date, dep.updated_at = dep.due_date, to, ctx.now
                assert before is not None
                key = lookup.task_key(project, dep)
                moved.append({"task": key, "from": before.isoformat(), "to": to.isoformat()})
                await ctx.audit("task.updated", f"task:{key}", project_id=project.id,
                                before={"due": before.isoformat()}, after={"due": to.isoformat()})
        task.due_date, task.updated_at = new_due, ctx.now
        await ctx.audit("task.updated", f"task:{lookup.task_key(project, task)}", project_id=project.id,
                        before={"due": lookup.iso_due(old, task.due_time)},
                        after={"due": lookup.iso_due(new_due, task.due_time)})
    elif new_due is not None and details.get("milestone_id"):
        milestone = await ctx.session.get(Milestone, details["milestone_id"])
        if milestone is not None:
            milestone.due_date = new_due
    if details.get("reopen") and task is not None and task.status == "done":
        task.status, task.updated_at = "in_progress", ctx.now
        await ctx.audit("task.updated", f"task:{lookup.task_key(project, task)}", project_id=project.id,
                        before={"status": "done"}, after={"status": "in_progress"})
    extra = details.get("extra_hours")
    if extra and task is not None:
        task.estimate_hours = (task.estimate_hours or Decimal(0)) + as_decimal(float(extra))
    if details.get("budget"):
        project.budget = (project.budget or Decimal(0)) + as_decimal(float(details["budget"]))
    await ctx.session.flush()
    snapshot = await plan_snapshot(ctx, project)
    if extra and task is None:  # effort granted to the project as a whole
        snapshot["total_hours"] = snapshot["total_hours"] + float(extra)
    baseline = await changes.add_baseline(ctx.session, project.id, snapshot, now=ctx.now, change_id=change.id)
    await ctx.audit("change.applied", entity, project_id=project.id,
                    after={"new_due": details.get("new_due"), "extra_hours": extra, "budget": details.get("budget"),
                           "people": details.get("people"), "moved": moved, "baseline": baseline.version})


# ---- looking ---------------------------------------------------------------------------------------------

async def _show(ctx: Ctx, change_id: int) -> list[Reply]:
    change = await changes.get(ctx.session, change_id)
    project = await ctx.session.get(Project, change.project_id) if change is not None else None
    if change is None or project is None or change.status == "draft":
        raise UserError("change.not_found", id=change_id)
    await permissions.require_view(ctx, project)
    _, target = await _loaded(ctx, change, project)
    steps = await changes.steps(ctx.session, change.id)
    card = await change_card(ctx, change, project, target=target, steps=steps,
                             budget=await permissions.budget_shown(ctx, project))
    trail = await _trail(ctx, change)
    return [ctx.reply("\n".join([ctx.t("change.trail_title", id=change.id), *trail]), card=card)]


async def _trail(ctx: Ctx, change: ChangeRequest) -> list[str]:
    from sqlalchemy import select

    from storage.models import AuditEntry

    rows = (await ctx.session.scalars(select(AuditEntry).where(AuditEntry.entity == f"change:{change.id}")
                                      .order_by(AuditEntry.id))).all()
    known = await people.display_names(ctx.session, [r.actor_id for r in rows if r.actor_id])
    zone = ZoneInfo(ctx.tz)
    lines = []
    for r in rows:
        who = known.get(r.actor_id, "PMO") if r.actor_id else "PMO"  # no actor: the admin CLI, acting as the PMO
        reason = (r.after or {}).get("reason") if r.action != "change.requested" else None
        lines.append(f"• {r.at.astimezone(zone):%m-%d %H:%M} {who} {ctx.t('audit.' + r.action)}"
                     + (f"：{reason}" if reason else ""))
    return lines


async def _list(ctx: Ctx, key: str | None) -> list[Reply]:
    project = await lookup.project(ctx, key)
    await permissions.require_view(ctx, project)
    rows = await changes.of_project(ctx.session, project.id)
    if not rows:
        return [ctx.reply(ctx.t("change.none", key=project.key))]
    steps = await changes.steps_of(ctx.session, [c.id for c in rows])
    lines = [ctx.t("change.list_title", key=project.key, n=len(rows))]
    for change in rows:
        waiting = next((s for s in steps[change.id] if s.status == "pending"), None)
        state = ctx.t("cr_status." + change.status)
        if change.status == "pending" and waiting is not None:
            state = ctx.t("change.waiting_on", role=ctx.t("role." + waiting.role))
        lines.append(f"• CR-{change.id} [{ctx.t('ct.' + change.change_type)}] {change.summary or '-'} — {state}")
    return [ctx.reply("\n".join(lines))]


async def _mine(ctx: Ctx) -> list[Reply]:
    """Requests whose current step the actor may decide."""
    if ctx.actor is None:
        raise UserError("q.no_user")
    mine = await waiting_on(ctx)
    if not mine:
        return [ctx.reply(ctx.t("change.none_mine"))]
    lines = [ctx.t("change.mine_title", n=len(mine))]
    for change, project in mine:
        lines.append(f"• CR-{change.id} {project.key} [{ctx.t('ct.' + change.change_type)}] {change.summary or '-'}")
        lines += [f"    {line}" for line in change_lines(ctx, change, budget=await permissions.budget_shown(ctx, project))]
    buttons = tuple(b for change, _ in mine[:3] for b in (ChangeDecision("approve", change.id).button(
        f"CR-{change.id} " + ctx.t("b.approve"), "primary"),))
    return [ctx.reply("\n".join(lines), card=Card(title="", buttons=buttons))]


async def waiting_on(ctx: Ctx) -> list[tuple[ChangeRequest, Project]]:
    """Pending requests whose current step the actor may decide (the App Home and digests use this too)."""
    if ctx.actor is None:
        return []
    project_ids = None if ctx.actor.is_pmo else [p.id for p, _ in await projects.memberships(ctx.session, ctx.actor.id)]
    found = []
    pending = await changes.pending(ctx.session, project_ids)
    steps = await changes.steps_of(ctx.session, [c.id for c in pending])
    for change in pending:
        step = next((s for s in steps[change.id] if s.status == "pending"), None)
        if step is not None and ctx.actor.id in await approvals.approvers(ctx, change, step.role):
            project = await ctx.session.get(Project, change.project_id)
            if project is not None:
                found.append((change, project))
    return found


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("changes")
router.on_intent(RequestChange, request_change)
router.on_intent(ChangeAction, change_action)
router.on_action("cr", on_button)
router.on_form("change_reject", from_form)
router.on_form("change_request", request_form)
router.on_answer(follow_up)
