"""Per-project settings of the scheduled jobs: defaults here, a project's overrides in `project_job_settings`."""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
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
        "approval_sla": True,  # a step pending past the approval policy's SLA (bot/domain/approvals.py: sla_hours)
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


_CLOCK = re.compile(r"(\d{1,2})(?::(\d{2})|[点點]钟?(?:(半)|(\d{1,2})分?)?)")


def parse_time(value: str) -> dt.time:
    """A time of day: `09:00`, `9:00`, `9点`, `9点钟`, `9点半`, `9点30(分)` (full-width digits and colon too);
    ValueError (in both languages) for anything else."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    m = _CLOCK.fullmatch(text)
    hour, minute = (int(m[1]), 30 if m[3] else int(m[2] or m[4] or 0)) if m else (-1, -1)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValueError(f"not a time of day: {value!r}; use HH:MM such as 09:00 (or 9点, 9点半) · "
                         f"“{value}”不是时间，请写成 09:00 这样的 时:分（或 9点、9点半）")
    return dt.time(hour, minute)


def apply_assignment(stored: dict[str, Any], assignment: str) -> dict[str, Any]:
    """`standup.time=09:00`, `risks.overrun_pct=150`, `risks.idle_workdays=off`: a validated override.
    ValueError, in both languages, says what is wrong; times are stored as HH:MM."""
    path, sep, raw = assignment.partition("=")
    section, _, key = path.strip().partition(".")
    if not sep or section not in DEFAULTS or key not in DEFAULTS[section]:
        known = ", ".join(f"{s}.{k}" for s, v in DEFAULTS.items() for k in v)
        raise ValueError(f"unknown setting {path!r} (SECTION.KEY=VALUE); known: {known} · "
                         f"没有设置项“{path}”（格式：SECTION.KEY=VALUE），可选见上")
    default = DEFAULTS[section][key]
    value: Any = raw.strip()
    if value.lower() in ("off", "none", "null", "false"):
        value = False if isinstance(default, bool) else None
    elif isinstance(default, bool):
        value = value.lower() in ("on", "true", "yes", "1")
    elif isinstance(default, int):
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            raise ValueError(f"{path}: not a number: {value!r} (e.g. {path}={default}) · "
                             f"{path} 需要一个数字，例如 {path}={default}") from None
    elif isinstance(default, list):
        value = [int(v) if v.strip().isdigit() else v.strip() for v in value.split(",") if v.strip()]
    elif key.endswith("time") and value:
        try:
            value = f"{parse_time(value):%H:%M}"
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    out = copy.deepcopy(stored)
    out.setdefault(section, {})[key] = value
    return out
