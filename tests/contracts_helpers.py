"""A project with contracts, vendors, a supervisor and finance, set up through the admin CLI's code (issue 15)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ChatHarness


async def admin(bot: ChatHarness, *argv: str) -> str:
    """`pmo-bot admin …` in the test's database and clock (the CLI's own code path, in process)."""
    from bot import admin_contracts
    from bot.admin import _admin, cli_context
    from bot.cli import build_parser

    args = build_parser().parse_args(["admin", *argv])
    async with bot.app.db.unit_of_work() as session:
        ctx = cli_context(session, now=bot.app.clock(), settings=bot.app.config.settings)
        if admin_contracts.handles(args):
            return await admin_contracts._admin(ctx, args)
        return await _admin(ctx, args)


def fields(reply: dict[str, Any]) -> dict[str, str]:
    return {f["label"]: f["value"] for f in reply["card"]["fields"]}


@pytest.fixture
async def deal(crm: ChatHarness) -> ChatHarness:
    """CRM with HT-1 (东软, 1.2M, vic) and HT-2 (华为, 300k, wen); sue supervises, fay is finance."""
    await admin(crm, "vendor", "add", "东软")
    await admin(crm, "vendor", "add", "华为")
    await admin(crm, "member", "add", "CRM", "vic", "--role", "vendor", "--vendor", "东软")
    await admin(crm, "member", "add", "CRM", "wen", "--role", "vendor", "--vendor", "华为")
    await admin(crm, "member", "add", "CRM", "sue", "--role", "supervisor")
    await admin(crm, "member", "add", "CRM", "fay", "--role", "finance")
    assert await admin(crm, "contract", "add", "CRM", "--vendor", "东软", "--amount", "1200000",
                       "--signed", "2026-11-01", "--title", "CRM 建设") == "HT-1"
    assert await admin(crm, "contract", "add", "CRM", "--vendor", "华为", "--amount", "300000") == "HT-2"
    for name, share, after, planned in (("预付款", "30", "signing", None), ("初验款", "40", "初验", "2026-12-20"),
                                        ("试运行款", "20", "试运行", None), ("终验款", "10", "终验", None)):
        await admin(crm, "payment", "add", "HT-1", "--name", name, "--percent", share, "--after", after,
                    *(["--planned", planned] if planned else []))
    return crm
