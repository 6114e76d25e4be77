"""Number words: Chinese numerals (一二三…十百, 两, 半) and small English number words.

People write "三个小时", "两周内", "十二月一日" as often as digits, so every grammar that reads a
quantity goes through :func:`to_number`.
"""

from __future__ import annotations

ZH_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
ZH_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# 廿 (20) and 卅 (30) are still written in dates ("廿號", "下個月廿五號").
ZH_TENS: dict[str, int] = {"廿": 20, "卅": 30}

EN_WORDS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "sixty": 60,
    "ninety": 90, "half": 0.5, "couple": 2, "a couple of": 2, "a couple": 2, "couple of": 2,
}

# Regex fragment for "a number as people type it"; used inside larger patterns.
ZH_NUM_CHARS = "零〇一二两俩三四五六七八九十百千廿卅"
NUM_RE = rf"(?:\d+(?:\.\d+)?|[{ZH_NUM_CHARS}]+)"


def zh_to_int(text: str) -> int | None:
    """Parse a Chinese numeral such as 十二, 二十五, 一百零八, 两; None when it is not one."""
    if not text:
        return None
    if all(ch in ZH_DIGITS for ch in text):
        # Digit-by-digit form ("二〇二六") as well as single digits.
        value = 0
        for ch in text:
            value = value * 10 + ZH_DIGITS[ch]
        return value
    total = 0
    current = 0
    for ch in text:
        if ch in ZH_DIGITS:
            current = ZH_DIGITS[ch]
        elif ch in ZH_TENS:
            if current or total:
                return None  # "三廿" is not a numeral
            total, current = ZH_TENS[ch], 0
        elif ch in ZH_UNITS:
            unit = ZH_UNITS[ch]
            # A leading unit ("十二") means one of it.
            total += (current or 1) * unit
            current = 0
        else:
            return None
    return total + current


def to_number(text: str) -> float | None:
    """Digits, Chinese numerals or English number words to a number; None if unreadable."""
    t = text.strip().lower()
    if not t:
        return None
    try:
        return float(t)
    except ValueError:
        pass
    if t in EN_WORDS:
        return float(EN_WORDS[t])
    if t == "半":
        return 0.5
    value = zh_to_int(t)
    return float(value) if value is not None else None


def to_int(text: str) -> int | None:
    """Like :func:`to_number` but only for whole numbers."""
    value = to_number(text)
    if value is None or value != int(value):
        return None
    return int(value)
