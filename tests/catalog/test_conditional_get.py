"""Public catalog GET answers carry an ETag, Cache-Control and Vary, and a current copy is answered 304 without
building the page; a committed catalog change, another language or another visitor gets a fresh 200."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.factories_public import published_package
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def package(settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 300
    return published_package(countries=["KE"])


def urls(package) -> list[str]:
    return ["/catalog/", f"/catalog/{package.slug}/", f"/catalog/consortia/{package.consortium.slug}/",
            "/api/v1/packages/", f"/api/v1/packages/{package.slug}/"]  # fmt: skip


def test_every_public_catalog_answer_is_answered_304_when_the_copy_is_current(client, package):
    client.get("/catalog/")  # the first page sets the CSRF cookie that the pages' forms carry a token for
    for url in urls(package):
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first["ETag"]
        assert etag.startswith('W/"')
        assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
        second = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert second.status_code == 304, url
        assert second.content == b""
        assert second["ETag"] == etag


def test_a_304_builds_nothing(client, package):
    for url in (f"/api/v1/packages/{package.slug}/", "/api/v1/packages/?sector=health"):
        etag = client.get(url)["ETag"]
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert len(ctx.captured_queries) == 0


def test_api_answers_are_public_and_html_pages_private(client, package):
    assert "public" in client.get(f"/api/v1/packages/{package.slug}/")["Cache-Control"]
    page = client.get(f"/catalog/{package.slug}/")["Cache-Control"]
    assert "private" in page and "no-cache" in page
    client.force_login(UserFactory())
    assert "private" in client.get(f"/api/v1/packages/{package.slug}/")["Cache-Control"]


def test_another_language_or_another_visitor_gets_another_etag(client, package):
    url = f"/catalog/{package.slug}/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en")["ETag"]
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")["ETag"]
    assert english != french
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=english).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=english).status_code == 200


def test_a_stale_or_foreign_etag_gets_the_page(client, package):
    url = f"/api/v1/packages/{package.slug}/"
    assert client.get(url, HTTP_IF_NONE_MATCH='W/"not-this-one"').status_code == 200
    assert client.get("/api/v1/packages/no-such-package/", HTTP_IF_NONE_MATCH='W/"x"').status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_invalidates_the_etag(client, package):
    url = f"/api/v1/packages/{package.slug}/"
    etag = client.get(url)["ETag"]
    package.title = "A new title"
    package.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["title"] == "A new title"
    assert response["ETag"] != etag


def test_no_validators_when_the_catalog_cache_is_off(client, package, settings):
    settings.AIX_CATALOG_FACETS_CACHE_SECONDS = 0
    assert "ETag" not in client.get(f"/api/v1/packages/{package.slug}/")
