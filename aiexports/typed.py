"""Types shared by the adapters, for mypy (nothing here runs logic).

``AuthenticatedHttpRequest`` is the request of a view behind ``login_required`` (its ``user`` is a ``User``);
``StrOrPromise`` is a plain or lazily translated string (``gettext_lazy``), as django-stubs spells it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from aiexports.accounts.models import User
else:
    StrOrPromise = str

__all__ = ["AuthenticatedHttpRequest", "StrOrPromise"]


class AuthenticatedHttpRequest(HttpRequest):
    user: User
