"""`pmo-bot admin vendor|contract|payment ...` and `admin member add ... --vendor NAME` (issue 15).

Registered on the admin parser by `register`; runs like the other admin commands (bot/admin.py): as the PMO,
audited as `cli`, English messages, one unit of work.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from bot.config import Config

if TYPE_CHECKING:  # handlers load when a command runs, not when the parser is built
    from bot.core.context import Ctx
    from storage.models import Contract, PaymentMilestone

WHATS = ("vendor", "contract", "payment", "acceptance")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def register(asub: argparse._SubParsersAction[argparse.ArgumentParser],
             with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
             member_add: argparse.ArgumentParser) -> None:
    member_add.add_argument("--vendor", help="the vendor organisation of a vendor member (admin vendor add)")
    vendor = asub.add_parser("vendor", help="vendor organisations (乙方)").add_subparsers(dest="verb", required=True)
    va = with_db(vendor.add_parser("add", help="a vendor organisation"))
    va.add_argument("name", help="the vendor's name, e.g. 某某科技")
    with_db(vendor.add_parser("list", help="every vendor"))
    contract = asub.add_parser("contract", help="contracts with vendors (HT-n)").add_subparsers(dest="verb",
                                                                                                required=True)
    ca = with_db(contract.add_parser("add", help="a contract of a project with a vendor; prints HT-n"))
    ca.add_argument("key", help="the project key")
    ca.add_argument("--vendor", required=True, help="the vendor (admin vendor add)")
    ca.add_argument("--amount", required=True, type=_decimal, help="the contract value, e.g. 1200000")
    ca.add_argument("--currency", default="CNY", help="default CNY")
    ca.add_argument("--signed", type=_day, help="YYYY-MM-DD")
    ca.add_argument("--title", default="", help="what the contract is for")
    cl = with_db(contract.add_parser("list", help="a project's contracts"))
    cl.add_argument("key", help="the project key")
    payment = asub.add_parser("payment", help="payment milestones of a contract").add_subparsers(dest="verb",
                                                                                                 required=True)
    pa = with_db(payment.add_parser("add", help="a payment milestone (percentages up to 100%%)"))
    pa.add_argument("contract", help="HT-n")
    pa.add_argument("--name", required=True, help="e.g. 初验款")
    share = pa.add_mutually_exclusive_group(required=True)
    share.add_argument("--percent", type=_decimal, help="share of the contract value")
    share.add_argument("--amount", type=_decimal, help="a fixed amount")
    pa.add_argument("--after", required=True, help="初验|试运行|终验|signing|YYYY-MM-DD")
    pa.add_argument("--planned", type=_day, help="YYYY-MM-DD")
    pl = with_db(payment.add_parser("list", help="a contract's payment plan"))
    pl.add_argument("contract", help="HT-n")
    acc = asub.add_parser("acceptance", help="who signs acceptance (验收), the trial run, the supervisor's step")
    ap = with_db(acc.add_subparsers(dest="verb", required=True).add_parser(
        "policy", help="show or set a project's acceptance policy"))
    ap.add_argument("key", help="the project key")
    ap.add_argument("--signers", help="in order, e.g. sponsor,supervisor,pmo (a role nobody holds is skipped)")
    ap.add_argument("--trial-months", type=int, help="the trial run's length when a submission does not say")
    ap.add_argument("--sla-hours", type=int, help="a sign-off pending longer is a risk")
    ap.add_argument("--supervisor-changes", choices=["on", "off"],
                    help="scope/budget/milestone-breach change requests get a supervisor step before the PMO")


def handles(args: argparse.Namespace) -> bool:
    return args.command == "admin" and (args.what in WHATS or (args.what == "member" and bool(getattr(args, "vendor", None))))


async def admin_main(cfg: Config, args: argparse.Namespace) -> int:
    """The same shell as bot/admin.py's (one home for it), running this module's commands."""
    from bot.admin import admin_main as run_admin

    return await run_admin(cfg, args, run=_admin)


async def _admin(ctx: Ctx, args: argparse.Namespace) -> str:
    from bot.admin import split_ref
    from bot.core.errors import UserError
    from bot.domain.contracts import ht, show_money
    from handlers import contracts
    from handlers import projects as project_admin
    from storage import contracts as store
    from storage import people, projects

    what, verb = args.what, args.verb
    if what == "vendor":
        if verb == "add":
            vendor = await contracts.add_vendor(ctx, args.name)
            return f"vendor {vendor.name} added"
        return "\n".join(v.name for v in await store.vendors(ctx.session)) or "(no vendors)"
    if what == "payment":
        if verb == "add":
            payment, contract = await contracts.add_payment(ctx, args.contract, name=args.name, percent=args.percent,
                                                            amount=args.amount, after=args.after,
                                                            planned=args.planned)
            return f"{ht(contract)} {payment.name}: {show_money(payment.amount, contract.currency)}"
        contract, _ = await contracts.contract_named(ctx, args.contract)
        return "\n".join(_payment_line(p, contract)
                         for p in (await store.payments(ctx.session, [contract.id]))[contract.id]) or "(no payments)"
    project = await projects.by_key(ctx.session, args.key)
    if project is None:
        raise UserError("project.not_found", key=args.key.upper(), hint=", ".join(await projects.all_keys(ctx.session)))
    if what == "acceptance":
        from handlers import acceptance

        shown = await acceptance.set_policy(ctx, project, signers=args.signers, trial_months=args.trial_months,
                                            sla_hours=args.sla_hours, supervisor_changes=args.supervisor_changes)
        return f"{project.key}: " + ", ".join(f"{k} {v}" for k, v in shown.items())
    if what == "member":
        platform, ident = split_ref(args.user)
        person, _ = await people.get_or_create(ctx.session, platform=platform, external_id=ident, name=ident)
        old = await project_admin.add_member(ctx, project, person, args.role)
        vendor = await contracts.set_member_vendor(ctx, project, person, args.vendor)
        return f"{ident} is {args.role} on {project.key} for {vendor.name}" + (f" (was {old})" if old else "")
    if verb == "add":
        contract = await contracts.add_contract(ctx, project, vendor_name=args.vendor, amount=args.amount,
                                                currency=args.currency, signed=args.signed, title=args.title)
        return ht(contract)
    rows = await store.of_project(ctx.session, project.id)
    names = {v.id: v.name for v in await store.vendors(ctx.session, [c.vendor_id for c in rows])}
    return "\n".join(f"{ht(c)} {names.get(c.vendor_id, '-')} {show_money(c.amount, c.currency)}"
                     + (f" {c.title}" if c.title else "") for c in rows) or "(no contracts)"


def _payment_line(p: PaymentMilestone, contract: Contract) -> str:
    from bot.domain.contracts import show_money

    after = p.after_date.isoformat() if p.after == "date" and p.after_date else p.after
    return (f"{p.name} {show_money(p.amount, contract.currency)} after {after}"
            f" planned {p.planned_on or '-'} paid {show_money(p.paid_amount)}")
