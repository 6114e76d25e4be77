"""Creating tasks from free text in Chinese and English.

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
    ('新建任务 登录页 @张三 下周五前', {'title': '登录页', 'assignees': ['张三'], 'due': '2026-12-04', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('帮忙建个任务 报表导出优化，给@小王，周四下午4点前', {'title': '报表导出优化', 'assignees': ['小王'], 'due': '2026-11-26T16:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('task: fix SSO login @bob by Friday P1 est 6h', {'title': 'fix SSO login', 'assignees': ['bob'], 'due': '2026-11-27', 'priority': 'P1', 'estimate_hours': 6.0, 'project': None}),
    ('create task [CRM] Export report, urgent, 3h', {'title': 'Export report', 'assignees': [], 'due': None, 'priority': 'P0', 'estimate_hours': 3.0, 'project': 'CRM'}),
    ('新建任务：首页改版 @王五 12月1日前 高优先级', {'title': '首页改版', 'assignees': ['王五'], 'due': '2026-12-01', 'priority': 'P1', 'estimate_hours': None, 'project': None}),
    ('建个任务 接口文档整理 @李雷 明天下班前', {'title': '接口文档整理', 'assignees': ['李雷'], 'due': '2026-11-26T18:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('创建任务 数据迁移脚本 给@韩梅梅 月底前 预计16小时', {'title': '数据迁移脚本', 'assignees': ['韩梅梅'], 'due': '2026-11-30', 'priority': None, 'estimate_hours': 16.0, 'project': None}),
    ('加个任务：修复登录bug，@张三 负责，周五前，紧急', {'title': '修复登录bug', 'assignees': ['张三'], 'due': '2026-11-27', 'priority': 'P0', 'estimate_hours': None, 'project': None}),
    ('帮我新建一个任务 UAT测试用例编写 @小李 下下周一', {'title': 'UAT测试用例编写', 'assignees': ['小李'], 'due': '2026-12-07', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('任务：准备周会材料 明天上午10点前', {'title': '准备周会材料', 'assignees': [], 'due': '2026-11-26T10:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新任务 压测报告 3天后', {'title': '压测报告', 'assignees': [], 'due': '2026-11-28', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('todo: update the API docs @alice tomorrow', {'title': 'update the API docs', 'assignees': ['alice'], 'due': '2026-11-26', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('new task: migrate database @bob next Friday high priority', {'title': 'migrate database', 'assignees': ['bob'], 'due': '2026-12-04', 'priority': 'P1', 'estimate_hours': None, 'project': None}),
    ('create a task to review contract with vendor by end of month', {'title': 'review contract with vendor', 'assignees': [], 'due': '2026-11-30', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('add task Write release notes @carol Dec 1 low', {'title': 'Write release notes', 'assignees': ['carol'], 'due': '2026-12-01', 'priority': 'P3', 'estimate_hours': None, 'project': None}),
    ('Please create a task: prepare demo for client, @dave, in 3 days, 4h', {'title': 'prepare demo for client', 'assignees': ['dave'], 'due': '2026-11-28', 'priority': None, 'estimate_hours': 4.0, 'project': None}),
    ('[OA] 新建任务 审批流程优化 @赵六 两周内 P2', {'title': '审批流程优化', 'assignees': ['赵六'], 'due': '2026-12-09', 'priority': 'P2', 'estimate_hours': None, 'project': 'OA'}),
    ('新建任务 【CRM】 客户导入 @钱七 12/15', {'title': '客户导入', 'assignees': ['钱七'], 'due': '2026-12-15', 'priority': None, 'estimate_hours': None, 'project': 'CRM'}),
    ('task: fix SSO login <@U123> by Friday P1 est 6h', {'title': 'fix SSO login', 'assignees': ['U123'], 'due': '2026-11-27', 'priority': 'P1', 'estimate_hours': 6.0, 'project': None}),
    ('新建任务 登录页 @张三下周五前', {'title': '登录页', 'assignees': ['张三'], 'due': '2026-12-04', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 支付对接 @张三 @李四 年底前 预计两天', {'title': '支付对接', 'assignees': ['张三', '李四'], 'due': '2026-12-31', 'priority': None, 'estimate_hours': 16.0, 'project': None}),
    ('create task: onboarding checklist, due 12/20, normal', {'title': 'onboarding checklist', 'assignees': [], 'due': '2026-12-20', 'priority': 'P2', 'estimate_hours': None, 'project': None}),
    ('新建任务 测试 明天下午3点前', {'title': '测试', 'assignees': [], 'due': '2026-11-26T15:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('给@小王派个任务：整理需求文档，周五前', {'title': '整理需求文档', 'assignees': ['小王'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('@小王 周五前把报表做完', {'title': '报表', 'assignees': ['小王'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务\u3000登录页\u3000＠张三\u3000下周五前', {'title': '登录页', 'assignees': ['张三'], 'due': '2026-12-04', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 登录页🔥 @张三 下周五前', {'title': '登录页', 'assignees': ['张三'], 'due': '2026-12-04', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('明天下午3点 新建任务 准备评审材料', {'title': '准备评审材料', 'assignees': [], 'due': '2026-11-26T15:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 整理会议纪要 今晚8点前', {'title': '整理会议纪要', 'assignees': [], 'due': '2026-11-25T20:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 写周报 下班前', {'title': '写周报', 'assignees': [], 'due': '2026-11-25T18:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('new task deploy to staging @ops tomorrow 3pm', {'title': 'deploy to staging', 'assignees': ['ops'], 'due': '2026-11-26T15:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('create task: security audit, due 2026-12-15, P0', {'title': 'security audit', 'assignees': [], 'due': '2026-12-15', 'priority': 'P0', 'estimate_hours': None, 'project': None}),
    ('新建任务 需求评审 @产品经理小刘 本周五', {'title': '需求评审 小刘', 'assignees': ['产品经理'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('add a task for @bob to update the wiki by next week', {'title': 'update the wiki', 'assignees': ['bob'], 'due': '2026-12-04', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务：上线检查清单 12-20前 预估1h30m', {'title': '上线检查清单', 'assignees': [], 'due': '2026-12-20', 'priority': None, 'estimate_hours': 1.5, 'project': None}),
    ('create task update vendor contract in 2 weeks', {'title': 'update vendor contract', 'assignees': [], 'due': '2026-12-09', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 测试环境搭建 @张三 两天内', {'title': '测试环境搭建', 'assignees': ['张三'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 回归测试 下周三下午两点半', {'title': '回归测试', 'assignees': [], 'due': '2026-12-02T14:30', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 准备发布 年底', {'title': '准备发布', 'assignees': [], 'due': '2026-12-31', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('任务: 数据备份 每周五', {'title': '数据备份', 'assignees': [], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 服务器扩容 1月10日前 紧急', {'title': '服务器扩容', 'assignees': [], 'due': '2027-01-10', 'priority': 'P0', 'estimate_hours': None, 'project': None}),
    ('task: code review for PR 42 @alice today', {'title': 'code review for PR 42', 'assignees': ['alice'], 'due': '2026-11-25', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 合同评审 @李四 before Dec 1', {'title': '合同评审', 'assignees': ['李四'], 'due': '2026-12-01', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('create task: API load test @bob before Dec 1', {'title': 'API load test', 'assignees': ['bob'], 'due': '2026-12-01', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('new task write test plan due this Friday', {'title': 'write test plan', 'assignees': [], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('add task: DB index tuning, @carol, within two weeks', {'title': 'DB index tuning', 'assignees': ['carol'], 'due': '2026-12-09', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务：UI走查 @小美 3天后', {'title': 'UI走查', 'assignees': ['小美'], 'due': '2026-11-28', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('建任务 供应商对接会议纪要 今天下班前', {'title': '供应商对接会议纪要', 'assignees': [], 'due': '2026-11-25T18:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('帮我建个任务：整理验收文档，@张三，12月1日前，高优先级，预计4小时', {'title': '整理验收文档', 'assignees': ['张三'], 'due': '2026-12-01', 'priority': 'P1', 'estimate_hours': 4.0, 'project': None}),
    ('新建任务 性能优化 @张三 P0 2天', {'title': '性能优化', 'assignees': ['张三'], 'due': None, 'priority': 'P0', 'estimate_hours': 16.0, 'project': None}),
    ('新建任务 需求确认 @甲方老王 周五', {'title': '需求确认', 'assignees': ['甲方老王'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('create task "fix typo on landing page" @bob', {'title': 'fix typo on landing page', 'assignees': ['bob'], 'due': None, 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 [ERP] 库存同步 @张三 12/20 low', {'title': '库存同步', 'assignees': ['张三'], 'due': '2026-12-20', 'priority': 'P3', 'estimate_hours': None, 'project': 'ERP'}),
    ('任务：客户回访，下周一上午10点', {'title': '客户回访', 'assignees': [], 'due': '2026-11-30T10:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('Create task Prepare Q4 report for @alice by end of month, high', {'title': 'Prepare Q4 report', 'assignees': ['alice'], 'due': '2026-11-30', 'priority': 'P1', 'estimate_hours': None, 'project': None}),
    ('new task: renew SSL certificate, urgent', {'title': 'renew SSL certificate', 'assignees': [], 'due': None, 'priority': 'P0', 'estimate_hours': None, 'project': None}),
    ('新建任务 检查备份 明早9点前', {'title': '检查备份', 'assignees': [], 'due': '2026-11-26T09:00', 'priority': None, 'estimate_hours': None, 'project': None}),
    # QA issue 3: only the trigger and the recognised spans are cut, never words of the title.
    ('新建任务 完成财务报表 @张三 周五前', {'title': '完成财务报表', 'assignees': ['张三'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 给客户发周报', {'title': '给客户发周报', 'assignees': [], 'due': None, 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 用提及 <@alice> 周五', {'title': '用提及', 'assignees': ['alice'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 预估过大 预计99999小时', {'title': '预估过大', 'assignees': [], 'due': None, 'priority': None, 'estimate_hours': 99999.0, 'project': None}),
    ('新建任务 登录页 P5', {'title': '登录页 P5', 'assignees': [], 'due': None, 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 周五 前端联调', {'title': '前端联调', 'assignees': [], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 @张三负责登录页', {'title': '登录页', 'assignees': ['张三'], 'due': None, 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 完成财务报表 周五前完成', {'title': '完成财务报表', 'assignees': [], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('新建任务 登录页 @张三和@李四 周五前', {'title': '登录页', 'assignees': ['张三', '李四'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
    ('task: write docs for @bob and @carol by Friday', {'title': 'write docs', 'assignees': ['bob', 'carol'], 'due': '2026-11-27', 'priority': None, 'estimate_hours': None, 'project': None}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_create_task(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "create_task", "warnings": [], **fields}
