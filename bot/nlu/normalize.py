"""Turn raw chat text into one canonical form before any grammar looks at it.

NFKC folds full-width digits, letters and most punctuation (，：？（）) to ASCII, so the
grammars only need to know one spelling. Chinese punctuation NFKC leaves alone (、。【】“”)
is mapped by hand. Control and format characters become spaces so that pasted text with
zero-width joiners or stray escapes can never split a keyword in two.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LEN = 4000  # Longer texts are not commands; cap them so every regex stays fast.

_PUNCT_MAP = str.maketrans({
    "【": "[", "】": "]", "〔": "[", "〕": "]", "「": '"', "」": '"', "『": '"', "』": '"',
    "“": '"', "”": '"', "‘": "'", "’": "'", "〜": "~", "–": "-", "—": "-", "―": "-",
    "－": "-", "。": ".", "､": "、", "•": " ", "·": " ", "…": " ",
})

# Check marks mean "done" in chat; other pictographs carry no meaning for the grammar.
_DONE_MARKS = re.compile("[\u2705\u2714\u2611]\ufe0f?")
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


def normalize(text: str, bot_id: str | None = None) -> str:
    """Canonical text: NFKC, ASCII punctuation, no bot mention, single spaces, trimmed."""
    if len(text) > MAX_LEN:
        text = text[:MAX_LEN]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bot_id:
        text = re.sub(r"<@" + re.escape(bot_id) + r"(?:\|[^>]*)?>", " ", text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PUNCT_MAP)
    text = _DONE_MARKS.sub(" done ", text)
    if not text.isascii():
        text = "".join(_clean_char(ch) for ch in text)
    elif any(ord(ch) < 32 and ch != "\n" for ch in text):
        text = "".join(" " if ord(ch) < 32 and ch != "\n" else ch for ch in text)
    text = _SPACES.sub(" ", text)
    text = _LINES.sub("\n", text)
    return text.strip()
