"""Types shared by the adapters, for mypy (nothing here runs logic).

``AuthenticatedHttpRequest`` is the request of a view behind ``login_required`` (its ``user`` is a ``User``);
``StrOrPromise`` is a plain or lazily translated string (``gettext_lazy``), as django-stubs spells it;
``Actor`` is whoever an audit row may name: a user, an anonymous visitor, or ``None`` for the system.
Services that act for someone take a ``User``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from typing import TypeAlias

    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrOrPromise

    from aiexports.accounts.models import User

    Actor: TypeAlias = User | AnonymousUser | None
else:
    StrOrPromise = str
    Actor = object

__all__ = ["Actor", "AuthenticatedHttpRequest", "StrOrPromise"]


class AuthenticatedHttpRequest(HttpRequest):
    user: User
