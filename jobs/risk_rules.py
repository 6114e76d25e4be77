"""The risk rules' registry: one rule is one function and one threshold setting, registered by `@rule`.

A rule reads one kind of fact (`reads`: a task due soon, a blocked task, a milestone, a contract, …, as the scan
gathers them), one item at a time, and yields what is at risk about it (`Found`). Its `setting` names its
per-project threshold in jobs/config.py (`DEFAULTS["risks"]`; `pmo-bot jobs settings KEY --set
risks.<setting>=…`), handed to it as `limit`; for a project where that setting is off (None or false) the rule
is not asked. `evaluate` asks, kind after kind in the order it is given them and item after item, each rule of
that kind in the order the rules were registered, so what is found (and the order new risks are stored in)
depends on the facts alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.workdays import WorkCalendar, WorkingHours
from jobs.config import DEFAULTS


@dataclass(frozen=True, slots=True)
class Found:
    project_id: int
    rule: str
    entity: str
    params: dict[str, Any]  # what the message says (i18n parameters)
    owners: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Scope:
    """What a rule knows of the project an item belongs to."""

    project: Any  # key, timezone, locale (and, for contract facts, the project row with its policies)
    cfg: dict[str, Any]  # the project's risk settings
    local: dt.datetime  # now, on the project's clock
    cal: WorkCalendar
    between: Callable[[dt.date, dt.date], int]  # working days between two days (the calendar's, cached)
    hours: WorkingHours | None = None  # office hours, for SLAs counted in working hours
    assignees: Mapping[int, Sequence[int]] = field(default_factory=dict)  # task id -> its assignees

    @property
    def today(self) -> dt.date:
        return self.local.date()


Check = Callable[[Any, Any, Scope], Iterable[Found]]  # (item, limit, scope) -> what is at risk


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    reads: str
    setting: str
    check: Check


REGISTRY: dict[str, Rule] = {}


def rule(name: str, *, reads: str, setting: str) -> Callable[[Check], Check]:
    """Register `check` as the rule `name` (its message is the catalogue's `risk.<name>`)."""
    if setting not in DEFAULTS["risks"]:
        raise ValueError(f"risk rule {name!r}: no setting risks.{setting} in jobs/config.py")

    def register(check: Check) -> Check:
        if name in REGISTRY:
            raise ValueError(f"risk rule {name!r} is registered twice")
        REGISTRY[name] = Rule(name, reads, setting, check)
        return check

    return register


def evaluate(items: Mapping[str, Iterable[tuple[int, Any]]], scopes: Mapping[int, Scope]) -> list[Found]:
    """Every registered rule applied to `items` (kind -> (project id, item)); pure."""
    out: list[Found] = []
    for kind, pairs in items.items():
        rules = [r for r in REGISTRY.values() if r.reads == kind]
        if not rules:
            continue
        for pid, item in pairs:
            scope = scopes[pid]
            for r in rules:
                limit = scope.cfg[r.setting]
                if limit is None or limit is False:
                    continue
                out.extend(r.check(item, limit, scope))
    return out


def order(shown: Sequence[str]) -> dict[str, int]:
    """Each rule's place in a message: those `shown` names first, in that order, then the rest as registered."""
    rest = [name for name in REGISTRY if name not in shown]
    return {name: i for i, name in enumerate([*shown, *rest])}
