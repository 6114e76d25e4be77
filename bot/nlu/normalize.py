"""Turn raw chat text into one canonical form before any grammar looks at it.

NFKC folds full-width digits, letters and most punctuation (，：？（）) to ASCII, so the
grammars only need to know one spelling. Chinese punctuation NFKC leaves alone (、。【】“”)
is mapped by hand. Control and format characters become spaces so that pasted text with
zero-width joiners or stray escapes can never split a keyword in two.

:func:`fold` then maps traditional characters to simplified ones (OpenCC ``t2s``) for the grammars
only: 週五, 下個月20號, 三日後, 禮拜三 read like 周五, 下个月20号, 三日后, 礼拜三. The conversion keeps
the length (checked on every call; otherwise it is done character by character), so offsets in the
folded text are offsets in the original and titles and notes are taken back in the user's own script.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_LEN = 4000  # Longer texts are not commands; cap them so every regex stays fast.

_PUNCT_MAP = str.maketrans({
    "【": "[", "】": "]", "〔": "[", "〕": "]", "「": '"', "」": '"', "『": '"', "』": '"',
    "“": '"', "”": '"', "‘": "'", "’": "'", "〜": "~", "–": "-", "—": "-", "―": "-",
    "－": "-", "。": ".", "､": "、", "•": " ", "·": " ", "…": " ",
})

# Check marks mean "done" in chat; other pictographs carry no meaning for the grammar.
_DONE_MARKS = re.compile("[\u2705\u2714\u2611]\ufe0f?")
# Terminal colour codes pasted from a console ("\x1b[31m"): gone whole, so "31m" is never 31 minutes.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_SPACES = re.compile(r"[ \t\u3000]+")
_LINES = re.compile(r" *\n[ \n]*")


def _clean_char(ch: str) -> str:
    if ch == "\n":
        return ch
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return " "
    if cat == "So" or cat == "Sk" or (cat == "Mn" and ch in "\ufe0f\ufe0e\u20e3"):
        return " "
    return ch


def canonical(text: str) -> str:
    """NFKC and ASCII punctuation: the characters the grammars read (before symbols and spaces are tidied);
    handlers use it to find the user's own words for what the parser read (handlers/changes._as_written)."""
    return unicodedata.normalize("NFKC", text).translate(_PUNCT_MAP)


def normalize(text: str, bot_id: str | None = None) -> str:
    """Canonical text: NFKC, ASCII punctuation, no bot mention, single spaces, trimmed."""
    if len(text) > MAX_LEN:
        text = text[:MAX_LEN]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bot_id:
        text = re.sub(r"<@" + re.escape(bot_id) + r"(?:\|[^>]*)?>", " ", text)
    if "\x1b" in text:
        text = _ANSI.sub(" ", text)
    text = canonical(text)
    text = _DONE_MARKS.sub(" done ", text)
    if not text.isascii():
        text = "".join(_clean_char(ch) for ch in text)
    elif any(ord(ch) < 32 and ch != "\n" for ch in text):
        text = "".join(" " if ord(ch) < 32 and ch != "\n" else ch for ch in text)
    text = _SPACES.sub(" ", text)
    text = _LINES.sub("\n", text)
    return text.strip()


_t2s: Any = None
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _converter() -> Any:
    global _t2s
    if _t2s is None:
        import opencc  # loading its tables is paid by the first message with Chinese in it, not at start-up

        _t2s = opencc.OpenCC("t2s")
    return _t2s


def fold(text: str) -> str:
    """Traditional to simplified Chinese, same length as ``text`` (position i is character i)."""
    if text.isascii() or not _CJK.search(text):
        return text
    conv = _converter()
    out: str = conv.convert(text)
    if len(out) != len(text):  # a phrase rule changed the length: fall back to one character at a time
        out = "".join(c if len(c := conv.convert(ch)) == 1 else ch for ch in text)
    return out


def unfold(value: str, folded: str, original: str) -> str:
    """``value`` (built from pieces of ``folded``) with each piece put back as the user wrote it."""
    if folded == original or value.isascii():
        return value
    out: list[str] = []
    pos = 0
    for token in re.split(r"(\s+)", value):
        if not token or token.isspace() or token.isascii():
            out.append(token)
            continue
        at = folded.find(token, pos)
        if at < 0:
            at = folded.find(token)
        if at < 0:
            out.append(token)
            continue
        out.append(original[at:at + len(token)])
        pos = at + len(token)
    return "".join(out)
