"""Keep packages' full-text search vectors fresh when a package or one of its components changes.

Signals only maintain derived data here (house rule); the workflow itself lives in services. Bulk writes
(``bulk_create``, ``QuerySet.update``) bypass signals: call ``catalog.services.search.packages_search_refresh``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.services.search import package_search_refresh, search_enabled

from .packages import Component, Package

_SEARCHED_FIELDS = frozenset({"title", "summary", "description"})


@receiver(post_save, sender=Package, dispatch_uid="catalog.search.package_saved")
def _package_saved(sender: type[Package], instance: Package, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or not search_enabled() or (update_fields is not None and not _SEARCHED_FIELDS & set(update_fields)):
        return
    package_search_refresh(instance.pk)


@receiver(post_save, sender=Component, dispatch_uid="catalog.search.component_saved")
@receiver(post_delete, sender=Component, dispatch_uid="catalog.search.component_deleted")
def _component_changed(sender: type[Component], instance: Component, raw: bool = False, **kwargs: Any) -> None:
    if raw or not search_enabled() or instance.package_id is None:
        return
    package_search_refresh(instance.package_id)
