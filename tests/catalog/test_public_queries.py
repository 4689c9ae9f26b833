"""The catalog's SQL query counts do not grow with the page size or with the number of components."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.choices import Category
from catalog.models import ConsortiumMember
from tests.catalog.factories_public import published_package
from tests.factories import ConsortiumFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TWENTY = [Category.ACCELERATOR, Category.SERVER, Category.STORAGE, Category.NETWORKING, Category.DATACENTER] * 2 + [
    Category.FOUNDATION_MODEL, Category.APPLICATION, Category.PIPELINE, Category.DATASET, Category.LABELING,
    Category.CYBERSECURITY, Category.PRIVACY, Category.MODEL_SAFETY, Category.SUPPLY_CHAIN, Category.FRAMEWORK,
]  # fmt: skip

# Pinned maxima: the list is 1 count + 1 page of ids + 1 for the packages missing from the cache + 3 prefetches
# + 1 layer counts + 6 facets (+1 per model-choice filter in the URL, which validates its slugs); the detail page
# is 1 package + 5 prefetches.
MAX_LIST = 13
MAX_API_LIST = 6
MAX_DETAIL = 9  # 6 for the page, 3 for the eligibility panel (active rule set, result, program check)
MAX_API_DETAIL = 5


@pytest.fixture(autouse=True)
def _no_facet_cache(settings):
    """Measure the uncached path: the cache would hide an N+1 behind a warm entry."""
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 0


def make_catalog(n: int, categories: list[str]) -> list:
    consortia = [ConsortiumFactory() for _ in range(3)]
    for consortium in consortia:
        for _ in range(2):
            ConsortiumMember.objects.create(
                status="accepted", consortium=consortium, organization=OrganizationFactory()
            )
    return [
        published_package(
            categories=categories,
            consortium=consortia[i % 3],
            sectors=["health", "energy"][: 1 + i % 2],
            countries=["KE", "AE"],
            regions=["gcc", "eu"],
        )  # fmt: skip
        for i in range(n)
    ]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


@pytest.fixture
def small_catalog():
    return make_catalog(6, [Category.ACCELERATOR])


@pytest.fixture
def big_catalog():
    return make_catalog(25, TWENTY)


LIST_URLS = ["/catalog/", "/catalog/?q=sovereign&layer=hardware&sector=health", "/api/v1/packages/"]


@pytest.mark.parametrize("url", LIST_URLS)
def test_the_list_query_count_does_not_grow_with_page_size_or_components(client, small_catalog, url):
    sep = "&" if "?" in url else "?"
    one_component_small_page = queries(client, f"{url}{sep}page_size=10")
    make_catalog(25, TWENTY)
    twenty_components_small_page = queries(client, f"{url}{sep}page_size=10")
    twenty_components_big_page = queries(client, f"{url}{sep}page_size=50")
    assert one_component_small_page == twenty_components_small_page == twenty_components_big_page


@pytest.mark.parametrize("page_size", [10, 50])
def test_the_html_list_stays_within_its_pinned_query_budget(
    client, big_catalog, page_size, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_LIST):
        assert client.get(f"/catalog/?page_size={page_size}").status_code == 200


@pytest.mark.parametrize("page_size", [10, 50])
def test_the_api_list_stays_within_its_pinned_query_budget(
    client, big_catalog, page_size, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_API_LIST):
        assert client.get(f"/api/v1/packages/?page_size={page_size}").status_code == 200


def test_the_detail_query_count_does_not_grow_with_components(client, django_assert_max_num_queries):
    one = make_catalog(1, [Category.ACCELERATOR])[0]
    twenty = make_catalog(1, TWENTY)[0]
    for url_of in (lambda p: f"/catalog/{p.slug}/", lambda p: f"/api/v1/packages/{p.slug}/"):
        assert queries(client, url_of(one)) == queries(client, url_of(twenty))
    with django_assert_max_num_queries(MAX_DETAIL):
        client.get(f"/catalog/{twenty.slug}/")
    with django_assert_max_num_queries(MAX_API_DETAIL):
        client.get(f"/api/v1/packages/{twenty.slug}/")


def test_the_consortium_pages_do_not_grow_with_their_packages(client):
    package = make_catalog(1, TWENTY)[0]
    slug = package.consortium.slug
    before = (queries(client, f"/catalog/consortia/{slug}/"), queries(client, f"/api/v1/consortia/{slug}/"))
    for _ in range(5):
        published_package(categories=TWENTY, consortium=package.consortium)
    after = (queries(client, f"/catalog/consortia/{slug}/"), queries(client, f"/api/v1/consortia/{slug}/"))
    assert before == after
    assert queries(client, "/api/v1/consortia/") <= 4


# Committed writes: the catalog version moves when a change commits (catalog.cache).
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", ["/catalog/", "/catalog/?sector=health&layer=hardware"])
def test_cached_facet_counts_save_queries_until_the_catalog_changes(client, settings, url):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    package = make_catalog(3, [Category.ACCELERATOR])[0]
    cold = queries(client, url)
    warm = queries(client, url)
    assert warm == (0 if url == "/catalog/" else 1), "a plain list is cached whole; a filtered one reads its ids"
    assert cold > warm
    package.sectors.add("agriculture")
    html = client.get("/catalog/").content.decode()
    assert 'id="id_sector_agriculture"' in html, "a catalog change invalidates the cached counts"


# Committed writes: the catalog version moves when a change commits (catalog.cache).
@pytest.mark.django_db(transaction=True)
def test_a_cached_total_changes_when_a_package_is_published(client, settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    make_catalog(2, [Category.ACCELERATOR])
    assert client.get("/api/v1/packages/").json()["count"] == 2
    assert "2 packages</h2>" in client.get("/catalog/").content.decode()
    published_package()
    assert client.get("/api/v1/packages/").json()["count"] == 3
    assert "3 packages</h2>" in client.get("/catalog/").content.decode()


# Committed writes: the catalog version moves when a change commits (catalog.cache).
@pytest.mark.django_db(transaction=True)
def test_cached_cards_and_api_items_change_with_their_package_and_its_consortium(client, settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    package = make_catalog(1, [Category.ACCELERATOR])[0]

    def card() -> str:
        return client.get("/catalog/").content.decode().partition('class="usa-card aix-package-card"')[2]

    def api_item() -> dict:
        return client.get("/api/v1/packages/").json()["results"][0]

    assert "Agriculture" not in card()
    assert "agriculture" not in api_item()["sectors"]
    assert queries(client, "/catalog/") == queries(client, "/api/v1/packages/") == 0, "warm plain lists: cached whole"
    queries(client, "/catalog/?sector=health")
    assert queries(client, "/catalog/?sector=health") == 1, "a warm filtered list reads its page of ids"
    package.sectors.add("agriculture")
    assert "Agriculture" in card()
    assert "agriculture" in api_item()["sectors"]
    package.consortium.name = "Renamed Consortium"
    package.consortium.save()
    assert "Renamed Consortium" in card()
    assert api_item()["consortium"]["name"] == "Renamed Consortium"
