"""Long text in pieces a platform accepts: one home for how both renderers split lists instead of cutting them."""

from __future__ import annotations

from collections.abc import Callable

# Said after the last piece when a message cannot hold every line (Slack: 50 blocks; Feishu: 30 KB a message).
MORE = ("… 还有 {n} 行未显示，请缩小查询范围（如加上项目代号） / "
        "{n} more lines not shown: narrow the query (e.g. add a project key)")


def pieces(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` in pieces of at most `limit` by `measure` (Slack: the escaped length), cut at line ends where
    possible. The raw text is cut, before any escaping, so no piece ends inside an escaped entity."""
    out: list[str] = []
    current: list[str] = []  # the lines of the piece being built
    size = 0
    for line in text.split("\n"):
        cost, cut = measure(line), False
        while cost > limit:  # one line longer than a piece: cut it by characters
            if current:
                out.append("\n".join(current))
                current, size = [], 0
            head, used = "", 0
            for ch in line:
                c = measure(ch)
                if used + c > limit:
                    break
                head, used = head + ch, used + c
            head = head or line[0]  # a limit below one character's cost still moves on
            out.append(head)
            line, cut = line[len(head):], True
            cost = measure(line)
        if cut and not line:
            continue
        extra = cost + (1 if current else 0)
        if current and size + extra > limit:
            out.append("\n".join(current))
            current, size = [line], cost
        else:
            current.append(line)
            size += extra
    if current or not out:
        out.append("\n".join(current))
    return out


def fit(parts: list[str], room: int) -> list[str]:
    """At most `room` parts: past it, the last kept part says how many lines are left out."""
    if len(parts) <= room:
        return parts
    hidden = sum(p.count("\n") + 1 for p in parts[room - 1:])
    return [*parts[:room - 1], MORE.format(n=hidden)]
