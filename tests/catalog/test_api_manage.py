from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.choices import Layer, OrganizationRole, PackageStatus
from catalog.models import Component, Package
from tests.catalog.factories import add_member, company, complete_package
from tests.factories import MembershipFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def manager(api):
    user, org, consortium = company()
    api.force_authenticate(user)
    return user, org, consortium


def test_creating_a_draft_returns_it_with_what_is_missing(api, manager):
    _user, _org, consortium = manager
    response = api.post(
        "/api/v1/drafts/",
        {"consortium": consortium.slug, "title": "Andes GPU Cloud", "target_countries": ["CL", "PE"],
         "sectors": ["energy"], "federal_support": ["feasibility"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "andes-gpu-cloud" and body["status"] == "draft"
    assert body["target_countries"] == ["CL", "PE"]
    assert {m["code"] for m in body["missing"]} == {"summary", "layer_hardware", "layer_software", "layer_data",
                                                    "layer_security"}  # fmt: skip


def test_creating_a_draft_with_bad_input_names_each_problem(api, manager):
    _user, _org, consortium = manager
    response = api.post(
        "/api/v1/drafts/",
        {"consortium": consortium.slug, "title": "", "target_countries": ["ZZ"], "federal_support": ["cash"]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"title", "target_countries", "federal_support"}


def test_creating_a_draft_for_a_consortium_one_does_not_belong_to_is_refused(api, manager):
    _other_user, _o, other_consortium = company()
    response = api.post("/api/v1/drafts/", {"consortium": other_consortium.slug, "title": "X"}, format="json")
    assert response.status_code == 400 and "consortium" in response.json()


def test_an_editor_member_gets_a_403_json_body_when_creating(api):
    _user, org, consortium = company()
    editor = UserFactory()
    MembershipFactory(user=editor, organization=org, role=OrganizationRole.EDITOR)
    api.force_authenticate(editor)
    response = api.post("/api/v1/drafts/", {"consortium": consortium.slug, "title": "X"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"


def test_patching_a_draft_changes_fields_and_a_published_package_answers_403(api, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    response = api.patch(
        f"/api/v1/drafts/{package.slug}/", {"summary": "New", "target_regions": ["gcc"]}, format="json"
    )
    assert response.status_code == 200 and response.json()["summary"] == "New"
    assert response.json()["target_regions"] == ["gcc"]
    published = complete_package(consortium, status=PackageStatus.PUBLISHED)
    refused = api.patch(f"/api/v1/drafts/{published.slug}/", {"summary": "X"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "published_read_only"
    submitted = complete_package(consortium, status=PackageStatus.SUBMITTED)
    conflict = api.patch(f"/api/v1/drafts/{submitted.slug}/", {"summary": "X"}, format="json")
    assert conflict.status_code == 409


def test_put_is_not_offered(api, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    assert api.put(f"/api/v1/drafts/{package.slug}/", {"title": "X"}, format="json").status_code == 405


def test_components_are_listed_added_changed_and_removed(api, manager):
    _user, org, consortium = manager
    member = add_member(consortium)
    package = PackageFactory(consortium=consortium)
    url = f"/api/v1/drafts/{package.slug}/components/"
    created = api.post(
        url,
        {"layer": "hardware", "category": "accelerator", "name": "MI300X", "supplier": member.organization.slug,
         "quantity": 64, "eccn": "3A090.a", "tpp": 20915, "performance_density": 27.2},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    comp_id = created.json()["id"]
    assert api.get(url).json()[0]["name"] == "MI300X"
    patched = api.patch(f"{url}{comp_id}/", {"quantity": 128}, format="json")
    assert patched.status_code == 200 and patched.json()["quantity"] == 128
    moved = api.patch(f"{url}{comp_id}/", {"layer": "data"}, format="json")
    assert moved.status_code == 400 and "layer" in moved.json()
    assert api.delete(f"{url}{comp_id}/").status_code == 204
    assert not Component.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "pipeline"}, "category"),
        ({"eccn": "3A9"}, "eccn"),
        ({"tpp": -1}, "tpp"),
        ({"us_origin_share": "150"}, "us_origin_share"),
        ({"layer": "cloud"}, "layer"),
    ],
)
def test_a_bad_component_answers_400_naming_the_field(api, manager, payload, field):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    data = {"layer": "hardware", "category": "accelerator", "name": "Chip", **payload}
    response = api.post(f"/api/v1/drafts/{package.slug}/components/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_supplier_outside_the_consortium_answers_400(api, manager):
    _user, _org, consortium = manager
    outsider = company()[1]
    package = PackageFactory(consortium=consortium)
    response = api.post(
        f"/api/v1/drafts/{package.slug}/components/",
        {"layer": "data", "category": "pipeline", "name": "P", "supplier": outsider.slug},
        format="json",
    )
    assert response.status_code == 400 and "supplier" in response.json()


def test_submitting_an_incomplete_package_answers_400_with_the_missing_items(api, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    package.components.filter(layer=Layer.DATA).delete()
    response = api.post(f"/api/v1/packages/{package.slug}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "package_incomplete"
    assert body["missing"] == [{"code": "layer_data", "message": "Add at least one data component.", "step": "data"}]


def test_submitting_a_complete_package_and_then_again(api, manager):
    _user, _org, consortium = manager
    package = complete_package(consortium)
    response = api.post(f"/api/v1/packages/{package.slug}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    again = api.post(f"/api/v1/packages/{package.slug}/submit/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_token_authentication_works_and_anonymous_requests_are_refused():
    user, _org, consortium = company()
    package = PackageFactory(consortium=consortium)
    client = APIClient()
    assert client.get("/api/v1/drafts/").status_code in (401, 403)
    token = Token.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get("/api/v1/drafts/")
    assert response.status_code == 200 and [p["slug"] for p in response.json()["results"]] == [package.slug]


def test_the_drafts_list_query_count_does_not_grow_with_the_number_of_packages(
    api, manager, django_assert_max_num_queries
):
    _user, _org, consortium = manager
    for _ in range(3):
        complete_package(consortium)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/drafts/").json()["results"]) == 3
    for _ in range(15):
        complete_package(consortium)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/drafts/").json()["results"]) == 18


def test_the_schema_documents_the_submitter_routes(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    paths = response.json()["paths"]
    assert "/api/v1/drafts/{slug}/components/{id}/" in paths
    assert "400" in paths["/api/v1/packages/{slug}/submit/"]["post"]["responses"]
    assert Package.objects.count() == 0


@pytest.mark.parametrize("fmt", ["multipart", None])  # None: application/x-www-form-urlencoded
@pytest.mark.parametrize("specs", ["null", "[1, 2]", "3", "{not json"])
def test_specs_that_are_not_a_json_object_in_form_data_answer_400_on_create_and_patch(api, manager, fmt, specs):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    url = f"/api/v1/drafts/{package.slug}/components/"
    data = {"layer": "hardware", "category": "accelerator", "name": "Chip", "specs": specs}
    if fmt is None:
        from urllib.parse import urlencode

        created = api.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
    else:
        created = api.post(url, data, format=fmt)
    assert created.status_code == 400, created.content[:300]
    assert "specs" in created.json()
    component = api.post(url, {**data, "specs": "{}"}, format="multipart")
    assert component.status_code == 201, component.json()
    patched = api.patch(f"{url}{component.json()['id']}/", {"specs": specs}, format="multipart")
    assert patched.status_code == 400 and "specs" in patched.json()


def test_specs_as_a_json_object_in_form_data_are_stored_as_that_object(api, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    url = f"/api/v1/drafts/{package.slug}/components/"
    data = {"layer": "hardware", "category": "accelerator", "name": "Chip", "specs": '{"hbm_gb": 192}'}
    created = api.post(url, data, format="multipart")
    assert created.status_code == 201, created.json()
    assert Component.objects.get().specs == {"hbm_gb": 192}


def test_specs_null_in_a_json_body_answers_400(api, manager):
    _user, _org, consortium = manager
    package = PackageFactory(consortium=consortium)
    data = {"layer": "hardware", "category": "accelerator", "name": "Chip", "specs": None}
    response = api.post(f"/api/v1/drafts/{package.slug}/components/", data, format="json")
    assert response.status_code == 400 and "specs" in response.json()
