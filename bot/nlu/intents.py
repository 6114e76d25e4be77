"""The structured results of parsing: one dataclass per intent of the ``pmo-bot parse`` contract.

``to_dict()`` gives exactly the contract's JSON object: ``intent`` plus every field, with
``None`` (JSON null) for anything the message did not say.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


class _Base:
    intent: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"intent": self.intent}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = [v.to_dict() if isinstance(v, LogEntry) else v for v in value]
            out[f.name] = value
        return out


@dataclass(slots=True)
class CreateTask(_Base):
    intent: ClassVar[str] = "create_task"
    title: str | None = None
    assignees: list[str] = field(default_factory=list)
    due: str | None = None
    priority: str | None = None  # P0..P3
    estimate_hours: float | None = None
    project: str | None = None


@dataclass(slots=True)
class UpdateTask(_Base):
    intent: ClassVar[str] = "update_task"
    task: str | None = None
    status: str | None = None  # todo / in_progress / blocked / done
    progress: int | None = None  # 0..100
    assignees: list[str] | None = None  # set only when the task is reassigned
    due: str | None = None


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
    entries: list[LogEntry] = field(default_factory=list)


@dataclass(slots=True)
class RequestChange(_Base):
    intent: ClassVar[str] = "request_change"
    task: str | None = None
    project: str | None = None
    change_type: str | None = None  # schedule / scope / budget / resource
    summary: str | None = None
    new_due: str | None = None
    extra_hours: float | None = None
    reason: str | None = None


@dataclass(slots=True)
class ChangeAction(_Base):
    """A step on an existing change request, or a look at them (not part of issue 3's contract)."""

    intent: ClassVar[str] = "change_action"
    action: str = "show"  # approve / reject / withdraw / show / list / mine
    change: int | None = None  # the request's number (CR-12 -> 12)
    project: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Query(_Base):
    intent: ClassVar[str] = "query"
    query: str = "my_tasks"  # my_tasks / project_status / overdue / hours / task
    task: str | None = None
    project: str | None = None


@dataclass(slots=True)
class Standup(_Base):
    intent: ClassVar[str] = "standup"
    yesterday: str | None = None
    today: str | None = None
    blockers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Leave(_Base):
    """Away from `start` to `end` (inclusive local dates): no standup prompts then."""

    intent: ClassVar[str] = "leave"
    start: str | None = None
    end: str | None = None


@dataclass(slots=True)
class Help(_Base):
    intent: ClassVar[str] = "help"
    topic: str | None = None


@dataclass(slots=True)
class Admin(_Base):
    """Setup commands the bot needs besides issue 3's list (projects, members, settings)."""

    intent: ClassVar[str] = "admin"
    action: str = ""  # create_project / bind_chat / add_member / set_timezone / set_locale / show_policy / set_policy
    project: str | None = None
    name: str | None = None
    user: str | None = None
    role: str | None = None  # pmo / sponsor / pm / member / vendor / viewer
    value: str | None = None


@dataclass(slots=True)
class Unknown(_Base):
    intent: ClassVar[str] = "unknown"




# ---- issue 15: contracts, payments, acceptance (bot/nlu/contracts.py) ----------------------------------------

@dataclass(slots=True)
class ContractQuery(_Base):
    """"CRM 合同" (list) / "HT-1 付款计划" (plan) / "CRM 验收" (acceptances)."""

    intent: ClassVar[str] = "contract_query"
    action: str = "list"  # list / plan / acceptances
    project: str | None = None
    contract: str | None = None  # HT-n


@dataclass(slots=True)
class RecordPayment(_Base):
    """"HT-1 初验款 已付款 2026-12-20 480000" / "HT-1 mark 初验款 paid 480000 on 2026-12-20"."""

    intent: ClassVar[str] = "record_payment"
    contract: str | None = None
    payment: str | None = None
    amount: float | None = None  # None: the rest of it
    day: str | None = None  # ISO date; None: today


@dataclass(slots=True)
class SubmitAcceptance(_Base):
    """"提交初验 CRM，交付物：部署手册 https://…；测试报告" / "submit CRM for final acceptance: …"."""

    intent: ClassVar[str] = "submit_acceptance"
    stage: str = "initial"  # initial / final
    project: str | None = None
    contract: str | None = None
    deliverables: list[dict[str, str]] = field(default_factory=list)  # {"text", "url"?}
    trial_months: int | None = None
    trial_end: str | None = None


@dataclass(slots=True)
class AcceptanceAction(_Base):
    """"YS-2 通过" / "fail YS-2: a; b" / "YS-2" (show)."""

    intent: ClassVar[str] = "acceptance_action"
    action: str = "show"  # pass / fail / show
    acceptance: int | None = None
    issues: list[str] = field(default_factory=list)


Intent = (CreateTask | UpdateTask | LogHours | RequestChange | ChangeAction | Query | Standup | Leave | Help | Admin
          | Unknown | ContractQuery | RecordPayment | SubmitAcceptance | AcceptanceAction)  # issue 15: the last four


def to_dict(intent: Intent) -> dict[str, Any]:
    return intent.to_dict()
