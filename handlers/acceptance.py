"""Acceptance (验收): a vendor submits a stage with its deliverables; signers pass it or fail it with issues.

Stages are 初验 (initial) and 终验 (final); passing 初验 starts the trial run (试运行), and 终验 can be submitted
only once it has ended. Each submission is a round, and every round is kept. The signers follow the project's
acceptance policy (bot/domain/acceptance.py; default sponsor → supervisor, when the project has one → PMO). The
guarantees are the change requests' (handlers/changes.py): only the current step's signers decide, the submitter
never signs, a step moves from pending once (a compare-and-set UPDATE under the acceptance's row lock), every
card of a round carries one tag so a decision redraws all of them in place, and every step is an audit row.

A fail needs the issues (整改项). The fail button cannot carry them, so the bot asks and the signer's next
message in that conversation is the list (`follow_up`, like a change request's questions).

A passed 初验's card offers "submit 终验", a failed round's card "resubmit": both open the submission form
(`forms.ACCEPTANCE_SUBMIT`: the deliverables, a note) where the platform has forms; its submission
(`submit_form`) submits the stage exactly as the typed message does. Where no form opens (the console), the
click answers with the message to send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.core import forms
from bot.core.buttons import AcceptanceButton
from bot.core.context import Ctx
from bot.core.errors import UserError
from bot.core.events import Attachment
from bot.core.replies import Button, Card, Field, Reply
from bot.core.router import Router
from bot.domain import contracts as terms
from bot.domain import notify, payables
from bot.domain.acceptance import policy
from bot.nlu.contracts import deliverables as read_deliverables
from bot.nlu.contracts import items
from bot.nlu.intents import AcceptanceAction, AcceptanceStage, AnyIntent, SubmitAcceptance
from handlers import contracts, lookup, permissions
from handlers.cards import names
from storage import changes
from storage import contracts as store
from storage.models import (
    Acceptance,
    AcceptanceRound,
    AcceptanceSignoff,
    Contract,
    Project,
    Vendor,
)

ASK_WINDOW = dt.timedelta(minutes=30)  # how long the bot waits for a fail's issues


async def set_policy(ctx: Ctx, project: Project, *, signers: str | None = None, trial_months: int | None = None,
                     sla_hours: int | None = None, supervisor_changes: str | None = None) -> dict[str, Any]:
    """Change the project's acceptance policy (the PMO's call); audited like the approval policy."""
    permissions.require_pmo(ctx)
    before = policy(project)
    after = dict(before)
    if signers is not None:
        roles = [r.strip().lower() for r in signers.replace("，", ",").split(",") if r.strip()]
        if not roles or any(r not in ("sponsor", "supervisor", "pmo", "pm") for r in roles):
            raise UserError("policy.bad", part=signers[:60])
        after["signers"] = list(dict.fromkeys(roles))
    if trial_months is not None:
        if not 1 <= trial_months <= 24:
            raise UserError("policy.bad", part=str(trial_months))
        after["trial_months"] = trial_months
    if sla_hours is not None:
        if not 1 <= sla_hours <= 24 * 30:
            raise UserError("policy.bad", part=str(sla_hours))
        after["sla_hours"] = sla_hours
    if supervisor_changes is not None:
        after["supervisor_changes"] = supervisor_changes == "on"
    project.approval_policy = {**(project.approval_policy or {}), "acceptance": after}
    await ctx.session.flush()
    await ctx.audit("project.acceptance_policy_set", f"project:{project.key}", project_id=project.id,
                    before=before, after=after)
    return after


MAX_FILES = 20  # files per message taken as deliverables: a list people can still read on a card


def file_items(files: Sequence[Attachment]) -> list[dict[str, str]]:
    """Deliverable items (a round's `deliverables.items`) for files: the name, the platform's reference, the link
    (handlers/deliverables.py adds files sent on their own)."""
    return [{"text": f.name[:200], "file": f.ref[:300], **({"url": f.url[:500]} if f.url else {})}
            for f in files[:MAX_FILES]]


def ys(acc: Acceptance) -> str:
    return f"YS-{acc.id}"


def round_tag(acc: Acceptance, n: int) -> str:
    return f"ys:{acc.id}:{n}:card"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# ---- submitting --------------------------------------------------------------------------------------------

async def _their_contract(ctx: Ctx, project: Project | None, ref: str | None) -> tuple[Contract, Project]:
    """The contract a vendor member submits: named, or the only one of their organisation on the project."""
    named: Contract | None = None
    if ref:
        named, project = await contracts.contract_named(ctx, ref)
    assert project is not None
    role = await permissions.require_view(ctx, project)
    mine = await store.member_vendor(ctx.session, project.id, ctx.actor_id) if ctx.actor_id else None
    if role != "vendor" or mine is None:
        raise UserError("contract.not_vendor")
    if named is not None:
        if named.vendor_id != mine:
            raise UserError("contract.not_vendor")
        return named, project
    theirs = await store.of_project(ctx.session, project.id, vendor_id=mine)
    if not theirs:
        raise UserError("contract.not_vendor")
    if len(theirs) > 1:
        refs = [terms.ht(c) for c in theirs]
        raise UserError("contract.which", key=project.key, refs=", ".join(refs), first=refs[0])
    return theirs[0], project


async def _may_submit(ctx: Ctx, project: Project, contract: Contract, stage: str) -> terms.Standing:
    """The rules on when a stage may be submitted (typed or from the card's button): 终验 only after 初验
    passed and its trial run ended; a passed stage never again."""
    ref = terms.ht(contract)
    rows = [a for a in await store.acceptances(ctx.session, [project.id]) if a.contract_id == contract.id]
    stand = terms.standing(contract, rows)
    today = ctx.today(project.timezone)
    if stage == "final":
        if "initial" not in stand.passed:
            raise UserError("acc.final_needs_initial", ref=ref)
        if stand.trial_end is not None and stand.trial_end > today:
            raise UserError("acc.final_needs_trial", ref=ref, day=stand.trial_end.isoformat())
    if stage in stand.passed:
        raise UserError("acc.already_passed", ref=ref, stage=ctx.t("stage." + stage))
    return stand


async def _opened(ctx: Ctx, acc_id: int, verb: str) -> tuple[AcceptanceStage, Project, Contract]:
    """The stage a card's "submit 终验" (`final`) or "resubmit" button submits, after the typed message's checks."""
    acc = await ctx.session.get(Acceptance, acc_id)
    project = await ctx.session.get(Project, acc.project_id) if acc is not None else None
    contract = await ctx.session.get(Contract, acc.contract_id) if acc is not None and acc.contract_id else None
    if acc is None or project is None or contract is None or not await contracts.may_read(ctx, project, contract):
        raise UserError("acc.not_found", id=acc_id)
    stage: AcceptanceStage = "final" if verb == "final" or acc.stage == "final" else "initial"
    contract, project = await _their_contract(ctx, project, terms.ht(contract))
    await _may_submit(ctx, project, contract, stage)
    return stage, project, contract


async def start_final(ctx: Ctx, acc_id: int, verb: str = "final") -> list[Reply]:
    """The card's submit button clicked where no form opened (the console): the same checks as the typed
    message, then the message to send with the deliverables (nothing is written by the click)."""
    stage, _, contract = await _opened(ctx, acc_id, verb)
    if stage == "final":
        return [ctx.reply(ctx.t("acc.final_how", ref=terms.ht(contract)))]
    return [ctx.reply(ctx.t("acc.resubmit_how", ref=terms.ht(contract), stage=ctx.t("stage." + stage)))]


async def submit_form(values: dict[str, Any], ctx: Ctx) -> list[Reply]:
    """The submission form (forms.ACCEPTANCE_SUBMIT) opened by a card's "submit 终验" / "resubmit" button:
    `acceptance` and `verb` (the button's), `deliverables` (a list as a message writes it), an optional `note`."""
    raw, verb = str(values.get("acceptance") or ""), str(values.get("verb") or "")
    if not raw.isdigit() or verb not in ("final", "resubmit"):
        raise UserError("action.unknown")
    stage, _, contract = await _opened(ctx, int(raw), verb)
    intent = SubmitAcceptance(stage=stage, contract=terms.ht(contract),
                              deliverables=read_deliverables(str(values.get("deliverables") or "")))
    note = lookup.cut(ctx, str(values.get("note") or "").strip(), 1000) or None
    return await submit(intent, ctx, note=note)


async def submit(intent: SubmitAcceptance, ctx: Ctx, *, note: str | None = None) -> list[Reply]:
    project = None if intent.contract else await lookup.project(ctx, intent.project)
    contract, project = await _their_contract(ctx, project, intent.contract)
    assert ctx.actor is not None
    listed = list(intent.deliverables) + file_items(ctx.files)  # files that came with the message
    if not listed:
        raise UserError("acc.need_deliverables")
    stage, ref = intent.stage, terms.ht(contract)
    stand = await _may_submit(ctx, project, contract, stage)
    acc = stand.pending.get(stage)
    if acc is not None:
        acc = (await store.acceptances(ctx.session, lock_id=acc.id))[0]  # one resubmission at a time
        if acc.status == "pending":
            raise UserError("acc.already_pending", ref=ref, stage=ctx.t("stage." + stage), n=acc.rounds)
        acc.rounds, acc.status = acc.rounds + 1, "pending"
    else:
        acc = Acceptance(project_id=project.id, contract_id=contract.id, stage=stage, status="pending",
                         submitted_by=ctx.actor.id, rounds=1, created_at=ctx.now)
        ctx.session.add(acc)
    if stage == "initial" and intent.trial_end:
        acc.trial_end = dt.date.fromisoformat(intent.trial_end)
    await ctx.session.flush()
    items = [{k: lookup.cut(ctx, v, 500) for k, v in d.items()} for d in listed[:50]]
    rnd = AcceptanceRound(acceptance_id=acc.id, n=acc.rounds, submitted_by=ctx.actor.id, submitted_at=ctx.now,
                          deliverables={"items": items, "trial_months": intent.trial_months,
                                        **({"note": note} if note else {})},
                          status="pending", issues={})
    ctx.session.add(rnd)
    await ctx.session.flush()
    roles = await _chain(ctx, project, acc)
    steps = [AcceptanceSignoff(round_id=rnd.id, seq=i + 1, role=role, status="pending", issues={},
                               started_at=ctx.now if i == 0 else None) for i, role in enumerate(roles)]
    ctx.session.add_all(steps)
    await ctx.session.flush()
    await ctx.audit("acceptance.submitted", f"acceptance:{ys(acc)}", project_id=project.id,
                    after={"contract": ref, "stage": stage, "round": rnd.n, "deliverables": items,
                           "chain": roles, "trial_end": acc.trial_end.isoformat() if acc.trial_end else None,
                           "trial_months": intent.trial_months, **({"note": note} if note else {})})
    first = await signers(ctx, project, acc, roles[0])
    card = await acceptance_card(ctx, acc, rnd, steps, project, contract)
    text = ctx.t("acc.submitted", ref=ref, stage=ctx.t("stage." + stage), n=rnd.n, role=ctx.t("role." + roles[0]),
                 who=", ".join(await names(ctx, first)) or ctx.t("change.nobody"))
    replies = [ctx.reply(text, card=card, tag=round_tag(acc, rnd.n))]
    replies += await notify.direct(ctx, first, _asking(acc, rnd, steps, project, contract), tag=round_tag(acc, rnd.n))
    replies += await notify.project_chats(ctx, project.id, text)
    return replies


async def _chain(ctx: Ctx, project: Project, acc: Acceptance) -> list[str]:
    """The policy's signers with the roles nobody (but the submitter) holds left out; when that leaves nobody,
    the PMO (the portfolio office acts on every project)."""
    roles = []
    for role in policy(project)["signers"]:
        if role in roles or role not in ("sponsor", "supervisor", "pmo", "pm"):
            continue
        if await signers(ctx, project, acc, role):
            roles.append(role)
    return roles or ["pmo"]


async def signers(ctx: Ctx, project: Project, acc: Acceptance, role: str) -> list[int]:
    """Who signs a step: the role's holders on the project, never the submitter or a vendor member."""
    vendors = set(await store.vendor_people(ctx.session, project.id))
    return [p for p in await changes.holders(ctx.session, project.id, role)
            if p != acc.submitted_by and p not in vendors]


def _asking(acc: Acceptance, rnd: AcceptanceRound, steps: list[AcceptanceSignoff], project: Project,
            contract: Contract) -> notify.Render:
    async def render(reader: Ctx) -> tuple[str, Card | None]:
        return (reader.t("acc.your_turn", ref=terms.ht(contract), stage=reader.t("stage." + acc.stage), n=rnd.n),
                await acceptance_card(reader, acc, rnd, steps, project, contract))

    return render


# ---- the card ------------------------------------------------------------------------------------------------

async def acceptance_card(ctx: Ctx, acc: Acceptance, rnd: AcceptanceRound, steps: list[AcceptanceSignoff],
                          project: Project, contract: Contract) -> Card:
    """The sign-off card: what was delivered, who signs (and who did), the issues when it failed."""
    vendor = await ctx.session.get(Vendor, contract.vendor_id)
    submitter = (await names(ctx, [rnd.submitted_by]))[0]
    deciders = dict(zip([s.decided_by for s in steps if s.decided_by],
                        await names(ctx, [s.decided_by for s in steps if s.decided_by]), strict=True))
    tz = ZoneInfo(project.timezone)
    chain = []
    for s in steps:
        mark = {"passed": "✅", "failed": "❌"}.get(s.status, "⏳" if rnd.status == "pending" else "·")
        who = f" {deciders.get(s.decided_by, '')} {s.decided_at.astimezone(tz):%m-%d %H:%M}" \
            if s.decided_by and s.decided_at else ""
        chain.append(f"{ctx.t('role.' + s.role)} {mark}{who}")
    delivered = [("📎 " if d.get("file") else "• ") + d.get("text", "") + (f" {d['url']}" if d.get("url") else "")
                 for d in (rnd.deliverables or {}).get("items", [])]
    fields = [Field(ctx.t("f.contract"), f"{terms.ht(contract)} {contract.title}".strip()),
              Field(ctx.t("f.vendor"), vendor.name if vendor else "-"),
              Field(ctx.t("f.round"), str(rnd.n)),
              Field(ctx.t("f.submitter"), submitter),
              Field(ctx.t("f.deliverables"), "\n".join(delivered) or "-"),
              *((Field(ctx.t("f.submit_note"), str(rnd.deliverables["note"])),) if (rnd.deliverables or {}).get("note") else ()),
              Field(ctx.t("f.signers"), " → ".join(chain) or "-"),
              Field(ctx.t("f.status"), ctx.t("acc_status." + rnd.status))]
    issues = (rnd.issues or {}).get("items") or []
    if issues:
        fields.append(Field(ctx.t("f.issues"), "\n".join(f"{i + 1}. {x}" for i, x in enumerate(issues))))
    if acc.trial_end is not None and acc.stage == "initial" and rnd.status == "passed":
        fields.append(Field(ctx.t("f.trial_end"), acc.trial_end.isoformat()))
    buttons: tuple[Button, ...] = ()
    if rnd.status == "pending":
        buttons = (AcceptanceButton("pass", acc.id).button(ctx.t("b.pass"), "primary"),
                   AcceptanceButton("fail", acc.id).button(ctx.t("b.fail"), "danger"))
    elif acc.stage == "initial" and rnd.status == "passed":
        buttons = (AcceptanceButton("final", acc.id).button(ctx.t("b.submit_final"), "primary",
                                                            form=forms.ACCEPTANCE_SUBMIT),)
    elif rnd.status == "failed":
        buttons = (AcceptanceButton("resubmit", acc.id).button(ctx.t("b.resubmit"), form=forms.ACCEPTANCE_SUBMIT),)
    return Card(title=f"{ys(acc)} {terms.ht(contract)} {ctx.t('stage.' + acc.stage)}", fields=tuple(fields),
                buttons=buttons)


# ---- deciding ------------------------------------------------------------------------------------------------

async def on_button(action: str, ctx: Ctx) -> list[Reply]:
    """`acc:pass:ID`, `acc:fail:ID` (asks for the issues), `acc:final:ID` (a passed 初验's "submit 终验") and
    `acc:resubmit:ID` (a failed round's), which reach here only where no form opened on the click."""
    clicked = AcceptanceButton.unpack(action)
    if clicked.verb in ("final", "resubmit"):
        return await start_final(ctx, clicked.acceptance, clicked.verb)
    return await decide(ctx, clicked.acceptance, clicked.verb, issues=None, clicked=True)


async def action(intent: AcceptanceAction, ctx: Ctx) -> list[Reply]:
    if intent.acceptance is None:
        raise UserError("acc.not_found", id="?")
    if intent.action == "show":
        return await show(ctx, intent.acceptance)
    return await decide(ctx, intent.acceptance, intent.action, issues=intent.issues, clicked=False)


async def follow_up(_: AnyIntent, ctx: Ctx) -> list[Reply] | None:
    """The issues of a fail the signer clicked: their next message is the list."""
    if ctx.actor is None:
        return None
    step = await store.asking(ctx.session, ctx.actor.id, ctx.now - ASK_WINDOW)
    if step is None:
        return None
    rnd = await ctx.session.get(AcceptanceRound, step.round_id)
    if rnd is None:
        return None
    found = items(ctx.text)
    if not found:
        return [ctx.reply(ctx.t("acc.ask_issues", id=rnd.acceptance_id))]
    return await decide(ctx, rnd.acceptance_id, "fail", issues=found, clicked=False)


async def loaded(ctx: Ctx, acc_id: int, *, lock: bool) -> tuple[Acceptance, Project, Contract, AcceptanceRound,
                                                                   list[AcceptanceSignoff]]:
    found = await store.acceptances(ctx.session, lock_id=acc_id) if lock else \
        [a for a in [await ctx.session.get(Acceptance, acc_id)] if a is not None]
    acc = found[0] if found else None
    project = await ctx.session.get(Project, acc.project_id) if acc is not None else None
    contract = await ctx.session.get(Contract, acc.contract_id) if acc is not None and acc.contract_id else None
    if acc is None or project is None or contract is None or not await contracts.may_read(ctx, project, contract):
        raise UserError("acc.not_found", id=acc_id)
    rnd = (await store.rounds(ctx.session, [acc.id]))[acc.id][-1]
    steps = (await store.signoffs(ctx.session, [rnd.id]))[rnd.id]
    return acc, project, contract, rnd, steps


async def decide(ctx: Ctx, acc_id: int, verdict: str, *, issues: list[str] | None, clicked: bool) -> list[Reply]:
    """One signer's decision on the current round, re-checked under the acceptance's row lock."""
    acc, project, contract, rnd, steps = await loaded(ctx, acc_id, lock=True)
    step = next((s for s in steps if s.status == "pending"), None)
    if acc.status != "pending" or rnd.status != "pending" or step is None:
        decided = next((s for s in reversed(steps) if s.decided_by), None)
        who = (await names(ctx, [decided.decided_by]))[0] if decided and decided.decided_by else "-"
        return [Reply(text=ctx.t("acc.already", id=acc.id, who=who, status=ctx.t("acc_status." + rnd.status)),
                      ephemeral=True)]
    if ctx.actor_id == rnd.submitted_by or ctx.actor_id == acc.submitted_by:
        raise UserError("acc.own")
    if ctx.actor_id not in await signers(ctx, project, acc, step.role) and ctx.actor is not None:
        raise UserError("acc.not_signer", id=acc.id, role=ctx.t("role." + step.role))
    found = [lookup.cut(ctx, x, 300) for x in (issues or [])][:50]
    if verdict == "fail" and not found:
        if not clicked:
            raise UserError("acc.issues_needed", id=acc.id)
        step.asking_by, step.asking_since = ctx.actor_id, ctx.now
        return [Reply(text=ctx.t("acc.ask_issues", id=acc.id), ephemeral=True)]
    status = "passed" if verdict == "pass" else "failed"
    if not await store.decide_signoff(ctx.session, step.id, status=status, by=ctx.actor_id, at=ctx.now, issues=found):
        return [Reply(text=ctx.t("acc.already", id=acc.id, who="-", status=ctx.t("acc_status.pending")),
                      ephemeral=True)]
    await ctx.session.refresh(step)
    ref, entity = terms.ht(contract), f"acceptance:{ys(acc)}"
    await ctx.audit(f"acceptance.{status}", entity, project_id=project.id,
                    before={"status": "pending", "step": step.role, "round": rnd.n},
                    after={"status": status, "step": step.role, "round": rnd.n, "issues": found or None})
    who = ctx.actor.display_name if ctx.actor else "PMO"
    nxt = next((s for s in steps if s.status == "pending"), None)
    replies: list[Reply] = []
    extra: list[str] = []
    nxt_people: list[int] = []
    if status == "failed":
        rnd.status, rnd.issues, rnd.decided_at = "failed", {"items": found}, ctx.now
        acc.status, acc.decided_at = "failed", ctx.now
    elif nxt is not None:
        nxt.started_at = ctx.now
        nxt_people = await signers(ctx, project, acc, nxt.role)
    else:
        rnd.status, rnd.decided_at = "passed", ctx.now
        acc.status, acc.decided_at = "passed", ctx.now
        if acc.stage == "initial":
            if acc.trial_end is None:
                months = (rnd.deliverables or {}).get("trial_months") or policy(project)["trial_months"]
                acc.trial_end = add_months(ctx.today(project.timezone), int(months))
            extra.append(ctx.t("acc.trial_started", day=acc.trial_end.isoformat()))
            await ctx.audit("acceptance.trial_started", entity, project_id=project.id,
                            after={"trial_end": acc.trial_end.isoformat()})
    await ctx.session.flush()

    def outcome(reader: Ctx) -> str:
        stage = reader.t("stage." + acc.stage)
        if acc.status == "failed":
            return reader.t("acc.failed", ref=ref, stage=stage, id=acc.id, n=rnd.n, who=who,
                            issues="\n".join(f"{i + 1}. {x}" for i, x in enumerate(found)))
        if nxt is not None:
            return reader.t("acc.step_passed", who=who, id=acc.id, role=reader.t("role." + nxt.role),
                            next=", ".join(nxt_names) or reader.t("change.nobody"))
        return "\n".join([reader.t("acc.passed", ref=ref, stage=stage, id=acc.id, n=rnd.n), *extra])

    nxt_names = await names(ctx, nxt_people)
    note = outcome(ctx)
    card = await acceptance_card(ctx, acc, rnd, steps, project, contract)
    replies.append(Reply(text=note, card=card, update_tagged=round_tag(acc, rnd.n)))
    if not clicked:
        replies.append(ctx.reply(note))
    if nxt is not None and acc.status == "pending":
        replies += await notify.direct(ctx, nxt_people, _asking(acc, rnd, steps, project, contract),
                                       tag=round_tag(acc, rnd.n))
    if acc.status != "pending":
        vendor_people = await store.vendor_members(ctx.session, project.id, contract.vendor_id)

        async def tell(reader: Ctx) -> tuple[str, Card | None]:
            return outcome(reader), None

        replies += await notify.direct(ctx, [p for p in [rnd.submitted_by, *vendor_people] if p != ctx.actor_id],
                                       tell)
    replies += await notify.project_chats(ctx, project.id, note)
    if acc.status == "passed":
        replies += await payables.released(ctx, acc, project, contract)
    return replies


# ---- looking -------------------------------------------------------------------------------------------------

async def show(ctx: Ctx, acc_id: int) -> list[Reply]:
    acc, project, contract, rnd, steps = await loaded(ctx, acc_id, lock=False)
    card = await acceptance_card(ctx, acc, rnd, steps, project, contract)
    all_rounds = (await store.rounds(ctx.session, [acc.id]))[acc.id]
    lines = [f"{ys(acc)} {terms.ht(contract)} {ctx.t('stage.' + acc.stage)} — {ctx.t('acc_status.' + acc.status)}"]
    for r in all_rounds:
        issues = (r.issues or {}).get("items") or []
        lines.append(f"• {ctx.t('f.round')} {r.n}: {ctx.t('acc_status.' + r.status)}"
                     + (f" — {'; '.join(issues)}" if issues else ""))
    return [ctx.reply("\n".join(lines), card=card)]


async def list_lines(ctx: Ctx, key: str | None) -> list[str]:
    project = await lookup.project(ctx, key)
    visible = {c.id: c for c in await contracts.visible_contracts(ctx, project)}
    rows = [a for a in await store.acceptances(ctx.session, [project.id]) if a.contract_id in visible]
    if not rows:
        return [ctx.t("acc.none", key=project.key)]
    lines = [ctx.t("acc.list_title", key=project.key, n=len(rows))]
    for a in rows:
        assert a.contract_id is not None
        lines.append(ctx.t("acc.list_line", id=a.id, ref=terms.ht(visible[a.contract_id]),
                           stage=ctx.t("stage." + a.stage), status=ctx.t("acc_status." + a.status), n=a.rounds))
    return lines


__all__ = ["action", "decide", "follow_up", "list_lines", "on_button", "submit"]


# ---- routes ------------------------------------------------------------------------------------------------

router = Router("acceptance")
router.on_intent(SubmitAcceptance, submit)
router.on_intent(AcceptanceAction, action)
router.on_action("acc", on_button)
router.on_form("acceptance_submit", submit_form)
router.on_answer(follow_up)
