"""The composition of every feature's routes: each feature module in handlers/ declares its own ``router``
(at the bottom of the module); this includes them in one explicit order.

The order matters only for the answer handlers (a message that may answer a question the bot asked is offered
to them in this order); every other key is unique, and a key two features both route fails at start-up.
"""

from __future__ import annotations

from bot.core.router import Router
from handlers import (
    acceptance,
    changes,
    confirm,
    contracts,
    deliverables,
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
    verify,
    worklogs,
)

FEATURES = (
    tasks.router,
    worklogs.router,
    queries.router,
    changes.router,  # answers first: the reason of a Reject click, what a draft request lacks
    standups.router,
    leave.router,
    hours.router,
    lists.router,
    help.router,
    projects.router,
    undo.router,  # write safety (issue 13): what the gate returns instead of a write, and undo
    task_edits.router,
    confirm.router,
    home.router,
    contracts.router,  # issue 15: contracts, payments, acceptance
    acceptance.router,  # answers after changes: the issues of a failed acceptance
    verify.router,
    deliverables.router,  # a message that is only files: offered to the sender's open acceptance rounds
)


def build_router() -> Router:
    router = Router()
    for feature in FEATURES:
        router.include(feature)
    return router
