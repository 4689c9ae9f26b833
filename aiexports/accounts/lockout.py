"""Sign-in lockout with a limit per kind of counter (django-axes handler).

django-axes counts failures per "lockout parameter" (here: the account, the account from one address, and the
address) but compares every counter with one ``AXES_FAILURE_LIMIT``. Counting per address with the same low limit
lets one client lock everybody behind its address (five made-up e-mails were enough), so each counter here has its
own limit, and the address gets a much softer one:

- ``AIX_LOGIN_FAILURE_LIMIT`` (5): one account from one address — a person mistyping, or a guesser at one account;
- ``AIX_LOGIN_ACCOUNT_FAILURE_LIMIT`` (20): one account from any address — a distributed guess at one account;
- ``AIX_LOGIN_ADDRESS_FAILURE_LIMIT`` (50): one address, any account — password spraying from one address.

django-axes decides "locked" as ``get_failures() >= AXES_FAILURE_LIMIT``; ``get_failures`` therefore returns the
worst counter scaled to that limit (a counter at its own limit gives exactly ``AXES_FAILURE_LIMIT``). Staff unlock
in the admin (``/admin/axes/accessattempt/``: delete the rows) or with ``manage.py axes_reset_username``; every
failure and lockout is audited (``aiexports/accounts/signals.py``).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

ACCOUNT = "username"
PAIR = ("username", "ip_address")
ADDRESS = "ip_address"
LOCKOUT_PARAMETERS: list[str | list[str]] = [ACCOUNT, list(PAIR), ADDRESS]


def counter_limit(parameter: str | list[str] | tuple[str, ...], base: int) -> int:
    """The failure limit of one lockout counter; ``base`` (``AXES_FAILURE_LIMIT``) for the account-and-address pair."""
    if parameter == ACCOUNT:
        return settings.AIX_LOGIN_ACCOUNT_FAILURE_LIMIT
    if parameter == ADDRESS:
        return settings.AIX_LOGIN_ADDRESS_FAILURE_LIMIT
    return base


class TieredLockoutHandler(AxesDatabaseHandler):
    """``AxesDatabaseHandler`` whose counters each have their own limit (see the module docstring)."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            # Scaled so that reaching this counter's own limit means reaching ``base``: locked.
            worst = max(worst, failures * base // max(counter_limit(parameter, base), 1))
        return worst

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """A successful sign-in clears that account's failures only: not the other accounts' failures from the same
        address (django-axes would clear the whole address counter, so a sprayer with one real account could reset
        it at will)."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
