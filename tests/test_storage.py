"""Repositories on both databases."""

from __future__ import annotations

from storage import people
from storage.db import Database


async def test_one_person_with_a_slack_and_a_feishu_identity(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.unit_of_work() as session:
            slack, new1 = await people.get_or_create(session, platform="slack", external_id="U1", name="Li Lei",
                                                     email="LiLei@corp.example")
            feishu, new2 = await people.get_or_create(session, platform="feishu", external_id="ou_1", name="李雷",
                                                      email="lilei@corp.example")
            again, new3 = await people.get_or_create(session, platform="feishu", external_id="ou_1")
            assert (new1, new2, new3) == (True, False, False)
            assert slack.id == feishu.id == again.id
            assert await people.find(session, "feishu", "ou_1") is not None
    finally:
        await db.dispose()


async def test_a_person_seeded_by_id_gets_the_platform_profile(db_url: str) -> None:
    db = Database(db_url)
    try:
        async with db.unit_of_work() as session:
            seeded, _ = await people.get_or_create(session, platform="slack", external_id="U9", name="U9")
            later, _ = await people.get_or_create(session, platform="slack", external_id="U9", name="Han Meimei",
                                                  email="hm@corp.example", timezone="Asia/Shanghai")
            assert later.id == seeded.id and later.display_name == "Han Meimei" and later.email == "hm@corp.example"
    finally:
        await db.dispose()
