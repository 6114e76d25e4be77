"""The acceptance policy (验收): who signs a stage, in order, how long the trial run lasts, whether change requests
get a supervisor's step, and the sign-off SLA. Kept beside the project's approval policy, under "acceptance";
the PMO changes it (handlers/acceptance.set_policy). Read by the acceptance handlers, the supervisor's step of
change requests and the contract risks."""

from __future__ import annotations

from typing import Any

from storage.models import Project

DEFAULT_POLICY: dict[str, Any] = {
    "signers": ["sponsor", "supervisor", "pmo"],  # in order; a role nobody holds is skipped (but the PMO)
    "trial_months": 3,  # the trial run's length when the submission does not say
    "supervisor_changes": True,  # scope/budget/breach change requests get a supervisor step (handlers/supervision.py)
    "sla_hours": 48,  # a sign-off pending longer than this is a risk (jobs/contract_risks.py)
}


def policy(project: Project) -> dict[str, Any]:
    """The project's acceptance policy (kept beside its approval policy, under "acceptance")."""
    return {**DEFAULT_POLICY, **((project.approval_policy or {}).get("acceptance") or {})}
