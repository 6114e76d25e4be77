"""The risk rules' registry: one rule is one function and one threshold setting, registered by `@rule`.

A rule reads one kind of fact (`reads`: a task due soon, a blocked task, a milestone, a contract, …, as the scan
gathers them), one item at a time, and returns what is at risk about it (`Found`s: a tuple, `()` for nothing,
or a generator). Its `setting` names its per-project threshold in jobs/config.py (`DEFAULTS["risks"]`;
`pmo-bot jobs settings KEY --set risks.<setting>=…`), handed to it as `limit`; for a project where that setting
is off (None or false) the rule is not asked. `evaluate` asks, kind after kind in the order it is given them and
item after item, each rule of that kind in the order the rules were registered, so what is found (and the order
new risks are stored in) depends on the facts alone.
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
    today: dt.date = field(init=False)  # the project's day

    def __post_init__(self) -> None:
        object.__setattr__(self, "today", self.local.date())


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


def evaluate(kinds: Mapping[str, tuple[Callable[[Any], int], Iterable[Any]]], scopes: Mapping[int, Scope]
             ) -> list[Found]:
    """Every registered rule applied to the items of each kind (kind -> (a function giving an item's project id,
    the items)); pure."""
    out: list[Found] = []
    extend = out.extend
    for kind, (project_of, items) in kinds.items():
        rules = [r for r in REGISTRY.values() if r.reads == kind]
        if not rules:
            continue
        asked: dict[int, tuple[Scope, list[tuple[Check, Any]]]] = {}  # per project: the rules it has on
        for item in items:
            pid = project_of(item)
            found = asked.get(pid)
            if found is None:
                s = scopes[pid]
                found = asked[pid] = (s, [(r.check, limit) for r in rules
                                          if (limit := s.cfg[r.setting]) is not None and limit is not False])
            scope, checks = found
            for check, limit in checks:
                extend(check(item, limit, scope))
    return out


def order(shown: Sequence[str]) -> dict[str, int]:
    """Each rule's place in a message: those `shown` names first, in that order, then the rest as registered."""
    rest = [name for name in REGISTRY if name not in shown]
    return {name: i for i, name in enumerate([*shown, *rest])}
