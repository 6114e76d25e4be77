"""Chatter must stay ``unknown``, and no input of any kind may make the parser raise."""

from __future__ import annotations

import random
import time as clock
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import Unknown, parse

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

CHATTER: list[str] = [
    '好嘞',
    '收到',
    'ok thanks',
    'see you at the 2pm review tomorrow',
    '明天下午3点开会',
    '哈哈',
    '👍',
    '好的',
    '谢谢',
    '收到，马上看',
    'OK',
    '明天见',
    'lol',
    '周五一起吃饭吗',
    'see you tomorrow at 3pm',
    '下午开会记得带电脑',
    'meeting moved to 4pm',
    '今天好累',
    '我去吃饭了',
    'CRM 这个项目挺难的',
    '会议推迟到明天了',
    'I spent 2 hours in traffic',
    'thanks @bob',
    '@张三 明天下午3点开会',
    '大家辛苦了👏',
    '周报我晚点发',
    '早上好',
    'good morning everyone',
    '晚安',
    '辛苦了',
    'nice work team!',
    "who's joining the call?",
    '午饭吃什么',
    '有人在吗',
    '在吗',
    '稍等',
    '等我5分钟',
    "I'll be 10 minutes late",
    '马上到',
    '路上堵车，晚到半小时',
    'can someone review my PR?',
    'the build is green again',
    '服务器好像挂了',
    '重启一下试试',
    '下周三放假',
    '12月1日开年会',
    '周五团建',
    '明天记得提交周报',
    '今天的会取消了',
    '那个bug我看一下',
    '我觉得这个方案可以',
    '+1',
    '同意',
    'done with lunch, back online',
    "I'm done for today",
    '搞定了吗大家',
    '这个需求太复杂了',
    '客户说要改需求',
    '老板说预算不够',
    '人手真的不够啊',
    '项目进展还挺顺利的',
    'OK 没问题',
    '好的，收到，谢谢',
    '👌👌',
    '🙏',
    '[图片]',
    'https://example.com/doc/123',
    'test',
    '测试',
    '嗯嗯',
    '哦',
    '？？？ 啥意思',
    '哈哈哈哈哈 笑死',
    'happy friday!',
    '下班了',
    '我先下班了',
    'see you next week',
    "let's sync at 3pm",
    '5分钟后开会',
    '3点半开会',
]


@pytest.mark.parametrize("text", CHATTER)
def test_chatter_stays_unknown(text: str) -> None:
    assert parse(text, now=NOW).to_dict() == {"intent": "unknown"}


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01\x02", "\u200b\u200d", "@", "<@>", "<@", "[]",
                                  "CRM-", "-1", "%", "月底前前前", "下下下下周一", "99月99日", "2/30", "25:99",
                                  "0h", "999999999999h", "百分之", "CRM-3 " + "很" * 5000])
def test_edge_inputs_never_raise(text: str) -> None:
    assert parse(text, now=NOW) is not None


def _random_text(rng: random.Random) -> str:
    pools = [
        "CRM-12 OA-3 @张三 <@U1> 新建任务 log 3h 两个半小时 下周五前 明天下午3点 延期 申请 完成 80% 昨天: 今天: "
        "阻碍: help 帮助 P0 urgent [CRM] 时区 Asia/Tokyo bind add as pm 月底 12/15 Dec 1 ",
        "".join(chr(c) for c in range(0x20, 0x7F)),
        "，。：；！？【】（）《》、“”‘’０１２３４５６７８９ＡＢＣ＠",
        "😀👍🎉🔥✅❌🙏\u200b\u200d\ufe0f\u20e3",
    ]
    out = []
    for _ in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.5:
            pool = rng.choice(pools)
            out.append(rng.choice(pool.split()) if rng.random() < 0.5 and " " in pool else rng.choice(pool))
        elif kind < 0.8:
            out.append(chr(rng.randint(0, 0x10FFFF)) if rng.random() < 0.2 else chr(rng.randint(0x20, 0x9FFF)))
        else:
            out.append(" ")
    return "".join(out)


def test_random_unicode_never_raises() -> None:
    rng = random.Random(20261125)
    for _ in range(3000):
        text = _random_text(rng)
        result = parse(text, now=NOW)
        assert isinstance(result.to_dict()["intent"], str)


def test_surrogates_and_non_str_never_raise() -> None:
    assert parse("\ud800CRM-3 done", now=NOW).to_dict()["intent"] in ("update_task", "unknown")
    assert isinstance(parse(None, now=NOW), Unknown)  # type: ignore[arg-type]


def test_bad_time_zone_is_unknown_not_an_exception() -> None:
    aware = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    assert isinstance(parse("CRM-3 done", now=aware, tz="Not/AZone", workday_end=time(17, 0)), Unknown)


@pytest.mark.parametrize("unit", ["1", "１", "一", "两", "半", "12/", "1.", "1-", "@a", "CRM-", "3h", "昨天:今天:", "12月"])
def test_long_repetitive_input_stays_fast(unit: str) -> None:
    # Guards against regex backtracking that is quadratic in the length of a number run.
    text = unit * (4000 // len(unit))
    start = clock.perf_counter()
    parse(text, now=NOW)
    assert clock.perf_counter() - start < 0.5
