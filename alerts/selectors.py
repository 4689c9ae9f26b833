"""Reads of the alerts app. "Matches this search" is exactly what the catalog list shows for the alert's filters
and country: the alert's saved filters go through the catalog's own ``PackageFilterSet`` over the published
packages, with ``available_in`` set to the alert's country."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import QuerySet
from django.http import QueryDict

from catalog import selectors as catalog_selectors
from catalog.filtersets import PackageFilterSet

from .models import Alert, Announcement, Subscriber

# The catalog list's filters an alert saves (sorting and paging are not part of "this search"; the country is the
# alert's own field and becomes ``available_in``).
SAVED_FILTERS = (*PackageFilterSet.FACET_FILTERS, "availability")


def saved_filters(data: Mapping | QueryDict) -> dict[str, list[str]]:
    """The catalog filters of a request's parameters, as an alert stores them (blank values dropped)."""
    getlist = data.getlist if isinstance(data, QueryDict) else (lambda k: list(data.get(k) or []))
    saved = {}
    for name in SAVED_FILTERS:
        values = [str(v).strip() for v in getlist(name) if str(v).strip()]
        if values:
            saved[name] = values
    return saved


def filter_data(query: Mapping[str, Iterable[str]], country: str) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in query.items():
        if name in SAVED_FILTERS:
            data.setlist(name, [str(v) for v in values])
    data["available_in"] = country
    return data


def alert_filterset(alert: Alert, queryset: QuerySet | None = None) -> PackageFilterSet:
    base = catalog_selectors.published_packages() if queryset is None else queryset
    return PackageFilterSet(filter_data(alert.query, alert.country_id), queryset=base)


def alert_matching_ids(alert: Alert, *, among: Iterable[int] | None = None) -> set[int]:
    """Ids of the published packages the catalog list shows for the alert's filters and country (optionally only
    among ``among``). A saved search that no longer validates matches nothing."""
    base = catalog_selectors.published_packages()
    if among is not None:
        base = base.filter(pk__in=list(among))
    filterset = alert_filterset(alert, base)
    if not filterset.is_valid():
        return set()
    return set(filterset.qs.values_list("pk", flat=True))


def active_alerts() -> QuerySet[Alert]:
    return Alert.objects.filter(confirmed_at__isnull=False, ended_at__isnull=True).select_related("subscriber")


def subscriber_alerts(subscriber: Subscriber) -> QuerySet[Alert]:
    """What the manage page lists: the subscriber's confirmed alerts that are still running."""
    return subscriber.alerts.filter(confirmed_at__isnull=False, ended_at__isnull=True).select_related("country")


def pending_announcements(subscriber_id: int) -> QuerySet[Announcement]:
    """New matches not yet sent whose package is still published, oldest first."""
    return (
        Announcement.objects.filter(subscriber_id=subscriber_id, sent_at__isnull=True, baseline=False)
        .filter(package__in=catalog_selectors.published_packages())
        .select_related("package", "package__consortium", "alert")
        .order_by("created_at", "pk")
    )


def subscribers_with_pending() -> list[int]:
    return sorted(set(
        Announcement.objects.filter(sent_at__isnull=True, baseline=False).values_list("subscriber_id", flat=True)
    ))  # fmt: skip


def describe_filters(query: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """(label, values) of each saved filter, for pages and e-mails, in the catalog's own wording."""
    filterset = PackageFilterSet(filter_data(query, ""), queryset=catalog_selectors.published_packages().none())
    described = []
    for name in SAVED_FILTERS:
        values = list(query.get(name) or [])
        if not values:
            continue
        field = filterset.form.fields[name]
        choices: dict[str, str] = {}
        if name not in ("consortium", "target_region", "q", "eccn"):  # slugs and typed words are shown as given
            choices = {str(k): str(v) for k, v in field.choices if k not in ("", None)}
        described.append((str(field.label), ", ".join(choices.get(v, v) for v in values)))
    return described
