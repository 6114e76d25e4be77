"""Typed SQLAlchemy 2 models. Every timestamp is timezone-aware UTC; calendar dates are project-local."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations stay deterministic on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# supervisor (监理) and finance: issue 15 (contracts and acceptance; handlers/contracts.py).
ROLES = ("pmo", "sponsor", "pm", "member", "vendor", "viewer", "supervisor", "finance")
STATUSES = ("todo", "in_progress", "blocked", "done")
PRIORITIES = ("P0", "P1", "P2", "P3")
CHANGE_TYPES = ("schedule", "scope", "budget", "resource")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Store aware datetimes; SQLite drops the offset, so re-attach UTC on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Tenant(Base):
    """A workspace: a Slack team, a Feishu tenant or the local console."""

    __tablename__ = "tenants"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("platform", "external_id"),)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(8))  # chosen by the person or given by the platform
    seen_locale: Mapped[str | None] = mapped_column(String(8))  # the language of their last message that had one
    timezone: Mapped[str | None] = mapped_column(String(64))
    is_pmo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    identities: Mapped[list[Identity]] = relationship(back_populates="person", lazy="raise")


class Identity(Base):
    """One platform account of a person (a person may have a Slack and a Feishu identity)."""

    __tablename__ = "identities"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    person: Mapped[Person] = relationship(back_populates="identities", lazy="raise")
    __table_args__ = (UniqueConstraint("platform", "external_id"), Index("ix_identities_name", "platform", "name"))


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    key: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    methodology: Mapped[str] = mapped_column(String(16), default="waterfall")
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # the approved budget, if the client tracks it
    approval_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # None: the default (bot/domain/approvals.py)
    next_task_seq: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Archived: kept for the record, but no standups, risk scans, digests or weekly reports, and no new tasks.
    archived_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    __table_args__ = (CheckConstraint("methodology in ('waterfall','agile','hybrid')", name="methodology"),)


class Membership(Base):
    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # The organisation a `vendor` member works for: they see only its contracts (handlers/contracts.py).
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        UniqueConstraint("project_id", "person_id"),
        CheckConstraint("role in ('pmo','sponsor','pm','member','vendor','viewer','supervisor','finance')",
                        name="role"),
    )


class Chat(Base):
    """A conversation on a platform, optionally bound to a project."""

    __tablename__ = "chats"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("platform", "external_id"),)


class Milestone(Base):
    __tablename__ = "milestones"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    accepted_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="todo")
    priority: Mapped[str] = mapped_column(String(2), default="P2")
    # Due is a project-local calendar date with an optional local time ("by Friday 4pm").
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_time: Mapped[dt.time | None] = mapped_column(Time)
    estimate_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (
        UniqueConstraint("project_id", "seq"),
        CheckConstraint("status in ('todo','in_progress','blocked','done')", name="status"),
        CheckConstraint("priority in ('P0','P1','P2','P3')", name="priority"),
        CheckConstraint("progress >= 0 and progress <= 100", name="progress"),
        Index("ix_tasks_project_status", "project_id", "status"),
    )


class TaskAssignee(Base):
    __tablename__ = "task_assignees"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = (Index("ix_task_assignees_person", "person_id"),)


class WorkLog(Base):
    __tablename__ = "work_logs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    work_date: Mapped[dt.date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (
        CheckConstraint("hours > 0 and hours <= 24", name="hours"),
        Index("ix_work_logs_person_date", "person_id", "work_date"),
    )


class ChangeRequest(Base):
    """A change request; the approval workflow is built on top of this table."""

    __tablename__ = "change_requests"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id", ondelete="SET NULL"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    change_type: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(String(1000), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    impact: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (
        CheckConstraint("change_type in ('schedule','scope','budget','resource')", name="change_type"),
        # Every chatter message looks for its writer's open draft (handlers/changes.follow_up).
        Index("ix_change_requests_requester_status", "requester_id", "status"),
    )


class TaskDependency(Base):
    """`task_id` cannot finish before `depends_on_id`: when that one slips, this one moves with it."""

    __tablename__ = "task_dependencies"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    __table_args__ = (Index("ix_task_dependencies_depends_on", "depends_on_id"),
                      CheckConstraint("task_id <> depends_on_id", name="not_self"))


class ApprovalStep(Base):
    """One step of a change request's approval chain: the role that decides it, and the decision."""

    __tablename__ = "approval_steps"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    change_request_id: Mapped[int] = mapped_column(ForeignKey("change_requests.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # pm / sponsor / pmo
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / approved / rejected
    started_at: Mapped[dt.datetime | None] = mapped_column()  # when it became the current step
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(1000), default="")
    __table_args__ = (UniqueConstraint("change_request_id", "seq"),)


class Baseline(Base):
    """A version of a project's plan (due dates, estimates, milestones, budget); each applied change adds one."""

    __tablename__ = "baselines"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    change_request_id: Mapped[int | None] = mapped_column(ForeignKey("change_requests.id", ondelete="SET NULL"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("project_id", "version"),)


class AuditEntry(Base):
    """Append-only trail of every change: who, what, before, after, when."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    event_id: Mapped[str | None] = mapped_column(String(128))
    __table_args__ = (Index("ix_audit_log_entity", "entity"),)


class InboxEvent(Base):
    """Every inbound event, stored before it is acknowledged; (platform, event_id) drops duplicates."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="received")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(String(500))
    # Processing tries that failed; at Intake.max_attempts the row becomes `dead` (kept for `admin inbox`).
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The process that holds the row (the one that stored it, or recovered it) until `claimed_until`; a failed
    # row has no holder and waits until `claimed_until` before it is tried again (bot/intake.py).
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("platform", "event_id"), Index("ix_inbox_status", "status"))


class OutboxMessage(Base):
    """A message waiting to be sent; committed with the change that caused it."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str | None] = mapped_column(String(64))
    user: Mapped[str | None] = mapped_column(String(64))
    thread: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16), default="message")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(32))  # the sender holding the lease
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    sent_ref: Mapped[str | None] = mapped_column(String(128))  # the platform's id of the message we posted
    # A label ("cr:12:card") so later messages can answer in this one's thread or update it in place.
    tag: Mapped[str | None] = mapped_column(String(64))
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_conversation", "platform", "chat", "thread"),
                      Index("ix_outbox_tag", "tag"))


class CalendarDay(Base):
    """An admin's override of the working-day calendar: a holiday or a make-up workday (handlers/workdays.py)."""

    __tablename__ = "calendar_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (CheckConstraint("kind in ('holiday','workday')", name="kind"),)


class JobRun(Base):
    """A claimed run of a scheduled job; unique (job, slot), committed with the outbox rows it produced."""

    __tablename__ = "job_runs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("job", "slot"), Index("ix_job_runs_claimed_at", "claimed_at"))


class ProjectJobSettings(Base):
    """A project's overrides of the scheduled jobs' defaults (standup time, risk thresholds; jobs/config.py)."""

    __tablename__ = "project_job_settings"
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Leave(Base):
    """A person away from `start_date` to `end_date` inclusive (their local dates): no standup prompts."""

    __tablename__ = "leaves"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),
                      Index("ix_leaves_person_end", "person_id", "end_date"))


