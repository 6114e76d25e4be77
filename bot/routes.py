"""The composition of every feature's routes, in one place."""

from __future__ import annotations

from bot.core.router import Router
from bot.nlu import intents as nlu
from handlers import (
    changes,
    confirm,
    help,
    home,
    hours,
    leave,
    lists,
    projects,
    queries,
    standups,
    task_edits,
    tasks,
    undo,
    worklogs,
)


def build_router() -> Router:
    router = Router()
    router.on_intent(nlu.CreateTask, tasks.create_task)
    router.on_intent(nlu.UpdateTask, tasks.update_task)
    router.on_intent(nlu.LogHours, worklogs.log_hours)
    router.on_intent(nlu.Query, queries.query)
    router.on_intent(nlu.RequestChange, changes.request_change)
    router.on_intent(nlu.ChangeAction, changes.change_action)
    router.on_intent(nlu.Standup, standups.standup)
    router.on_intent(nlu.Leave, leave.record)
    router.on_intent(nlu.LeaveAction, leave.leave_action)
    router.on_intent(nlu.HoursQuery, hours.hours_query)
    router.on_intent(nlu.TaskList, lists.task_list)
    router.on_action("leave", leave.on_button)
    router.on_action("help", help.on_button)
    router.on_action("nobutton", help.no_such_button)
    router.on_form("standup", standups.from_form)
    router.on_intent(nlu.Admin, projects.admin)
    router.on_intent(nlu.Help, help.show_help)
    router.on_intent(nlu.Unknown, help.not_understood)
    router.on_action("task", tasks.on_button)
    router.on_action("log", worklogs.on_button)
    router.on_action("cr", changes.on_button)
    router.on_form("create_task", tasks.from_form)
    router.on_form("change_reject", changes.from_form)
    router.on_form("change_request", changes.request_form)
    # Write safety (issue 13): what the parser's gate returns instead of a write, confirm cards and undo.
    router.on_intent(nlu.Cancel, undo.cancel)
    router.on_intent(nlu.Negated, undo.negated)
    router.on_intent(nlu.Unanswered, undo.unanswered)
    router.on_intent(nlu.TaskNote, task_edits.task_note)
    router.on_intent(nlu.EditTask, task_edits.edit_task)
    router.on_action("ok", confirm.on_button)
    router.on_action("undo", undo.on_button)
    router.on_home(home.home)
    router.on_answer(changes.follow_up)
    _contracts(router)
    return router


def _contracts(router: Router) -> None:
    """Issue 15: contracts, payments, acceptance."""
    from handlers import acceptance, contracts, verify

    router.on_intent(nlu.ContractQuery, contracts.contract_query)
    router.on_intent(nlu.RecordPayment, contracts.payment_paid)
    router.on_intent(nlu.SubmitAcceptance, acceptance.submit)
    router.on_intent(nlu.AcceptanceAction, acceptance.action)
    router.on_action("acc", acceptance.on_button)
    router.on_form("acceptance_submit", acceptance.submit_form)
    router.on_answer(acceptance.follow_up)
    router.on_action("verify", verify.on_button)
