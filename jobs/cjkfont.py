"""Which CJK font the digest charts draw Chinese labels with: an installed one, else the one the project ships.

A fresh machine often has no CJK font, and `make test` / `make run` install nothing with apt, so the project
ships its own (jobs/fonts/, package data): a subset of Noto Sans CJK SC Regular, made by `build()` below from
a pinned PyPI package with fontTools. Which characters it covers, its size and how to rebuild it:
jobs/fonts/README.md. An installed CJK font (full coverage) is preferred when there is one.

Rebuild (needs the network to PyPI once, ~1 min): `python -m jobs.cjkfont`.
"""

from __future__ import annotations

import contextlib
import hashlib
import pathlib
import subprocess
import sys
import tempfile
import zipfile
from typing import Any

FONT = pathlib.Path(__file__).with_name("fonts") / "NotoSansCJKsc-Regular-subset.otf"
FAMILY = "Noto Sans CJK SC Subset"  # renamed: a subset must not pass for the full font
# The source: Noto Sans CJK as Noto publishes it (variable, OFL-1.1), in a wheel with no dependencies.
SOURCE = "manimgx-fonts-cjk==2026.9.26.post1"
SOURCE_SHA256 = "05d5584c73877f37427cf0ca8067f5bacea2b596c7be79e8aedd634bb9f2b666"
SOURCE_FILE = "manimgx_fonts_cjk/NotoSansCJK-VF.otf.ttc"
SOURCE_LICENSE = "LICENSE"  # in the wheel's .dist-info/licenses/
WEIGHT = 400  # Regular; the variable font's default instance is Thin (100)
RANGES = (
    (0x20, 0x7E),      # ASCII
    (0xA0, 0xFF),      # Latin-1
    (0x2000, 0x206F),  # general punctuation: — … ‘’ “”
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # ① ②
    (0x25A0, 0x25FF),  # ■ ● ▲
    (0x3000, 0x30FF),  # CJK symbols and punctuation: 、。「」【】; kana
    (0xFF00, 0xFFEF),  # fullwidth forms: ，：（）％
)


def characters() -> set[int]:
    """What the subset covers: the ranges above, all of GB2312 (6,763 hanzi and its symbols), Big5 level 1
    (5,401 common traditional hanzi), and every character of the Chinese reply catalogue (the chart labels)."""
    chars = {c for lo, hi in RANGES for c in range(lo, hi + 1)}
    for codec, first, last in (("gb2312", 0xA1, 0xF7), ("big5", 0xA4, 0xC6)):
        for hi in range(first, last + 1):
            for lo in range(0x40, 0xFF):
                with contextlib.suppress(UnicodeDecodeError):  # an unassigned code
                    chars.update(map(ord, bytes([hi, lo]).decode(codec)))
    from bot.core.i18n import CATALOGUE

    chars.update(ord(c) for entry in CATALOGUE.values() for c in entry.get("zh", ""))
    return {c for c in chars if c >= 0x20}


def build(out: pathlib.Path = FONT) -> None:
    """Download the pinned source wheel, check its hash, take the SC face at Regular weight, subset it."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection
    from fontTools.varLib import instancer

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, SOURCE], check=True)
        (wheel,) = pathlib.Path(tmp).glob("*.whl")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != SOURCE_SHA256:
            raise SystemExit(f"{wheel.name}: sha256 {digest}, expected {SOURCE_SHA256}")
        with zipfile.ZipFile(wheel) as z:
            z.extractall(tmp)
            licence = next(n for n in z.namelist() if n.endswith(f"/licenses/{SOURCE_LICENSE}"))
        collection = TTCollection(str(pathlib.Path(tmp) / SOURCE_FILE))
        font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
        options = subset.Options()
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=characters())
        subsetter.subset(font)
        font = instancer.instantiateVariableFont(font, {"wght": WEIGHT})
        _rename(font)
        font.recalcTimestamp = False  # the same bytes on every build: `head.modified` stays the source's
        out.parent.mkdir(parents=True, exist_ok=True)
        font.save(str(out))
        (out.parent / "OFL.txt").write_bytes((pathlib.Path(tmp) / licence).read_bytes())
    print(f"{out}: {out.stat().st_size:,} bytes, {len(characters()):,} characters")


def _rename(font: Any) -> None:  # a fontTools TTFont
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = "Regular"
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"


if __name__ == "__main__":
    build()
