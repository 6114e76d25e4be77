"""Change requests: schedule, scope, budget, resource.

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
    ('变更申请：CRM-3 延期到12月20日，原因供应商人手不够', {'task': 'CRM-3', 'project': None, 'change_type': 'schedule', 'summary': '延期到12月20日', 'new_due': '2026-12-20', 'extra_hours': None, 'reason': '供应商人手不够'}),
    ('申请把CRM-8的上线推迟到1月5日，供应商人手不够', {'task': 'CRM-8', 'project': None, 'change_type': 'schedule', 'summary': '上线推迟到1月5日', 'new_due': '2027-01-05', 'extra_hours': None, 'reason': '供应商人手不够'}),
    ('需求变更 CRM-4 增加导出功能 需要多加16小时', {'task': 'CRM-4', 'project': None, 'change_type': 'scope', 'summary': '增加导出功能', 'new_due': None, 'extra_hours': 16.0, 'reason': None}),
    ('CRM-3 延期到下周五，因为测试环境没准备好', {'task': 'CRM-3', 'project': None, 'change_type': 'schedule', 'summary': '延期到下周五', 'new_due': '2026-12-04', 'extra_hours': None, 'reason': '测试环境没准备好'}),
    ('CR: CRM-5 postpone to Dec 20 because vendor delayed', {'task': 'CRM-5', 'project': None, 'change_type': 'schedule', 'summary': 'postpone to Dec 20', 'new_due': '2026-12-20', 'extra_hours': None, 'reason': 'vendor delayed'}),
    ('request change: push CRM-6 to next Friday, reason: waiting on client feedback', {'task': 'CRM-6', 'project': None, 'change_type': 'schedule', 'summary': 'push CRM-6 to next Friday', 'new_due': '2026-12-04', 'extra_hours': None, 'reason': 'waiting on client feedback'}),
    ('CRM-7 需要延期3天', {'task': 'CRM-7', 'project': None, 'change_type': 'schedule', 'summary': '延期3天', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('申请延期 CRM-8 到月底 原因是需求变更', {'task': 'CRM-8', 'project': None, 'change_type': 'schedule', 'summary': '延期 到月底', 'new_due': '2026-11-30', 'extra_hours': None, 'reason': '需求变更'}),
    ('CRM 项目预算需要追加5万，因为增加了服务器', {'task': None, 'project': 'CRM', 'change_type': 'budget', 'summary': 'CRM 项目预算需要追加5万', 'new_due': None, 'extra_hours': None, 'reason': '增加了服务器'}),
    ('budget change for CRM: need 20k more for licenses', {'task': None, 'project': 'CRM', 'change_type': 'budget', 'summary': 'for CRM: need 20k more for licenses', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('CRM-9 需要加人，后端人手不够', {'task': 'CRM-9', 'project': None, 'change_type': 'resource', 'summary': '加人', 'new_due': None, 'extra_hours': None, 'reason': '后端人手不够'}),
    ('request another developer for CRM-10', {'task': 'CRM-10', 'project': None, 'change_type': 'resource', 'summary': 'another developer for CRM-10', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('需求变更：CRM-11 增加Excel导入功能，额外需要24小时', {'task': 'CRM-11', 'project': None, 'change_type': 'scope', 'summary': '增加Excel导入功能', 'new_due': None, 'extra_hours': 24.0, 'reason': None}),
    ('scope change CRM-12: add PDF export, 16 more hours', {'task': 'CRM-12', 'project': None, 'change_type': 'scope', 'summary': 'add PDF export', 'new_due': None, 'extra_hours': 16.0, 'reason': None}),
    ('CRM项目需要延期两周', {'task': None, 'project': 'CRM', 'change_type': 'schedule', 'summary': 'CRM项目需要延期两周', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('变更申请 CRM-4 范围调整 去掉报表模块', {'task': 'CRM-4', 'project': None, 'change_type': 'scope', 'summary': '范围调整 去掉报表模块', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('延期申请：OA-5 推迟到12月15日，原因：甲方需求未确认', {'task': 'OA-5', 'project': None, 'change_type': 'schedule', 'summary': '推迟到12月15日', 'new_due': '2026-12-15', 'extra_hours': None, 'reason': '甲方需求未确认'}),
    ('OA-5 需要推迟一周', {'task': 'OA-5', 'project': None, 'change_type': 'schedule', 'summary': '推迟一周', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('申请增加预算 OA 项目 3万 用于采购服务器', {'task': None, 'project': 'OA', 'change_type': 'budget', 'summary': '增加预算 OA 项目 3万 用于采购服务器', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('OA-6 范围变更：增加移动端适配，需要额外40小时，客户新提的需求', {'task': 'OA-6', 'project': None, 'change_type': 'scope', 'summary': '增加移动端适配', 'new_due': None, 'extra_hours': 40.0, 'reason': '客户新提的需求'}),
    ('can we postpone OA-7 to next Friday? the vendor is late', {'task': 'OA-7', 'project': None, 'change_type': 'schedule', 'summary': 'postpone OA-7 to next Friday', 'new_due': '2026-12-04', 'extra_hours': None, 'reason': 'the vendor is late'}),
    ('need more budget for OA, licenses cost more than planned', {'task': None, 'project': 'OA', 'change_type': 'budget', 'summary': 'more budget for OA', 'new_due': None, 'extra_hours': None, 'reason': 'licenses cost more than planned'}),
    ('OA-8 delay to Dec 31 due to vendor issues', {'task': 'OA-8', 'project': None, 'change_type': 'schedule', 'summary': 'delay to Dec 31', 'new_due': '2026-12-31', 'extra_hours': None, 'reason': 'vendor issues'}),
    ('OA 需要增派两名开发，因为进度落后', {'task': None, 'project': 'OA', 'change_type': 'resource', 'summary': 'OA 需要增派两名开发', 'new_due': None, 'extra_hours': None, 'reason': '进度落后'}),
    ('OA-9 加个需求：导出PDF，多加8小时', {'task': 'OA-9', 'project': None, 'change_type': 'scope', 'summary': '加个需求:导出PDF', 'new_due': None, 'extra_hours': 8.0, 'reason': None}),
    ('Change request: OA-10 add SSO login, extra 12h, because security audit requires it', {'task': 'OA-10', 'project': None, 'change_type': 'scope', 'summary': 'add SSO login', 'new_due': None, 'extra_hours': 12.0, 'reason': 'security audit requires it'}),
    ('CRM-12 延期到 12月10日', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': '延期到 12月10日', 'new_due': '2026-12-10', 'extra_hours': None, 'reason': None}),
    ('CRM-12 推迟两天', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': '推迟两天', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('CRM-12 需要延期，供应商交付晚了', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': '延期', 'new_due': None, 'extra_hours': None, 'reason': '供应商交付晚了'}),
    ('申请延期：CRM-12 改到 12/20，原因：需求变化', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': '延期 改到 12/20', 'new_due': '2026-12-20', 'extra_hours': None, 'reason': '需求变化'}),
    ('postpone CRM-12 to next Monday', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': 'postpone CRM-12 to next Monday', 'new_due': '2026-11-30', 'extra_hours': None, 'reason': None}),
    ('CRM-12 push back to Dec 15, waiting for client sign-off', {'task': 'CRM-12', 'project': None, 'change_type': 'schedule', 'summary': 'push back to Dec 15', 'new_due': '2026-12-15', 'extra_hours': None, 'reason': 'waiting for client sign-off'}),
    ('我想申请给CRM项目加一个测试人员', {'task': None, 'project': 'CRM', 'change_type': 'resource', 'summary': '给CRM项目加一个测试人员', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('CRM项目需要追加预算10万', {'task': None, 'project': 'CRM', 'change_type': 'budget', 'summary': 'CRM项目需要追加预算10万', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('scope change: CRM-5 add export to Excel, +16h', {'task': 'CRM-5', 'project': None, 'change_type': 'scope', 'summary': 'add export to Excel', 'new_due': None, 'extra_hours': 16.0, 'reason': None}),
    ('需求变更：CRM-5 去掉导出功能', {'task': 'CRM-5', 'project': None, 'change_type': 'scope', 'summary': '去掉导出功能', 'new_due': None, 'extra_hours': None, 'reason': None}),
    ('CRM-5 需要额外8小时，新增了审批流', {'task': 'CRM-5', 'project': None, 'change_type': 'scope', 'summary': None, 'new_due': None, 'extra_hours': 8.0, 'reason': '新增了审批流'}),
    # QA issue 3: the request label is removed whole, never leaving a stray "申".
    ('变更申请 CRM-3 延期到12月20日，原因：接口方延迟', {'task': 'CRM-3', 'project': None, 'change_type': 'schedule', 'summary': '延期到12月20日', 'new_due': '2026-12-20', 'extra_hours': None, 'reason': '接口方延迟'}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_request_change(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "request_change", **fields}
