"""Setup commands: projects, chat binding, members, time zone, language.

Fixed clock: Wednesday 2026-11-25 10:00 in Asia/Shanghai. Each row is a message as people
type it and the full JSON object ``pmo-bot parse`` must print for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import parse

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CASES: list[tuple[str, dict[str, Any]]] = [
    ('create project CRM 客户关系系统', {'action': 'create_project', 'project': 'CRM', 'name': '客户关系系统', 'user': None, 'role': None, 'value': None}),
    ('new project CRM named Customer Portal', {'action': 'create_project', 'project': 'CRM', 'name': 'Customer Portal', 'user': None, 'role': None, 'value': None}),
    ('新建项目 CRM 客户关系管理', {'action': 'create_project', 'project': 'CRM', 'name': '客户关系管理', 'user': None, 'role': None, 'value': None}),
    ('创建项目 OA 办公系统', {'action': 'create_project', 'project': 'OA', 'name': '办公系统', 'user': None, 'role': None, 'value': None}),
    ('bind this chat to CRM', {'action': 'bind_chat', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': None}),
    ('bind CRM', {'action': 'bind_chat', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': None}),
    ('本群绑定CRM', {'action': 'bind_chat', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': None}),
    ('绑定项目 CRM', {'action': 'bind_chat', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': None}),
    ('把这个群绑定到 CRM', {'action': 'bind_chat', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': None}),
    ('add @alice to CRM as pm', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'alice', 'role': 'pm', 'value': None}),
    ('add <@U123> as vendor', {'action': 'add_member', 'project': None, 'name': None, 'user': 'U123', 'role': 'vendor', 'value': None}),
    ('添加成员 @张三 CRM pm', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': '张三', 'role': 'pm', 'value': None}),
    ('把@张三加入CRM，角色项目经理', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': '张三', 'role': 'pm', 'value': None}),
    ('@李四 加入 OA 作为供应商', {'action': 'add_member', 'project': 'OA', 'name': None, 'user': '李四', 'role': 'vendor', 'value': None}),
    ('set timezone Asia/Tokyo', {'action': 'set_timezone', 'project': None, 'name': None, 'user': None, 'role': None, 'value': 'Asia/Tokyo'}),
    ('CRM timezone America/New_York', {'action': 'set_timezone', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': 'America/New_York'}),
    ('CRM 时区 Asia/Shanghai', {'action': 'set_timezone', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': 'Asia/Shanghai'}),
    ('设置时区 Europe/London', {'action': 'set_timezone', 'project': None, 'name': None, 'user': None, 'role': None, 'value': 'Europe/London'}),
    ('my timezone is Asia/Tokyo', {'action': 'set_timezone', 'project': None, 'name': 'me', 'user': None, 'role': None, 'value': 'Asia/Tokyo'}),
    ('我的时区 Asia/Tokyo', {'action': 'set_timezone', 'project': None, 'name': 'me', 'user': None, 'role': None, 'value': 'Asia/Tokyo'}),
    ('set language en', {'action': 'set_locale', 'project': None, 'name': None, 'user': None, 'role': None, 'value': 'en'}),
    ('CRM 语言 英文', {'action': 'set_locale', 'project': 'CRM', 'name': None, 'user': None, 'role': None, 'value': 'en'}),
    ('set my language to Chinese', {'action': 'set_locale', 'project': None, 'name': 'me', 'user': None, 'role': None, 'value': 'zh'}),
    ('我的语言 中文', {'action': 'set_locale', 'project': None, 'name': 'me', 'user': None, 'role': None, 'value': 'zh'}),
    ('language zh', {'action': 'set_locale', 'project': None, 'name': None, 'user': None, 'role': None, 'value': 'zh'}),
    # QA issue 3: an unknown role word is reported as said; no role said -> None (the bot defaults to member).
    ('add @x to CRM as king', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'king', 'value': None}),
    ('添加成员 @x CRM 国王', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': '国王', 'value': None}),
    ('@李四 加入 OA 作为国王', {'action': 'add_member', 'project': 'OA', 'name': None, 'user': '李四', 'role': '国王', 'value': None}),
    ('add @x to CRM, role: admin', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'admin', 'value': None}),
    ('add @x to CRM', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': None, 'value': None}),
    ('添加成员 @张三 CRM', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': '张三', 'role': None, 'value': None}),
    ('add @bob to the CRM project', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'bob', 'role': None, 'value': None}),
    ('添加成员 @x CRM 项目经理', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'pm', 'value': None}),
    ('add @x to CRM as the project manager', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'pm', 'value': None}),
    ('add @x to CRM as owner', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'sponsor', 'value': None}),
    ('添加成员 @x CRM 测试', {'action': 'add_member', 'project': 'CRM', 'name': None, 'user': 'x', 'role': 'member', 'value': None}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_admin(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "admin", **fields}
