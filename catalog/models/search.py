"""Keep derived data fresh when a package, one of its components or translations changes: the package's full-text
search vector (every language), and the catalog version under which facet counts, rendered list cards and package
pages are cached
(``catalog.cache.bump``: on commit, once per transaction; eligibility results bump it in
``eligibility.services.eligibility_results_write``, a rule set's name here).

Signals only maintain derived data here (house rule); the workflow itself lives in services. Bulk writes
(``bulk_create``, ``QuerySet.update``) bypass signals: call ``catalog.services.search.packages_search_refresh``
(the cached facet counts then expire on their own, see ``AIX_CATALOG_FACETS_CACHE_SECONDS``).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from catalog.cache import bump as catalog_version_bump
from catalog.services.search import package_search_refresh, search_enabled

from .organizations import Consortium, ConsortiumMember, Organization
from .packages import Component, Package
from .reference import Country, Region, Sector
from .translations import ComponentTranslation, PackageTranslation

_SEARCHED_FIELDS = frozenset({"title", "summary", "description"})


@receiver(post_save, sender=Package, dispatch_uid="catalog.search.package_saved")
def _package_saved(sender: type[Package], instance: Package, raw: bool = False, **kwargs: Any) -> None:
    catalog_version_bump()
    update_fields = kwargs.get("update_fields")
    if raw or not search_enabled() or (update_fields is not None and not _SEARCHED_FIELDS & set(update_fields)):
        return
    package_search_refresh(instance.pk)


@receiver(post_delete, sender=Package, dispatch_uid="catalog.search.package_deleted")
def _package_deleted(sender: type[Package], **kwargs: Any) -> None:
    catalog_version_bump()


@receiver(post_save, sender=Consortium, dispatch_uid="catalog.search.consortium_saved")
@receiver(post_delete, sender=Consortium, dispatch_uid="catalog.search.consortium_deleted")
@receiver(post_save, sender=ConsortiumMember, dispatch_uid="catalog.search.member_saved")
@receiver(post_delete, sender=ConsortiumMember, dispatch_uid="catalog.search.member_deleted")
@receiver(post_save, sender=Organization, dispatch_uid="catalog.search.organization_saved")
@receiver(post_delete, sender=Organization, dispatch_uid="catalog.search.organization_deleted")
@receiver(post_save, sender=Country, dispatch_uid="catalog.search.country_saved")
@receiver(post_delete, sender=Country, dispatch_uid="catalog.search.country_deleted")
@receiver(post_save, sender=Region, dispatch_uid="catalog.search.region_saved")
@receiver(post_delete, sender=Region, dispatch_uid="catalog.search.region_deleted")
@receiver(post_save, sender=Sector, dispatch_uid="catalog.search.sector_saved")
@receiver(post_delete, sender=Sector, dispatch_uid="catalog.search.sector_deleted")
def _shown_reference_changed(sender: type, raw: bool = False, **kwargs: Any) -> None:
    # Cached cards, package pages and facet labels show these names (a consortium, its members, suppliers,
    # countries, regions, sectors); a region's countries decide the "available in" facet.
    catalog_version_bump()


@receiver(post_save, sender="eligibility.RuleSet", dispatch_uid="catalog.search.ruleset_saved")
@receiver(post_delete, sender="eligibility.RuleSet", dispatch_uid="catalog.search.ruleset_deleted")
def _ruleset_changed(sender: type, raw: bool = False, **kwargs: Any) -> None:
    # Package pages name the rule set their results come from.
    catalog_version_bump()


@receiver(m2m_changed, sender=Region.countries.through, dispatch_uid="catalog.search.region_countries_changed")
def _region_countries_changed(sender: type, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        catalog_version_bump()


@receiver(post_save, sender=Component, dispatch_uid="catalog.search.component_saved")
@receiver(post_delete, sender=Component, dispatch_uid="catalog.search.component_deleted")
def _component_changed(sender: type[Component], instance: Component, raw: bool = False, **kwargs: Any) -> None:
    catalog_version_bump()
    if raw or not search_enabled() or instance.package_id is None:
        return
    package_search_refresh(instance.package_id)


@receiver(m2m_changed, sender=Package.sectors.through, dispatch_uid="catalog.search.sectors_changed")
@receiver(m2m_changed, sender=Package.target_regions.through, dispatch_uid="catalog.search.regions_changed")
@receiver(m2m_changed, sender=Package.target_countries.through, dispatch_uid="catalog.search.countries_changed")
def _package_targets_changed(sender: type, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        catalog_version_bump()


@receiver(post_save, sender=PackageTranslation, dispatch_uid="catalog.search.package_translation_saved")
@receiver(post_delete, sender=PackageTranslation, dispatch_uid="catalog.search.package_translation_deleted")
def _package_translation_changed(sender: type, instance: PackageTranslation, raw: bool = False, **kwargs: Any) -> None:
    # Package pages and cards show the buyer's language, and the search vector holds every language.
    catalog_version_bump()
    if raw or not search_enabled():
        return
    package_search_refresh(instance.package_id)


@receiver(post_save, sender=ComponentTranslation, dispatch_uid="catalog.search.component_translation_saved")
@receiver(post_delete, sender=ComponentTranslation, dispatch_uid="catalog.search.component_translation_deleted")
def _component_translation_changed(
    sender: type, instance: ComponentTranslation, raw: bool = False, **kwargs: Any
) -> None:
    catalog_version_bump()
    if raw or not search_enabled():
        return
    package_id = Component.objects.filter(pk=instance.component_id).values_list("package_id", flat=True).first()
    if package_id is not None:  # gone when the component's own deletion cascaded here (it refreshes itself)
        package_search_refresh(package_id)
