"""Work-time logs; log dates look back and are never in the future.

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
    ('log 3h on CRM-12 yesterday', {'entries': [{'task': 'CRM-12', 'hours': 3.0, 'date': '2026-11-24', 'note': None}]}),
    ('put 1.5 hours on OA-9 this morning for the vendor call', {'entries': [{'task': 'OA-9', 'hours': 1.5, 'date': '2026-11-25', 'note': 'vendor call'}]}),
    ('CRM-1 3小时 CRM-2 2小时', {'entries': [{'task': 'CRM-1', 'hours': 3.0, 'date': None, 'note': None}, {'task': 'CRM-2', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('今天 CRM-3 做了两个半小时 接口联调', {'entries': [{'task': 'CRM-3', 'hours': 2.5, 'date': '2026-11-25', 'note': '接口联调'}]}),
    ('昨天在CRM-2上花了半天', {'entries': [{'task': 'CRM-2', 'hours': 4.0, 'date': '2026-11-24', 'note': None}]}),
    ('log 2h on CRM-3', {'entries': [{'task': 'CRM-3', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('logged 1.5h CRM-4 today', {'entries': [{'task': 'CRM-4', 'hours': 1.5, 'date': '2026-11-25', 'note': None}]}),
    ('spent 45m on CRM-5 code review', {'entries': [{'task': 'CRM-5', 'hours': 0.75, 'date': None, 'note': 'code review'}]}),
    ('CRM-6 3h', {'entries': [{'task': 'CRM-6', 'hours': 3.0, 'date': None, 'note': None}]}),
    ('CRM-6 +2h', {'entries': [{'task': 'CRM-6', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('2h CRM-6 testing', {'entries': [{'task': 'CRM-6', 'hours': 2.0, 'date': None, 'note': 'testing'}]}),
    ('worked 3 hours on CRM-7 yesterday', {'entries': [{'task': 'CRM-7', 'hours': 3.0, 'date': '2026-11-24', 'note': None}]}),
    ('log CRM-8 half a day last Friday', {'entries': [{'task': 'CRM-8', 'hours': 4.0, 'date': '2026-11-20', 'note': None}]}),
    ('CRM-9 2小时 昨天 需求评审', {'entries': [{'task': 'CRM-9', 'hours': 2.0, 'date': '2026-11-24', 'note': '需求评审'}]}),
    ('记工时 CRM-10 3小时', {'entries': [{'task': 'CRM-10', 'hours': 3.0, 'date': None, 'note': None}]}),
    ('工时 CRM-10 1.5h 前天', {'entries': [{'task': 'CRM-10', 'hours': 1.5, 'date': '2026-11-23', 'note': None}]}),
    ('上周五 CRM-11 干了一天', {'entries': [{'task': 'CRM-11', 'hours': 8.0, 'date': '2026-11-20', 'note': None}]}),
    ('今天上午在CRM-12上花了90分钟开会', {'entries': [{'task': 'CRM-12', 'hours': 1.5, 'date': '2026-11-25', 'note': '开会'}]}),
    ('CRM-1 2h, CRM-2 1.5h, CRM-3 30m yesterday', {'entries': [{'task': 'CRM-1', 'hours': 2.0, 'date': '2026-11-24', 'note': None}, {'task': 'CRM-2', 'hours': 1.5, 'date': '2026-11-24', 'note': None}, {'task': 'CRM-3', 'hours': 0.5, 'date': '2026-11-24', 'note': None}]}),
    ('CRM-13 1小时30分钟 联调', {'entries': [{'task': 'CRM-13', 'hours': 1.5, 'date': None, 'note': '联调'}]}),
    ('12月1日 CRM-14 4小时', {'entries': [{'task': 'CRM-14', 'hours': 4.0, 'date': '2025-12-01', 'note': None}]}),
    ('log 3h on CRM-15 12/1', {'entries': [{'task': 'CRM-15', 'hours': 3.0, 'date': '2025-12-01', 'note': None}]}),
    ('CRM-16 做了三个小时 写文档', {'entries': [{'task': 'CRM-16', 'hours': 3.0, 'date': None, 'note': '写文档'}]}),
    ('记录工时：CRM-17 两小时', {'entries': [{'task': 'CRM-17', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('log 2 hours', {'entries': [{'task': None, 'hours': 2.0, 'date': None, 'note': None}]}),
    ('log ３h on CRM-12 yesterday', {'entries': [{'task': 'CRM-12', 'hours': 3.0, 'date': '2026-11-24', 'note': None}]}),
    ('CRM-20 today 2h', {'entries': [{'task': 'CRM-20', 'hours': 2.0, 'date': '2026-11-25', 'note': None}]}),
    ('CRM-21 3h code review', {'entries': [{'task': 'CRM-21', 'hours': 3.0, 'date': None, 'note': 'code review'}]}),
    ('CRM-22: 2h meeting with vendor', {'entries': [{'task': 'CRM-22', 'hours': 2.0, 'date': None, 'note': 'meeting with vendor'}]}),
    ('today 4h on CRM-23', {'entries': [{'task': 'CRM-23', 'hours': 4.0, 'date': '2026-11-25', 'note': None}]}),
    ('1.5h on CRM-24 yesterday', {'entries': [{'task': 'CRM-24', 'hours': 1.5, 'date': '2026-11-24', 'note': None}]}),
    ('CRM-25 2.5 hrs bug fixing', {'entries': [{'task': 'CRM-25', 'hours': 2.5, 'date': None, 'note': 'bug fixing'}]}),
    ('CRM-26 一个半小时', {'entries': [{'task': 'CRM-26', 'hours': 1.5, 'date': None, 'note': None}]}),
    ('CRM-27 半小时 沟通需求', {'entries': [{'task': 'CRM-27', 'hours': 0.5, 'date': None, 'note': '沟通需求'}]}),
    ('CRM-28 上午2小时 下午3小时', {'entries': [{'task': 'CRM-28', 'hours': 5.0, 'date': '2026-11-25', 'note': None}]}),
    ('昨天 CRM-29 4h, CRM-30 4h', {'entries': [{'task': 'CRM-29', 'hours': 4.0, 'date': '2026-11-24', 'note': None}, {'task': 'CRM-30', 'hours': 4.0, 'date': '2026-11-24', 'note': None}]}),
    ('周一在CRM-31上花了6小时', {'entries': [{'task': 'CRM-31', 'hours': 6.0, 'date': '2026-11-23', 'note': None}]}),
    ('上周三 CRM-32 3小时 数据迁移', {'entries': [{'task': 'CRM-32', 'hours': 3.0, 'date': '2026-11-18', 'note': '数据迁移'}]}),
    ('CRM-33 2天', {'entries': [{'task': 'CRM-33', 'hours': 16.0, 'date': None, 'note': None}], 'weak': ['long']}),
    ('log 6h CRM-34 on Monday', {'entries': [{'task': 'CRM-34', 'hours': 6.0, 'date': '2026-11-23', 'note': None}]}),
    ('log 1h CRM-35 Nov 20', {'entries': [{'task': 'CRM-35', 'hours': 1.0, 'date': '2026-11-20', 'note': None}]}),
    ('CRM-36 45分钟', {'entries': [{'task': 'CRM-36', 'hours': 0.75, 'date': None, 'note': None}]}),
    ('logged 8h on CRM-37 last Friday for the release', {'entries': [{'task': 'CRM-37', 'hours': 8.0, 'date': '2026-11-20', 'note': 'release'}]}),
    ('工时：OA-1 3h 写方案', {'entries': [{'task': 'OA-1', 'hours': 3.0, 'date': None, 'note': '写方案'}]}),
    ('log 2h CRM-3 yesterday: bug fix', {'entries': [{'task': 'CRM-3', 'hours': 2.0, 'date': '2026-11-24', 'note': 'bug fix'}]}),
    ('CRM-3 1h 昨天', {'entries': [{'task': 'CRM-3', 'hours': 1.0, 'date': '2026-11-24', 'note': None}]}),
    ('CRM-3 昨天 3小时', {'entries': [{'task': 'CRM-3', 'hours': 3.0, 'date': '2026-11-24', 'note': None}]}),
    ('OA-2 today 2 hours requirement review', {'entries': [{'task': 'OA-2', 'hours': 2.0, 'date': '2026-11-25', 'note': 'requirement review'}]}),
    ('花了3小时在CRM-3上', {'entries': [{'task': 'CRM-3', 'hours': 3.0, 'date': None, 'note': None}]}),
    ('CRM-3 用了两个小时', {'entries': [{'task': 'CRM-3', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('我今天在 CRM-5 上干了 6 个小时', {'entries': [{'task': 'CRM-5', 'hours': 6.0, 'date': '2026-11-25', 'note': None}]}),
    ('CRM-5 2h, OA-1 3h', {'entries': [{'task': 'CRM-5', 'hours': 2.0, 'date': None, 'note': None}, {'task': 'OA-1', 'hours': 3.0, 'date': None, 'note': None}]}),
    ('CRM-5: 2h; CRM-6: 1.5h', {'entries': [{'task': 'CRM-5', 'hours': 2.0, 'date': None, 'note': None}, {'task': 'CRM-6', 'hours': 1.5, 'date': None, 'note': None}]}),
    ('12/1 CRM-5 3h', {'entries': [{'task': 'CRM-5', 'hours': 3.0, 'date': '2025-12-01', 'note': None}]}),
    ('上周五在OA-3上花了一整天', {'entries': [{'task': 'OA-3', 'hours': 8.0, 'date': '2026-11-20', 'note': None}]}),
    ('log 30min CRM-9 standup', {'entries': [{'task': 'CRM-9', 'hours': 0.5, 'date': None, 'note': 'standup'}]}),
    ('CRM-9 两小时 会议', {'entries': [{'task': 'CRM-9', 'hours': 2.0, 'date': None, 'note': '会议'}]}),
    ('CRM-5 and CRM-6 2h each', {'entries': [{'task': 'CRM-5', 'hours': 2.0, 'date': None, 'note': None}, {'task': 'CRM-6', 'hours': 2.0, 'date': None, 'note': None}]}),
    # QA issue 3: negative amounts are reported (the bot refuses them), task keys are not minus signs.
    ('log -2h on CRM-1', {'entries': [{'task': 'CRM-1', 'hours': -2.0, 'date': None, 'note': None}]}),
    ('CRM-1 -3小时', {'entries': [{'task': 'CRM-1', 'hours': -3.0, 'date': None, 'note': None}]}),
    ('CRM-3 2小时', {'entries': [{'task': 'CRM-3', 'hours': 2.0, 'date': None, 'note': None}]}),
    ('log 5000h on CRM-1', {'entries': [{'task': 'CRM-1', 'hours': 5000.0, 'date': None, 'note': None}]}),
]


@pytest.mark.parametrize(("text", "fields"), CASES, ids=[c[0][:40] for c in CASES])
def test_log_hours(text: str, fields: dict[str, Any]) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "log_hours", **fields}
