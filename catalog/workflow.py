"""The package workflow: one transition table that the services enforce and the templates ask.

Each action is allowed from a set of statuses and leads to a status (``None``: the status does not change).
The services call ``require`` under the package's row lock and raise ``InvalidTransition`` (409) when the
table forbids the action; views, the admin and templates ask ``can`` (``{% load workflow %}``,
``{% if package|can:"withdraw" %}``) so a button is shown exactly when the service would accept it.

::

    draft ──submit──▶ submitted ──start_review──▶ in_review ──publish──▶ published ──revise──▶ (a new draft)
      ▲                  │                         │  │  └──reject──▶ rejected
      │                  │                         │  └──request_changes──▶ changes_requested ──submit──▶ submitted
      └──reopen── withdrawn ◀──withdraw── submitted, in_review, changes_requested

A revision that is published is merged into its package (``merged``) instead of becoming ``published``
itself (``catalog.services.revisions``); the table states the ordinary target. Other guards (a revision
already open, a revision of a revision, screening blockers, confirmed e-mail) stay with the services.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from aiexports.errors import InvalidTransition
from catalog.choices import PackageStatus as S


class Action(StrEnum):
    EDIT = "edit"  # change the package's fields or components (submitters)
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"
    REVISE = "revise"  # start a revision of a published package
    ASSIGN = "assign"  # staff: make someone the reviewer
    START_REVIEW = "start_review"
    PUBLISH = "publish"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    CONSULT = "consult"  # a consulted office answers


# action → {status it is allowed from: status it leads to (None: unchanged)}
TRANSITIONS: dict[Action, dict[str, str | None]] = {
    Action.EDIT: {S.DRAFT: None, S.CHANGES_REQUESTED: None},
    Action.SUBMIT: {S.DRAFT: S.SUBMITTED, S.CHANGES_REQUESTED: S.SUBMITTED},
    Action.WITHDRAW: {S.SUBMITTED: S.WITHDRAWN, S.IN_REVIEW: S.WITHDRAWN, S.CHANGES_REQUESTED: S.WITHDRAWN},
    Action.REOPEN: {S.WITHDRAWN: S.DRAFT},
    Action.REVISE: {S.PUBLISHED: None},
    Action.ASSIGN: {S.SUBMITTED: None, S.IN_REVIEW: None},
    Action.START_REVIEW: {S.SUBMITTED: S.IN_REVIEW},
    Action.PUBLISH: {S.IN_REVIEW: S.PUBLISHED},
    Action.REQUEST_CHANGES: {S.IN_REVIEW: S.CHANGES_REQUESTED},
    Action.REJECT: {S.IN_REVIEW: S.REJECTED},
    Action.CONSULT: {S.IN_REVIEW: None},
}


def can(action: str, status: str) -> bool:
    """Whether the table allows ``action`` from ``status`` (an unknown action is never allowed)."""
    try:
        return status in TRANSITIONS[Action(action)]
    except ValueError:
        return False


def statuses_for(action: str) -> frozenset[str]:
    """The statuses ``action`` is allowed from."""
    return frozenset(TRANSITIONS[Action(action)])


def allowed_actions(status: str) -> frozenset[Action]:
    """Every action allowed from ``status``."""
    return frozenset(a for a, moves in TRANSITIONS.items() if status in moves)


def target(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status`` (``status`` itself when it does not change it)."""
    to = TRANSITIONS[Action(action)][status]
    return status if to is None else to


def require(package: Any, action: str, message: str | None = None, *, code: str | None = None, **values: Any) -> str:
    """Raise ``InvalidTransition`` unless the table allows ``action`` from the package's status; returns the
    status the action leads to. ``message`` may use ``%(status)s`` (the status's label) and ``values``."""
    if not can(action, package.status):
        text = message or _("This cannot be done to a package that is “%(status)s”.")
        raise InvalidTransition(text % {"status": package.get_status_display(), **values}, code=code)
    return target(action, package.status)
