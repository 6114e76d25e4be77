"""Who becomes PMO, and who may do what, when people are seeded by the admin CLI first."""

from __future__ import annotations

from bot.admin import cli_context, split_ref
from handlers import projects as admin
from storage import people
from tests.conftest import ChatHarness


async def _seed(bot: ChatHarness, *members: tuple[str, str]) -> None:
    async with bot.app.db.unit_of_work() as session:
        ctx = cli_context(session, now=bot.app.clock(), settings=bot.app.config.settings)
        project = await admin.create_project(ctx, "CRM", "CRM", locale="en")
        for ref, role in members:
            platform, ident = split_ref(ref)
            person, _ = await people.get_or_create(session, platform=platform, external_id=ident, name=ident)
            await admin.add_member(ctx, project, person, role)


async def test_people_seeded_by_the_cli_never_become_pmo_by_accident(bot: ChatHarness) -> None:
    await _seed(bot, ("vv", "viewer"), ("boss", "pmo"))
    assert "PMO" in await bot.text("vv", "新建项目 HACK 越权项目")
    assert "HACK" in await bot.text("boss", "新建项目 OPS 运维") or await bot.scalar(
        "select count(*) from projects where key = 'OPS'") == 1
    assert await bot.scalar("select count(*) from projects where key = 'HACK'") == 0
    assert "not a member" in await bot.text("vv", "status OPS")


async def test_a_refused_first_message_still_makes_its_writer_the_pmo(bot: ChatHarness) -> None:
    await bot.say("boss", "CRM-99 done")
    assert "PMO" in await bot.text("mallory", "create project OA Office")
    assert "OA" in await bot.text("boss", "create project OA Office")


async def test_only_the_pmo_names_a_pmo_and_unknown_roles_are_refused(crm: ChatHarness) -> None:
    await crm.say("lily", "add @bob to CRM as pm")
    assert "Only the PMO" in await crm.text("bob", "add @alice to CRM as pmo")
    reply = await crm.text("lily", "add @alice to CRM as king")
    assert "no role king" in reply and "viewer" in reply
    assert await crm.scalar("select is_pmo from people where display_name = 'alice'") in (False, 0)
