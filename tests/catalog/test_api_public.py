"""The public read API: /api/v1/packages/ and /api/v1/consortia/."""

from __future__ import annotations

import pytest

from catalog.choices import Category, PackageStatus
from tests.catalog.factories_public import published_package
from tests.factories import ComponentFactory, ConsortiumFactory, UserFactory

pytestmark = pytest.mark.django_db

NOT_PUBLIC = [s for s in PackageStatus.values if s != PackageStatus.PUBLISHED]


def test_the_package_list_is_paginated_with_count_next_previous_and_results(client):
    for n in range(3):
        published_package(title=f"Package {n}")
    body = client.get("/api/v1/packages/?page_size=2&ordering=title").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert [p["title"] for p in body["results"]] == ["Package 0", "Package 1"]
    assert body["next"].endswith("/api/v1/packages/?ordering=title&page=2&page_size=2")
    assert body["previous"] is None


def test_a_listed_package_carries_its_consortium_sectors_and_targets(client):
    package = published_package(sectors=["health"], countries=["KE"], regions=["gcc"])
    item = client.get("/api/v1/packages/").json()["results"][0]
    assert item["slug"] == package.slug
    assert item["consortium"]["slug"] == package.consortium.slug
    assert item["sectors"] == ["health"]
    assert item["target_countries"] == ["KE"]
    assert item["target_regions"] == ["gcc"]
    assert item["url"].endswith(f"/api/v1/packages/{package.slug}/")


def test_the_list_uses_the_same_filters_as_the_html_catalog(client):
    wanted = published_package(categories=[Category.SERVER], sectors=["health"], regions=["gcc"])
    published_package(categories=[Category.SERVER], sectors=["energy"], regions=["gcc"])
    published_package(categories=[Category.DATASET], sectors=["health"], regions=["gcc"])
    body = client.get("/api/v1/packages/?layer=hardware&sector=health&target_country=SA").json()
    assert [p["slug"] for p in body["results"]] == [wanted.slug]


def test_the_package_detail_includes_its_components(client):
    package = published_package(categories=[])
    ComponentFactory(package=package, category=Category.ACCELERATOR, name="Chip X", eccn="3A090.a", tpp=4800)
    body = client.get(f"/api/v1/packages/{package.slug}/").json()
    assert [c["name"] for c in body["components"]] == ["Chip X"]
    component = body["components"][0]
    assert component["layer"] == "hardware"
    assert component["eccn"] == "3A090.a"
    assert component["tpp"] == 4800
    assert "unit_value_usd" not in component, "commercial values stay private"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("layer=bogus", "layer"),
        ("eccn=3A090;DROP", "eccn"),
        ("target_country=XX", "target_country"),
        ("consortium=no%20body", "consortium"),
        ("ordering=random", "ordering"),
        ("available_in=12", "available_in"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/packages/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [parameter]
    assert isinstance(body[parameter], list) and body[parameter][0]


def test_an_invalid_page_is_a_404_json_body(client):
    published_package()
    response = client.get("/api/v1/packages/?page=9")
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("status", NOT_PUBLIC)
def test_packages_that_are_not_published_are_404_and_never_listed(client, status):
    hidden = published_package(status=status)
    assert client.get(f"/api/v1/packages/{hidden.slug}/").status_code == 404
    assert client.get("/api/v1/packages/").json()["count"] == 0
    assert client.get("/api/v1/consortia/").json()["count"] == 0
    assert client.get(f"/api/v1/consortia/{hidden.consortium.slug}/").status_code == 404


def test_a_signed_in_member_of_the_consortium_still_sees_only_published_packages_here(client):
    draft = published_package(status=PackageStatus.DRAFT)
    user = UserFactory()
    client.force_login(user)
    assert client.get(f"/api/v1/packages/{draft.slug}/").status_code == 404


def test_writes_are_not_allowed_on_the_public_endpoints(client):
    package = published_package()
    client.force_login(UserFactory())
    assert client.post("/api/v1/packages/", {}, content_type="application/json").status_code == 405
    response = client.delete(f"/api/v1/packages/{package.slug}/")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_the_consortium_endpoints_list_members_and_published_packages(client):
    consortium = ConsortiumFactory(name="Atlas Alliance")
    public = published_package(consortium=consortium, title="Public")
    published_package(consortium=consortium, title="Draft", status=PackageStatus.DRAFT)
    listing = client.get("/api/v1/consortia/").json()
    assert [c["slug"] for c in listing["results"]] == [consortium.slug]
    detail = client.get(f"/api/v1/consortia/{consortium.slug}/").json()
    assert [p["slug"] for p in detail["packages"]] == [public.slug]
    assert detail["members"][0]["organization"]["country"] == "US"
    assert detail["anchor"]["slug"] == consortium.anchor.slug


def test_the_openapi_schema_and_the_swagger_ui_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/packages/{slug}/" in text
    assert "target_country" in text
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
