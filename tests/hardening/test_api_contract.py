"""The API keeps the promises of its OpenAPI schema (the failures ``make fuzz`` found, pinned)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft4Validator

from tests.catalog.factories_public import published_package

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_is_a_json_404_even_for_a_post_without_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/drafts/0/components/null,null/", HTTP_COOKIE="sessionid=x")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_page_size_that_is_not_a_number_is_a_400_naming_it(client):
    response = client.get("/api/v1/consortia/?page_size=null")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_a_blank_consortium_filter_means_no_filter(client):
    assert client.get("/api/v1/packages/?consortium=&target_region=").status_code == 200


def test_a_consortium_or_bloc_that_does_not_exist_matches_nothing(client):
    published_package()
    for query in ("consortium=nobody", "target_region=atlantis", "consortium=nobody&target_region="):
        response = client.get(f"/api/v1/packages/?{query}")
        assert response.status_code == 200, query
        assert response.json()["count"] == 0, query


def test_a_known_consortium_among_unknown_ones_still_matches(client):
    package = published_package()
    response = client.get(f"/api/v1/packages/?consortium=nobody&consortium={package.consortium.slug}")
    assert [p["slug"] for p in response.json()["results"]] == [package.slug]


def test_the_schema_states_the_shape_of_each_package_filter():
    parameters = {
        p["name"]: p["schema"]
        for p in SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/v1/packages/"]["get"][
            "parameters"
        ]
    }
    assert parameters["consortium"]["items"]["pattern"] == "^[-a-zA-Z0-9_]*$"
    assert {"", "FR", "fr"} <= set(parameters["available_in"]["enum"])
    assert parameters["q"]["maxLength"] == 200
    assert re.match(parameters["eccn"]["pattern"], " 3a090.A ")
    assert not re.match(parameters["eccn"]["pattern"], "3A090;DROP")


@pytest.mark.parametrize("value", ["true", 0, 1, "yes", "off"])
def test_the_calculator_takes_only_a_json_boolean_for_weights_published(client, value):
    body = {"components": [{"category": "foundation_model", "weights_published": value}]}
    response = client.post("/api/v1/eligibility/evaluate/", body, content_type="application/json")
    assert response.status_code == 400
    assert "weights_published" in response.json()["components"]["0"]


def test_the_calculator_schema_states_that_a_component_needs_a_category_or_an_eccn():
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    validator = Draft4Validator({"$ref": "#/components/schemas/ComponentInputRequest", "components": components})
    assert not validator.is_valid({})
    assert not validator.is_valid({"eccn": ""})
    assert not validator.is_valid({"layer": "data", "category": "server"})
    assert validator.is_valid({"eccn": "3A090"})
    assert validator.is_valid({"layer": "hardware", "category": "server"})
    assert validator.is_valid({"category": "dataset", "eccn": "EAR99"})


def test_a_draft_that_is_no_revision_is_documented_with_a_null_revision_of():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert schemas["Draft"]["properties"]["revision_of"]["nullable"] is True
    assert schemas["DraftList"]["properties"]["revision_of"]["nullable"] is True
    assert "detail" not in schemas["IncompleteError"].get("required", []), "a 400 names fields, not a detail"


def test_the_calculator_accepts_json_only_as_its_schema_says(client):
    response = client.post("/api/v1/eligibility/evaluate/", {"components": "[]"})
    assert response.status_code == 415


def test_the_schema_documents_the_errors_the_api_sends():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"403", "404"} <= set(paths["/api/v1/drafts/"]["get"]["responses"])
    assert {"400", "404"} <= set(paths["/api/v1/consortia/"]["get"]["responses"])
    assert "404" in paths["/api/v1/rulesets/{version}/"]["get"]["responses"]
    assert "400" in paths["/api/v1/eligibility/evaluate/"]["post"]["responses"]
    evaluate = paths["/api/v1/eligibility/evaluate/"]["post"]["requestBody"]["content"]
    assert list(evaluate) == ["application/json"]


@pytest.mark.parametrize(
    "field, value",
    [("training_operations", False), ("tpp", "1.5"), ("quantity", True), ("quantity", "5"), ("name", 5)],
)
def test_the_calculator_refuses_a_json_value_of_another_type_than_its_schema_says(client, field, value):
    body = {"components": [{"category": "foundation_model", field: value}]}
    response = client.post("/api/v1/eligibility/evaluate/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["components"]["0"]


def test_the_calculator_schema_lists_the_country_codes_it_accepts(client):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    countries = schema["components"]["schemas"]["EvaluateInputRequest"]["properties"]["countries"]["items"]
    enum = (
        schema["components"]["schemas"][countries["$ref"].rsplit("/", 1)[1]]["enum"]
        if "$ref" in countries
        else countries["enum"]
    )
    assert {"JP", "jp"} <= set(enum) and "D°" not in enum
    body = {"components": [{"category": "foundation_model"}], "countries": ["D°"]}
    assert client.post("/api/v1/eligibility/evaluate/", body, content_type="application/json").status_code == 400


def test_the_rfi_error_schema_allows_per_item_messages_of_a_list_field():
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    problem = next(s for name, s in schemas.items() if name == "Problem")
    validator = Draft4Validator(problem["properties"]["errors"])
    assert validator.is_valid({"attachments": {"0": ["The submitted data was not a file."]}, "answers": ["Bad."]})
    assert not validator.is_valid({"answers": "Bad."})
