"""Digest charts as PNG bytes, drawn with matplotlib (imported lazily, here only) in chart worker processes.

`render()` draws in the job worker processes (jobs/workers.py): matplotlib's drawing holds the GIL for tens of
milliseconds at a time, so in a thread it stalls the event loop; in a process it does not, and the bot's
process never imports matplotlib.

Chinese labels need a CJK font: an installed one (Debian `fonts-noto-cjk`, `fonts-wqy-microhei`) when there
is one, else the subset of Noto Sans CJK SC the project ships (jobs/cjkfont.py, jobs/fonts/README.md), so a
fresh machine draws them without an apt step. `cjk_font()` says which font is used, and each PNG carries the series it plots as JSON in a tEXt chunk ("pmo-series"), so tests (and
people) can check what a chart shows without reading pixels.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
import logging
import threading
from collections.abc import Sequence
from typing import Any

from jobs import cjkfont

logger = logging.getLogger(__name__)

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Micro Hei",
             "WenQuanYi Zen Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei", "PingFang SC")
SERIES_KEY = "pmo-series"
_LOCK = threading.Lock()  # matplotlib's font cache and rcParams are not thread-safe
Spec = tuple[str, tuple[Any, ...], dict[str, Any]]  # chart name, args, keyword args


def warm_up() -> None:
    """matplotlib and the CJK font loaded (a job worker does it when it starts)."""
    cjk_font()
    _figure("")


def draw(name: str, args: tuple[Any, ...], kw: dict[str, Any]) -> bytes:
    fn: Any = {"burndown": burndown, "timeline": timeline, "portfolio": portfolio}[name]
    return bytes(fn(*args, **kw))


async def render(specs: Sequence[Spec]) -> list[bytes]:
    """Draw these charts in the job worker processes (jobs/workers.py), in order."""
    from jobs import workers

    return await workers.gather([(draw, spec) for spec in specs])


@functools.cache
def cjk_font() -> str | None:
    """The first installed CJK font, else the bundled subset; None only if that file is missing (then Chinese
    labels would be boxes)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = next((name for name in CJK_FONTS if name in installed), None)
    if found is None and cjkfont.FONT.is_file():
        font_manager.fontManager.addfont(str(cjkfont.FONT))  # this process only; cheap (reads the name table)
        found = cjkfont.FAMILY
    if found is None:
        logger.warning("no CJK font found and %s is missing: Chinese chart labels will not render; install "
                       "fonts-noto-cjk (docs/operations.md)", cjkfont.FONT)
    return found


def matplotlib_family() -> list[str]:
    """The CJK font first, DejaVu Sans (matplotlib's own) for anything it lacks."""
    font = cjk_font()
    return [font, "DejaVu Sans"] if font else ["DejaVu Sans"]


def _figure(title: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = matplotlib_family()
    matplotlib.rcParams["axes.unicode_minus"] = False
    fig = Figure(figsize=(7, 3.6), dpi=100)
    ax = fig.add_subplot()
    ax.set_title(title)
    return fig, ax


def _png(fig: Any, series: dict[str, Any]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={SERIES_KEY: json.dumps(series, ensure_ascii=False)})
    return buf.getvalue()


def burndown(title: str, days: Sequence[dt.date], remaining: Sequence[int], *, labels: dict[str, str]) -> bytes:
    """Open tasks at the end of each day, against the ideal straight line to zero."""
    with _LOCK:
        fig, ax = _figure(title)
        x = list(range(len(days)))
        start = remaining[0] if remaining else 0
        ideal = [round(start * (1 - i / max(1, len(days) - 1)), 2) for i in x]
        ax.plot(x, list(remaining), marker="o", label=labels["actual"])
        ax.plot(x, ideal, linestyle="--", label=labels["ideal"])
        ax.set_xticks(x, [d.strftime("%m-%d") for d in days], rotation=45, fontsize=8)
        ax.set_ylabel(labels["y"])
        ax.legend()
        return _png(fig, {"kind": "burndown", "days": [d.isoformat() for d in days],
                          "remaining": list(remaining), "ideal": ideal})


def timeline(title: str, milestones: Sequence[tuple[str, dt.date, int]], today: dt.date,
             *, labels: dict[str, str]) -> bytes:
    """Milestones on a date axis, each with its completion; today as a line."""
    with _LOCK:
        fig, ax = _figure(title)
        names = [m[0] for m in milestones]
        for i, (_name, due, pct) in enumerate(milestones):
            colour = "tab:green" if pct >= 100 else ("tab:red" if due < today else "tab:blue")
            ax.scatter([due.toordinal()], [i], s=120, marker="D", color=colour, zorder=3)
            ax.annotate(f"{pct}%", (due.toordinal(), i), textcoords="offset points", xytext=(8, -4))
        ax.axvline(today.toordinal(), color="grey", linestyle=":", label=labels["today"])
        ax.set_yticks(list(range(len(names))), names)
        ticks = sorted({m[1].toordinal() for m in milestones} | {today.toordinal()})
        ax.set_xticks(ticks, [dt.date.fromordinal(t).strftime("%m-%d") for t in ticks], rotation=45, fontsize=8)
        ax.legend(loc="lower right")
        return _png(fig, {"kind": "timeline", "milestones": [[n, d.isoformat(), p] for n, d, p in milestones],
                          "today": today.isoformat()})


def portfolio(title: str, rows: Sequence[tuple[str, int, str]], *, labels: dict[str, str]) -> bytes:
    """Completion per project, coloured by red/amber/green."""
    with _LOCK:
        fig, ax = _figure(title)
        colours = {"red": "tab:red", "amber": "orange", "green": "tab:green"}
        y = list(range(len(rows)))
        ax.barh(y, [r[1] for r in rows], color=[colours.get(r[2], "grey") for r in rows])
        ax.set_yticks(y, [r[0] for r in rows])
        ax.set_xlim(0, 100)
        ax.set_xlabel(labels["x"])
        return _png(fig, {"kind": "portfolio", "projects": [list(r) for r in rows]})


def series_of(png: bytes) -> dict[str, Any]:
    """Read back the series a chart carries (its tEXt chunk)."""
    import struct

    pos = 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data = png[pos + 8:pos + 8 + length]
        if kind in (b"tEXt", b"iTXt") and data.startswith(SERIES_KEY.encode() + b"\0"):
            raw = data[len(SERIES_KEY) + 1:]
            if kind == b"iTXt":  # compression flag, method, language\0, translated keyword\0, text
                raw = raw[2:].split(b"\0", 2)[2]
            return dict(json.loads(raw.decode("utf-8")))
        pos += 12 + length
    return {}
