"""The structured results of parsing: one dataclass per intent of the ``pmo-bot parse`` contract.

``to_dict()`` gives exactly the contract's JSON object: ``intent`` plus every field, with
``None`` (JSON null) for anything the message did not say.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

# The values of each discriminating field, so a handler's dispatch table and the grammars agree (mypy checks both).
TaskStatus = Literal["todo", "in_progress", "blocked", "done"]
ChangeType = Literal["schedule", "scope", "budget", "resource"]
ChangeVerb = Literal["approve", "reject", "withdraw", "show", "list", "mine"]
QueryKind = Literal["my_tasks", "project_status", "overdue", "hours", "task"]
AdminAction = Literal["", "create_project", "bind_chat", "add_member", "set_timezone", "set_locale", "show_policy",
                      "set_policy", "list_members", "remove_member", "list_projects"]
ContractView = Literal["list", "plan", "acceptances"]
AcceptanceStage = Literal["initial", "final"]
AcceptanceVerb = Literal["pass", "fail", "show"]
HoursKind = Literal["hours", "missing_hours"]
ListKind = Literal["tasks", "risks"]
ListScope = Literal["open", "due_this_week", "due_next_week", "done_this_week"]
LeaveVerb = Literal["show", "cancel", "ask", "part_day"]
CancelWhat = Literal["last", "log", "change", "task", "update", "leave"]
DelayUnit = Literal["days", "workdays"]
Greeting = Literal["hello", "thanks"]

# Fields added after the first `pmo-bot parse` contract: left out of `to_dict()` while empty.
EXTRA = {"extra": True}
# Values the parser reads for the handler that are not part of the `pmo-bot parse` contract: never in `to_dict()`.
INTERNAL = {"internal": True}


# What an intent class declares about itself for the write gate (gate.py): True, it always writes; False, it never
# does; a set, the values of its `action` that write (approving a change request writes, showing one does not).
Writes: typing.TypeAlias = bool | frozenset[str]
_MEMBERSHIP = frozenset({"add_member", "remove_member"})  # the admin writes a question or a negation can name


class _Base:
    """Every intent class declares, in its own body (tests/test_intents.py checks each one does):

    - ``intent``: its name in the ``pmo-bot parse`` contract;
    - ``writes``: what the write gate guards (:data:`Writes`); a question or a negation of a write writes nothing;
    - ``undoes`` (optional): the actions whose own words are a cancel or remove command ("取消请假", "把 @vic 移出
      CRM"), so the gate's cancellation rule must not read them as an undo; only a question or a negation stops them;
    - ``answers``: a message read as this may instead answer a question the bot asked (the reason of a Reject
      click, the date a draft change request lacks), so the router's answer handlers see it first.
    """

    intent: ClassVar[str]
    writes: ClassVar[Writes]
    undoes: ClassVar[frozenset[str]] = frozenset()
    answers: ClassVar[bool]

    def is_write(self) -> bool:
        """Whether this reading asks for a write (the class's `writes`, for its action when that decides)."""
        writes = type(self).writes
        if isinstance(writes, bool):
            return writes
        return getattr(self, "action", None) in writes

    def undoes_itself(self) -> bool:
        return getattr(self, "action", None) in type(self).undoes

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"intent": self.intent}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.metadata.get("internal"):
                continue
            if f.metadata.get("extra") and not value:
                continue  # beyond the original contract: shown only when it says something
            if isinstance(value, list):
                value = [v.to_dict() if isinstance(v, LogEntry) else v for v in value]
            out[f.name] = value
        return out


@dataclass(slots=True)
class CreateTask(_Base):
    intent: ClassVar[str] = "create_task"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    title: str | None = None
    assignees: list[str] = field(default_factory=list)
    due: str | None = None
    priority: str | None = None  # P0..P3
    estimate_hours: float | None = None
    project: str | None = None
    # Things the card should show: {"code": "weekday_mismatch", "date", "said", "actual"} when the weekday
    # said with a date is not that date's ("Thursday, Sep 20": the date wins).
    warnings: list[dict[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class UpdateTask(_Base):
    intent: ClassVar[str] = "update_task"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    task: str | None = None
    status: TaskStatus | None = None
    progress: int | None = None  # 0..100
    assignees: list[str] | None = None  # set only when the task is reassigned
    due: str | None = None
    also: list[str] = field(default_factory=list, metadata=EXTRA)  # more keys the same update names
    weak: list[str] = field(default_factory=list, metadata=EXTRA)  # why the reading may be wrong (see mood)


@dataclass(slots=True)
class LogEntry:
    task: str | None = None
    hours: float | None = None
    date: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"task": self.task, "hours": self.hours, "date": self.date, "note": self.note}


@dataclass(slots=True)
class LogHours(_Base):
    intent: ClassVar[str] = "log_hours"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    entries: list[LogEntry] = field(default_factory=list)
    weak: list[str] = field(default_factory=list, metadata=EXTRA)


@dataclass(slots=True)
class RequestChange(_Base):
    intent: ClassVar[str] = "request_change"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    task: str | None = None
    project: str | None = None
    change_type: ChangeType | None = None
    summary: str | None = None
    new_due: str | None = None
    extra_hours: float | None = None
    reason: str | None = None
    # The figures the request asks for besides a date and hours (read by bot/nlu/approval.py from the summary,
    # then the whole message): money ("追加预算5万"), extra people ("加2个测试"), a slip ("延期3个工作日": (3,
    # "workdays"); weeks are 7 days each), and whether it asks in so many words to reopen a done task.
    budget: float | None = field(default=None, metadata=INTERNAL)
    people: int | None = field(default=None, metadata=INTERNAL)
    delay: tuple[int, DelayUnit] | None = field(default=None, metadata=INTERNAL)
    reopen: bool = field(default=False, metadata=INTERNAL)


@dataclass(slots=True)
class ChangeAction(_Base):
    """A step on an existing change request, or a look at them (not part of issue 3's contract)."""

    intent: ClassVar[str] = "change_action"
    writes: ClassVar[Writes] = frozenset({"approve", "reject", "withdraw"})  # a decision; show / list / mine read
    answers: ClassVar[bool] = False
    action: ChangeVerb = "show"
    change: int | None = None  # the request's number (CR-12 -> 12)
    project: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Query(_Base):
    intent: ClassVar[str] = "query"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = True
    query: QueryKind = "my_tasks"
    task: str | None = None
    project: str | None = None


@dataclass(slots=True)
class Standup(_Base):
    intent: ClassVar[str] = "standup"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = True
    yesterday: str | None = None
    today: str | None = None
    blockers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Leave(_Base):
    """Away from `start` to `end` (inclusive local dates): no standup prompts then."""

    intent: ClassVar[str] = "leave"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    start: str | None = None
    end: str | None = None
    weak: list[str] = field(default_factory=list, metadata=EXTRA)


@dataclass(slots=True)
class Help(_Base):
    intent: ClassVar[str] = "help"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = True
    topic: str | None = None


@dataclass(slots=True)
class Admin(_Base):
    """Setup commands the bot needs besides issue 3's list (projects, members, settings)."""

    intent: ClassVar[str] = "admin"
    writes: ClassVar[Writes] = _MEMBERSHIP
    undoes: ClassVar[frozenset[str]] = _MEMBERSHIP
    answers: ClassVar[bool] = False
    action: AdminAction = ""
    project: str | None = None
    name: str | None = None
    user: str | None = None
    role: str | None = None  # pmo / sponsor / pm / member / vendor / viewer
    value: str | None = None


@dataclass(slots=True)
class Unknown(_Base):
    """Not understood. What its answer needs, outside the contract (bot/nlu/suggest.py, on the message as
    written): a greeting or thanks, the capabilities its words point at (most first), and whether it asked."""

    intent: ClassVar[str] = "unknown"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = True
    greeting: Greeting | None = field(default=None, metadata=INTERNAL)
    closest: list[str] = field(default_factory=list, metadata=INTERNAL)
    question: bool = field(default=False, metadata=INTERNAL)


def to_dict(intent: _Base) -> dict[str, Any]:
    return intent.to_dict()


# ---- issue 15: contracts, payments, acceptance (bot/nlu/contracts.py) ----------------------------------------

@dataclass(slots=True)
class ContractQuery(_Base):
    """"CRM 合同" (list) / "HT-1 付款计划" (plan) / "CRM 验收" (acceptances)."""

    intent: ClassVar[str] = "contract_query"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    action: ContractView = "list"
    project: str | None = None
    contract: str | None = None  # HT-n


@dataclass(slots=True)
class RecordPayment(_Base):
    """"HT-1 初验款 已付款 2026-12-20 480000" / "HT-1 mark 初验款 paid 480000 on 2026-12-20"."""

    intent: ClassVar[str] = "record_payment"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    contract: str | None = None
    payment: str | None = None
    amount: float | None = None  # None: the rest of it
    day: str | None = None  # ISO date; None: today


@dataclass(slots=True)
class SubmitAcceptance(_Base):
    """"提交初验 CRM，交付物：部署手册 https://…；测试报告" / "submit CRM for final acceptance: …"."""

    intent: ClassVar[str] = "submit_acceptance"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    stage: AcceptanceStage = "initial"
    project: str | None = None
    contract: str | None = None
    deliverables: list[dict[str, str]] = field(default_factory=list)  # {"text", "url"?}
    trial_months: int | None = None
    trial_end: str | None = None


@dataclass(slots=True)
class AcceptanceAction(_Base):
    """"YS-2 通过" / "fail YS-2: a; b" / "YS-2" (show)."""

    intent: ClassVar[str] = "acceptance_action"
    writes: ClassVar[Writes] = frozenset({"pass", "fail"})  # a signer's decision
    answers: ClassVar[bool] = False
    action: AcceptanceVerb = "show"
    acceptance: int | None = None
    issues: list[str] = field(default_factory=list)


# --- issue 13 item 7: questions people asked that had no intent (h-intents). Hours, task lists and risks keep the
# contract's `query` intent with its `query` discriminator, so a reader of `pmo-bot parse` sees a question; each
# adds the fields that say what was asked.


@dataclass(slots=True)
class HoursQuery(_Base):
    """Hours logged: whose (`person`, else the asker; `team`: everyone on the project), on what, over which days."""

    intent: ClassVar[str] = "query"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    query: HoursKind = "hours"  # missing_hours: "今天谁没填工时"
    task: str | None = None
    project: str | None = None
    person: str | None = None  # a mention or a name as written; "me"; None: the project's total, else the asker's
    team: bool = False
    period: str = "this_week"  # today / yesterday / this_week / last_week / this_month / last_month / range
    start: str | None = None  # inclusive local dates of the period
    end: str | None = None


@dataclass(slots=True)
class TaskList(_Base):
    """A list of tasks: a project's, a person's, due or done in a week."""

    intent: ClassVar[str] = "query"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    query: ListKind = "tasks"
    task: str | None = None
    project: str | None = None
    person: str | None = None  # a mention or a name; "me" for the asker
    scope: ListScope = "open"


@dataclass(slots=True)
class LeaveAction(_Base):
    """Leave that is not a new record: show it, cancel it, ask which days, or a part of a day (not leave)."""

    intent: ClassVar[str] = "leave_action"
    writes: ClassVar[Writes] = frozenset({"cancel"})
    undoes: ClassVar[frozenset[str]] = frozenset({"cancel"})
    answers: ClassVar[bool] = False
    action: LeaveVerb = "show"
    person: str | None = None  # whose leave (show); None is the asker
    start: str | None = None
    end: str | None = None


Intent = (CreateTask | UpdateTask | LogHours | RequestChange | ChangeAction | Query | Standup | Leave | Help | Admin
          | Unknown | HoursQuery | TaskList | LeaveAction
          | ContractQuery | RecordPayment | SubmitAcceptance | AcceptanceAction)  # issue 15: the last four


# ---- write safety (issue 13): what the gate in parser.py returns instead of a write -------------------------

@dataclass(slots=True)
class Cancel(_Base):
    """Take one thing back: "撤销", "undo CRM-19", "取消请假", "cancel my last log", "never mind"."""

    intent: ClassVar[str] = "cancel"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    what: CancelWhat = "last"
    task: str | None = None


@dataclass(slots=True)
class Negated(_Base):
    """A write the message says not to do ("别给我记 CRM-21 2小时", "CRM-8 不要标完成"): nothing is written."""

    intent: ClassVar[str] = "negated"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    act: str = ""  # the intent it would have been (log_hours, update_task, ...)
    task: str | None = None


@dataclass(slots=True)
class Unanswered(_Base):
    """A question no query grammar reads yet: answered honestly, never turned into a write."""

    intent: ClassVar[str] = "unanswered"
    writes: ClassVar[Writes] = False
    answers: ClassVar[bool] = False
    looks_like: str = ""  # the write it resembled (for the reply's hint)
    task: str | None = None


@dataclass(slots=True)
class TaskNote(_Base):
    """A remark on a task kept in its history: a forecast ("明天能搞完"), or news that unblocks it
    ("好了，继续", "白名单开通了": a blocked task goes back in progress)."""

    intent: ClassVar[str] = "task_note"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    task: str | None = None
    note: str = ""
    resume: bool = False
    also: list[str] = field(default_factory=list, metadata=EXTRA)


@dataclass(slots=True)
class EditTask(_Base):
    """Task fields besides status: rename, priority, estimate, co-assignees, "我接了", done with hours."""

    intent: ClassVar[str] = "edit_task"
    writes: ClassVar[Writes] = True
    answers: ClassVar[bool] = False
    task: str | None = None
    title: str | None = None
    priority: str | None = None
    estimate_hours: float | None = None
    add_assignees: list[str] = field(default_factory=list)
    take: bool = False  # the writer takes the task
    done_hours: float | None = None  # "done, took 30 mins": done, and that much logged today
    weak: list[str] = field(default_factory=list, metadata=EXTRA)  # "CRM-3 完成 2h": done and logged, or logged?


SafetyIntent = Cancel | Negated | Unanswered | TaskNote | EditTask
AnyIntent = Intent | SafetyIntent

# Every intent class, as the unions above list them: what the gate and the dispatcher derive their sets from.
ALL: tuple[type[_Base], ...] = typing.get_args(AnyIntent)
ANSWERABLE: tuple[type[_Base], ...] = tuple(c for c in ALL if c.answers)