class StandupEntry(Base):
    """One person's standup for one project and day: asked when prompted, answered when they reply."""

    __tablename__ = "standup_entries"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    asked_at: Mapped[dt.datetime | None] = mapped_column()
    answered_at: Mapped[dt.datetime | None] = mapped_column()
    yesterday: Mapped[str | None] = mapped_column(Text)
    today: Mapped[str | None] = mapped_column(Text)
    blockers: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"items": [{"text", "task"?}]}
    __table_args__ = (UniqueConstraint("project_id", "person_id", "day"),
                      Index("ix_standup_entries_project_day", "project_id", "day"))


class Risk(Base):
    """A risk a scan raised on one entity: open until it clears; raised at most once per entity and day."""

    __tablename__ = "risks"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(64))  # task:<id>, milestone:<id>, change:<id>
    raised_on: Mapped[dt.date] = mapped_column(Date)  # project-local day
    raised_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column()
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # outbox id of the alert that raised it
    __table_args__ = (UniqueConstraint("project_id", "rule", "entity", "raised_on"),
                      Index("ix_risks_open", "project_id", "resolved_at"))


# ---- contracts and acceptance (issue 15) -------------------------------------------------------------------

ACCEPTANCE_STAGES = ("initial", "final")  # 初验, 终验; the trial run (试运行) is the time between them
PAYMENT_AFTER = ("signing", "initial", "trial", "final", "date")


