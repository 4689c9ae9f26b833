"""A package page and its API item are cached under the catalog version: the same bytes as uncached (the
inquiry form is a page of its own), and fresh again as soon as the package, its eligibility results or the
names it shows change."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.choices import Category
from catalog.filtersets import Availability
from catalog.models import ConsortiumMember, Region
from eligibility import services as eligibility
from eligibility.seeding import EAR_VERSION
from tests.catalog.factories_public import published_package
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def package(settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    return published_package(categories=[Category.ACCELERATOR, Category.APPLICATION], regions=["gcc"], countries=["KE"])


def page(client, package, **headers) -> str:
    response = client.get(f"/catalog/{package.slug}/", **headers)
    assert response.status_code == 200
    return CSRF.sub("CSRF", response.content.decode())


def count_queries(client, url: str, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, **headers).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("language", ["en", "fr-KE", "ja"])
def test_the_cached_package_page_is_the_uncached_page_for_visitors_and_members(client, settings, package, language):
    eligibility.eligibility_compute_now(package_id=package.pk)
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    cold, warm = page(client, package, **headers), page(client, package, **headers)
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 0
    assert cold == warm == page(client, package, **headers)
    client.force_login(UserFactory())
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    member = page(client, package, **headers)
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 0
    assert member == page(client, package, **headers) != cold  # the header shows the signed-in member


def test_a_warm_package_page_and_api_item_read_almost_nothing(client, package):
    url, api = f"/catalog/{package.slug}/", f"/api/v1/packages/{package.slug}/"
    assert count_queries(client, url) > count_queries(client, url) == 0
    assert count_queries(client, api) > count_queries(client, api) == 0
    assert client.get(api).json()["slug"] == package.slug


def test_the_inquiry_form_shows_its_errors_and_a_fresh_token_on_a_cached_page(client, package):
    page(client, package)  # warm
    response = client.post(f"/catalog/{package.slug}/contact/", {"name": "", "email": "not-an-email"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'name="csrfmiddlewaretoken"' in body and "usa-error-message" in body
    assert package.title in body


# Committed writes: the catalog version moves when a change commits (catalog.cache).
@pytest.mark.django_db(transaction=True)
def test_the_cached_page_follows_eligibility_results_and_renamed_references(client, package):
    assert "has not been computed yet" in page(client, package)
    eligibility.eligibility_compute_now(package_id=package.pk)
    assert "has not been computed yet" not in page(client, package), "results bump the catalog version"
    region = Region.objects.get(code="gcc")
    region.name = "Gulf states (renamed)"
    region.save()
    assert "Gulf states (renamed)" in page(client, package)
    member = ConsortiumMember.objects.create(
        status="accepted", consortium=package.consortium, organization=OrganizationFactory()
    )
    assert member.organization.name in page(client, package), "a new member is shown"
    member.organization.name = "Renamed Member Org"
    member.organization.save()
    assert "Renamed Member Org" in page(client, package)


# Committed writes: the catalog version moves when a change commits (catalog.cache).
@pytest.mark.django_db(transaction=True)
def test_cached_available_in_counts_follow_new_eligibility_results(client, package, settings):
    def available_in_kenya() -> int:
        return client.get(
            "/api/v1/packages/", {"available_in": "KE", "availability": Availability.ELIGIBLE_OR_LICENSE}
        ).json()["count"]

    assert available_in_kenya() == 0
    eligibility.eligibility_compute_now(package_id=package.pk)
    assert available_in_kenya() == 1
    assert EAR_VERSION in page(client, package)


def test_the_eligibility_panel_returns_to_the_address_it_was_shown_at(client, package):
    plain = page(client, package)
    response = client.get(f"/catalog/{package.slug}/", {"from": "newsletter"})
    assert response.status_code == 200
    assert f'value="/catalog/{package.slug}/?from=newsletter"' in response.content.decode()
    assert "from=newsletter" not in page(client, package) and page(client, package) == plain
