"""The API keeps the promises of its OpenAPI schema (the failures ``make fuzz`` found, pinned)."""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

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