class Vendor(Base):
    """An organisation that builds for the client (乙方/承建单位); its people are `vendor` members."""

    __tablename__ = "vendors"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Contract(Base):
    """A contract with a vendor on a project, shown as HT-<seq> (numbered per tenant)."""

    __tablename__ = "contracts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"))
    seq: Mapped[int] = mapped_column(Integer)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("tenant_id", "seq"), CheckConstraint("amount > 0", name="amount"))


class PaymentMilestone(Base):
    """A payment node (付款节点): released by an acceptance stage, the trial run's end, signing or a date."""

    __tablename__ = "payment_milestones"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # from the percent when one was given
    after: Mapped[str] = mapped_column(String(16))  # PAYMENT_AFTER
    after_date: Mapped[dt.date | None] = mapped_column(Date)  # after = date
    planned_on: Mapped[dt.date | None] = mapped_column(Date)
    payable_at: Mapped[dt.datetime | None] = mapped_column()
    released_by: Mapped[int | None] = mapped_column(ForeignKey("acceptances.id", ondelete="SET NULL"))
    paid_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    __table_args__ = (UniqueConstraint("contract_id", "seq"),
                      CheckConstraint("after in ('signing','initial','trial','final','date')", name="after"),
                      CheckConstraint("amount > 0 and paid_amount >= 0", name="amounts"))


class Acceptance(Base):
    """One acceptance stage (初验 or 终验) of a project's contract: submitted in rounds until it passes."""

    __tablename__ = "acceptances"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="SET NULL"))
    stage: Mapped[str] = mapped_column(String(16))  # ACCEPTANCE_STAGES
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / failed / passed
    submitted_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    rounds: Mapped[int] = mapped_column(Integer, default=1)
    trial_end: Mapped[dt.date | None] = mapped_column(Date)  # initial: asked for at submission, set on passing
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (CheckConstraint("stage in ('initial','final')", name="stage"),
                      CheckConstraint("status in ('pending','failed','passed')", name="status"))


class AcceptanceRound(Base):
    """One submission of a stage: what was delivered, and the issues (整改项) that failed it."""

    __tablename__ = "acceptance_rounds"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(ForeignKey("acceptances.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deliverables: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"items": [{"text", "url"?}]}
    status: Mapped[str] = mapped_column(String(16), default="pending")
    issues: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"items": [str]}
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("acceptance_id", "n"),)


class AcceptanceSignoff(Base):
    """One signer's step on a round; `status` moves from pending exactly once (compare-and-set)."""

    __tablename__ = "acceptance_signoffs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("acceptance_rounds.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # sponsor / supervisor / pmo
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / passed / failed
    started_at: Mapped[dt.datetime | None] = mapped_column()
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    issues: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # A signer pressed "fail" and the bot asked for the issues: their next message there is the list.
    asking_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    asking_since: Mapped[dt.datetime | None] = mapped_column()
    __table_args__ = (UniqueConstraint("round_id", "seq"),)


class TaskVerification(Base):
    """Vendor-reported done awaiting the client's check (handlers/verify.py); verified_at set once checked."""

    __tablename__ = "task_verifications"
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    reported_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    reported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    verified_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column()
