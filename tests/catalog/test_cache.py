"""The invariants of ``catalog.cache``: a committed change of anything a public page shows is visible (at once in
the process that made it, within ``AIX_CATALOG_VERSION_LOCAL_SECONDS`` on every other), a rolled-back change
invalidates nothing, one transaction bumps the version once, a lost version never brings old entries back."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction

from catalog import cache as catalog_cache
from catalog.choices import Category
from catalog.models import Component, Country
from eligibility import services as eligibility
from eligibility.models import RuleSet
from tests.catalog.factories_public import published_package

# Every test here commits its writes: bumps happen on commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def package(settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    return published_package(categories=[Category.ACCELERATOR, Category.APPLICATION], countries=["KE"])


def page(client, package) -> str:
    response = client.get(f"/catalog/{package.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def api(client, package) -> dict:
    return client.get(f"/api/v1/packages/{package.slug}/").json()


def listing(client) -> str:
    return client.get("/catalog/").content.decode()


def test_a_rolled_back_change_does_not_bump_the_version(package):
    before = catalog_cache.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        package.title = "Never committed"
        package.save()
        raise RuntimeError("roll back")
    catalog_cache.clear_local()
    assert catalog_cache.version() == before


def test_one_transaction_bumps_the_version_once_and_only_when_it_commits(package):
    before = catalog_cache.version()
    with transaction.atomic():
        for component in Component.objects.filter(package=package):
            component.name += " (renamed)"
            component.save()
        package.title = "Renamed in the same transaction"
        package.save()
        assert catalog_cache.version() == before, "not before the commit"
    assert catalog_cache.version() == before + 1


def test_a_rolled_back_savepoint_keeps_the_bump_of_what_committed(package):
    before = catalog_cache.version()
    with transaction.atomic():
        package.title = "Committed title"
        package.save()
        with pytest.raises(RuntimeError), transaction.atomic():
            package.summary = "rolled back"
            package.save()
            raise RuntimeError("roll back the savepoint")
    assert catalog_cache.version() == before + 1


@pytest.mark.parametrize("what", ["package", "component", "consortium", "organization", "ruleset"])
def test_a_committed_change_of_a_shown_name_is_visible_on_the_cached_pages(client, package, what):
    eligibility.eligibility_compute_now(package_id=package.pk)
    page(client, package), api(client, package), listing(client)  # warm every cache
    new = f"Renamed {what} 4711"
    obj = {
        "package": package,
        "component": Component.objects.filter(package=package).first(),
        "consortium": package.consortium,
        "organization": package.consortium.anchor,
        "ruleset": RuleSet.objects.filter(status="active").first(),
    }[what]
    field = "title" if what == "package" else "name"
    setattr(obj, field, new)
    obj.save()
    assert new in page(client, package)
    if what in {"package", "consortium"}:
        assert new in listing(client)
        body = api(client, package)
        assert new in (body["title"], body["consortium"]["name"])
    if what == "component":
        assert new in str(api(client, package)["components"])


def test_new_eligibility_results_are_visible_on_the_cached_page(client, package):
    assert "has not been computed yet" in page(client, package)
    eligibility.eligibility_compute_now(package_id=package.pk)
    assert "has not been computed yet" not in page(client, package)


def test_a_country_or_region_change_bumps_the_version(package):
    before = catalog_cache.version()
    country = Country.objects.get(code="KE")
    country.save()
    assert catalog_cache.version() == before + 1


def test_another_worker_sees_a_bump_within_the_local_bound(package, monkeypatch, settings):
    settings.AIX_CATALOG_VERSION_LOCAL_SECONDS = 1.0
    clock = [catalog_cache.time.monotonic() + 10]
    monkeypatch.setattr(catalog_cache.time, "monotonic", lambda: clock[0])
    before = catalog_cache.version()
    cache.incr(catalog_cache.VERSION_KEY)  # a bump by another process: this one's copy is not told
    catalog_cache.forget_request_version()
    clock[0] += 0.5
    assert catalog_cache.version() == before, "within the bound the local copy may still be used"
    catalog_cache.forget_request_version()
    clock[0] += 0.5
    assert catalog_cache.version() == before + 1, "after the bound the bump is seen"


def test_the_version_is_read_once_per_request(package, settings, monkeypatch, client):
    settings.AIX_CATALOG_VERSION_LOCAL_SECONDS = 0
    reads = []
    real = catalog_cache._read_version
    monkeypatch.setattr(catalog_cache, "_read_version", lambda: reads.append(1) or real())
    page(client, package)
    assert len(reads) == 1
    client.get("/api/v1/packages/")
    assert len(reads) == 2


def test_a_lost_version_comes_back_above_every_earlier_one(package):
    before = catalog_cache.version()
    cache.delete(catalog_cache.VERSION_KEY)
    catalog_cache.clear_local()
    assert catalog_cache.version() > before
    cache.delete(catalog_cache.VERSION_KEY)
    later = catalog_cache.version()
    catalog_cache.bump()  # outside a transaction: at once
    assert catalog_cache.version() > later


def test_the_in_process_lru_keeps_at_most_its_entries(settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    settings.AIX_CATALOG_LOCAL_CACHE_ENTRIES = 3
    for i in range(5):
        catalog_cache.get_or_build("test", (i,), lambda i=i: i, local=True)
    assert len(catalog_cache._lru) == 3
