"""Properties of the date grammar that must hold for any message (hypothesis).

A date phrase is never also an amount of work; the title keeps none of it; nothing raises; folding
traditional characters never changes what the title says.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlu import parse
from bot.nlu.dates import DEADLINE, LOG, find_dates
from bot.nlu.durations import find_hours
from bot.nlu.normalize import fold

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SH)  # a Friday

ZH_PHRASES = ["3天后", "三天后", "3周后", "三个月后", "两周内", "5个工作日内", "下周一", "周五前", "下个月20号", "月底前",
              "明天下午3点", "下午三点十五", "今晚8点", "12月3日", "下周三下午两点半前", "后天上午", "週五前", "三日後",
              "下個月20號", "禮拜三", "聽日", "下午三點半", "12月21-23日"]
EN_PHRASES = ["7 days hence", "in 2 weeks", "in a fortnight", "within 3 days", "by Friday", "by next Friday",
              "tomorrow at 5", "by 8 tonight", "by 3:30", "by a quarter past 3pm", "by 15 minutes past noon",
              "by 20 minutes to 2pm tomorrow", "by end of April", "by the 20th of next month", "on Fri, Dec 4 at 7:30 PM",
              "by 12/15/2026", "by first of March", "this afternoon", "by EOD", "3 days from tomorrow",
              "by Dec 21-23"]
ZH_WORDS = ["准备", "材料", "周会", "纪要", "接口", "联调", "报表", "客户", "验收", "文档", "登录页", "测试用例"]
EN_WORDS = ["prepare", "slides", "review", "contract", "vendor", "report", "login", "page", "docs", "release"]
TRAD_WORDS = ["準備", "會議", "報告", "發佈", "測試", "資料", "專案", "進度", "開發", "設計"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ZH_WORDS), min_size=1, max_size=3), st.sampled_from(ZH_PHRASES))
def test_zh_date_phrases_are_dates_only_and_leave_the_title_clean(words: list[str], phrase: str) -> None:
    title = "".join(words)
    out = parse(f"新建任务 {title} {phrase}", now=NOW).to_dict()
    assert out["due"] is not None, phrase
    assert out["estimate_hours"] is None, phrase
    assert out["title"] == title, phrase


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(EN_WORDS), min_size=1, max_size=3), st.sampled_from(EN_PHRASES))
def test_en_date_phrases_are_dates_only_and_leave_the_title_clean(words: list[str], phrase: str) -> None:
    title = " ".join(words)
    out = parse(f"new task {title} {phrase}", now=NOW).to_dict()
    assert out["due"] is not None, phrase
    assert out["estimate_hours"] is None, phrase
    assert out["title"] == title, phrase


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from([NOW, datetime(2026, 12, 31, 23, 59, tzinfo=SH), datetime(2027, 2, 28, 0, 0, tzinfo=SH)]))
def test_the_parser_never_raises(text: str, now: datetime) -> None:
    parse(text, now=now)
    for mode in (DEADLINE, LOG):
        for span in find_dates(text, now.date(), now.time(), mode):
            assert 0 <= span.start < span.end <= len(text)
    find_hours(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("週號點後個這禮拜三下午月日前时半一二十 0123456789:abc@-")), max_size=40))
def test_the_grammar_pieces_never_raise_on_date_like_noise(text: str) -> None:
    parse("新建任务 " + text, now=NOW)
    find_dates(fold(text), date(2026, 11, 27), time(10, 0))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TRAD_WORDS + ZH_WORDS), min_size=1, max_size=4), st.sampled_from(ZH_PHRASES))
def test_folding_never_changes_the_title(words: list[str], phrase: str) -> None:
    title = "".join(words)
    text = f"新建任务 {title} {phrase}"
    assert len(fold(text)) == len(text)
    out = parse(text, now=NOW).to_dict()
    assert out["title"] == title  # in the user's own characters, not the folded ones
