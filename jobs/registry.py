"""Every scheduled job: its name, function and schedule. The scheduler and the CLI both read this table.

The schedules are a few frequent ticks, not one job per person: each tick works out, in every reader's own
timezone, who is due now (performance-facts: 10k per-user cron jobs drop bursts; a tick over an index is µs).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from jobs import digest, housekeeping, reports, risks, standup
from jobs.context import JobContext


@dataclass(frozen=True, slots=True)
class JobSpec:
    name: str
    run: Callable[[JobContext], Awaitable[None]]
    cron: dict[str, str] = field(default_factory=dict)  # CronTrigger fields, in UTC
    tick: bool = True  # a frequent tick (sped up by PMO_JOB_TICK_SECONDS in tests)
    what: str = ""


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec(standup.PROMPT, standup.prompts, {"minute": "*"},
            what="each member's standup question at standup.time in their own timezone, on working days"),
    JobSpec(standup.SUMMARY, standup.summaries, {"minute": "*"},
            what="one summary per project chat at standup.summary_time (project timezone)"),
    JobSpec(risks.SCAN, risks.scan, {"minute": "*/15"},
            what="risk rules per project in working hours; one threaded message per project with changes"),
    JobSpec(digest.DAILY, digest.daily, {"minute": "*"},
            what="PM, sponsor and PMO digests with a chart at each reader's end of day"),
    JobSpec(reports.WEEKLY, reports.weekly, {"minute": "*/5"},
            what="weekly report (周报) to each project chat, last working day of the week"),
    JobSpec("housekeeping", housekeeping.run, {"hour": "3", "minute": "17"}, tick=False,
            what="trim old inbox, sent outbox and job-run rows"),
)}
