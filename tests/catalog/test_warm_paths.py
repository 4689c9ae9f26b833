"""Warm catalog pages skip the work: no filter set, no SQL, no model instance on a plain list or a package page;
a filtered warm list reads one query of ids and builds no model; the cached pages are the uncached ones."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from catalog.filtersets import PackageFilterSet
from tests.catalog.factories_public import published_package

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def catalog(settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    return [published_package(sectors=["health"], countries=["KE"]) for _ in range(3)]


@pytest.fixture
def work(monkeypatch):
    """Counts what a request does: queries, filter sets built, model instances created."""
    seen = {"filtersets": 0, "models": 0}
    real_init = PackageFilterSet.__init__

    def counting_init(self, *args, **kwargs):
        seen["filtersets"] += 1
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(PackageFilterSet, "__init__", counting_init)

    def model_built(**kwargs):
        seen["models"] += 1

    post_init.connect(model_built, weak=False, dispatch_uid="test_warm_paths")

    def measure(client, url: str) -> dict[str, int]:
        seen.update(filtersets=0, models=0)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return {**seen, "queries": len(ctx.captured_queries)}

    yield measure
    post_init.disconnect(dispatch_uid="test_warm_paths")


@pytest.mark.parametrize(
    "url", ["/catalog/", "/api/v1/packages/", "/catalog/?page=1", "/api/v1/packages/?page_size=10"]
)
def test_a_warm_plain_list_builds_no_filter_set_reads_nothing_and_builds_no_model(client, catalog, work, url):
    cold = work(client, url)
    assert cold["queries"] > 0 and cold["filtersets"] >= 1
    assert work(client, url) == {"filtersets": 0, "models": 0, "queries": 0}


@pytest.mark.parametrize("url", ["/catalog/?sector=health", "/api/v1/packages/?sector=health&ordering=title"])
def test_a_warm_filtered_list_reads_only_its_page_of_ids(client, catalog, work, url):
    work(client, url)
    warm = work(client, url)
    assert warm["queries"] <= 1, "the page of ids; total, facets and items come from the cache"
    assert warm["models"] == 0, "ids only: no model instance"


def test_a_warm_package_page_and_api_detail_build_no_model(client, catalog, work):
    package = catalog[0]
    for url in (f"/catalog/{package.slug}/", f"/api/v1/packages/{package.slug}/"):
        work(client, url)
        assert work(client, url) == {"filtersets": 0, "models": 0, "queries": 0}


def test_the_cached_plain_list_is_the_uncached_list(client, catalog, settings):
    cold = CSRF.sub("", client.get("/catalog/").content.decode())
    warm = CSRF.sub("", client.get("/catalog/").content.decode())
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 0
    uncached = CSRF.sub("", client.get("/catalog/").content.decode())
    assert cold == warm == uncached
    assert all(p.title in warm for p in catalog)
    api = client.get("/api/v1/packages/").json()
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    assert client.get("/api/v1/packages/").json() == client.get("/api/v1/packages/").json() == api


def test_a_plain_list_page_beyond_the_cached_ones_or_with_odd_parameters_is_still_served(client, catalog):
    assert client.get("/catalog/?page=999").status_code == 200  # the last page, as before
    assert client.get("/api/v1/packages/?page=999").status_code == 404
    assert client.get("/api/v1/packages/?page_size=abc").status_code == 400
    assert client.get("/api/v1/packages/?page=01").status_code in {200, 404}
