"""Helpers shared by the catalog services: permission guards, unique slugs, status-change notifications."""

from __future__ import annotations

from django.db import models
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.errors import NotAllowed
from catalog.access import is_consortium_manager
from catalog.models import Consortium, Package
from catalog.notifications import package_status_mail


def require_manager(actor: User, consortium: Consortium) -> None:
    if not is_consortium_manager(actor, consortium):
        raise NotAllowed(_("Only the admins of the consortium's anchor organization may do this."))


def require_staff(actor: User) -> None:
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff", False)):
        raise NotAllowed(_("Only program staff may review packages."))


def unique_slug(model: type[models.Model], text: str, *, max_length: int = 200) -> str:
    """A slug of ``text`` not yet used by ``model``; a numeric suffix, then a random one, breaks ties."""
    base = slugify(text)[:max_length].strip("-") or "item"
    candidate = base
    for n in range(2, 50):
        if not model._default_manager.filter(slug=candidate).exists():
            return candidate
        candidate = f"{base}-{n}"
    return f"{base}-{get_random_string(8).lower()}"


def lock_package(package: Package) -> Package:
    """Lock the package's row and reload ``package`` in place, so two concurrent transitions cannot both pass
    validation and the caller's instance shows the state the service then changes."""
    Package.objects.select_for_update().filter(pk=package.pk).values_list("pk", flat=True).get()
    package.refresh_from_db()
    return package


def notify_status_change(package: Package) -> None:
    """E-mail the submitters about the package's new status (queued in the outbox, sent after commit)."""
    package_status_mail(package)
