"""Per-project settings of the scheduled jobs: defaults here, a project's overrides in `project_job_settings`."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

DEFAULTS: dict[str, Any] = {
    "standup": {
        "enabled": True,
        "time": "09:30",  # each member's own local time
        "summary_time": "10:30",  # the project's local time: the chat gets one summary
        "days": "workdays",  # the working calendar (holidays off, make-up workdays on), or ISO weekdays [1..7]
        "roles": ["pm", "member", "vendor"],
        "questions": [],  # empty: yesterday / today / blockers in the member's language
    },
    "risks": {
        "enabled": True,
        "hours": [9, 18],  # scans run in these project-local hours on working days
        "overdue": True,
        "due_soon_workdays": 1,  # due within N working days and ...
        "due_soon_progress": 50,  # ... not started or under this progress
        "blocked_workdays": 2,
        "overrun_pct": 120,  # logged hours over this % of the estimate
        "milestone_slip": True,
        "day_hours": 8,  # an assignee's working hours per working day, for the milestone forecast
        "approval_sla": True,  # a step pending past the approval policy's SLA (handlers/approvals.py: sla_hours)
        "idle_workdays": 3,  # in progress with no hours logged for N working days
    },
    "digest": {"enabled": True, "time": None},  # None: WORKDAY_END in each reader's timezone
    "weekly": {"enabled": True, "weekday": "last_workday", "time": "16:00"},
}

# issue 15: the contract risks' thresholds (jobs/contract_risks.py), settable like the others.
DEFAULTS["risks"].update({
    "payment_unaccepted": True,  # a payment past its planned date, its acceptance not signed off
    "signoff_sla": True,  # an acceptance sign-off pending past the acceptance policy's sla_hours
    "trial_ending_workdays": 10,  # a trial run ending within N working days
    "contract_overrun": True,  # paid + payable over the contract's amount
    "vendor_done_unverified_days": 3,  # vendor-reported done not verified after N days
})

# How late a missed run (the process was down) is still worth sending.
GRACE = {"standup": dt.timedelta(hours=2), "summary": dt.timedelta(hours=2), "digest": dt.timedelta(hours=3),
         "weekly": dt.timedelta(hours=6)}


def merged(stored: dict[str, Any] | None) -> dict[str, Any]:
    """The defaults with a project's overrides laid over them, section by section."""
    out = copy.deepcopy(DEFAULTS)
    for section, values in (stored or {}).items():
        if isinstance(values, dict) and section in out:
            out[section].update(values)
    return out


def parse_time(value: str) -> dt.time:
    hh, _, mm = str(value).partition(":")
    return dt.time(int(hh), int(mm or 0))


def apply_assignment(stored: dict[str, Any], assignment: str) -> dict[str, Any]:
    """`standup.time=09:00`, `risks.overrun_pct=150`, `risks.idle_workdays=off`: a validated override."""
    path, sep, raw = assignment.partition("=")
    section, _, key = path.strip().partition(".")
    if not sep or section not in DEFAULTS or key not in DEFAULTS[section]:
        raise ValueError(f"unknown setting {path!r}; known: "
                         + ", ".join(f"{s}.{k}" for s, v in DEFAULTS.items() for k in v))
    default = DEFAULTS[section][key]
    value: Any = raw.strip()
    if value.lower() in ("off", "none", "null", "false"):
        value = False if isinstance(default, bool) else None
    elif isinstance(default, bool):
        value = value.lower() in ("on", "true", "yes", "1")
    elif isinstance(default, int):
        value = float(value) if "." in value else int(value)
    elif isinstance(default, list):
        value = [int(v) if v.strip().isdigit() else v.strip() for v in value.split(",") if v.strip()]
    elif key.endswith("time") and value:
        parse_time(value)  # validate
    out = copy.deepcopy(stored)
    out.setdefault(section, {})[key] = value
    return out
