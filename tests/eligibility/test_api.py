"""The eligibility API: countries, rule sets, package results and the calculator."""

from __future__ import annotations

import pytest

from catalog.choices import Category, PackageStatus
from catalog.models import Country
from eligibility import services
from tests.factories import ComponentFactory, PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(ear):
    package = PackageFactory(status=PackageStatus.PUBLISHED)
    ComponentFactory(package=package, name="H100 cluster", category=Category.ACCELERATOR, tpp=15832, quantity=64)
    services.eligibility_compute_now(package_id=package.pk)
    return package


def test_countries_list_codes_groups_and_the_active_tier(client, ear, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/countries/").json()
    assert len(body) == Country.objects.count()
    cn = next(c for c in body if c["code"] == "CN")
    assert cn["tier"] == {"code": "arms_embargoed", "name": "Arms-embargoed"}
    assert {"D:1", "D:4", "D:5"} <= set(cn["groups"])
    assert "AI-DIFFUSION-2025-TIER3" not in cn["groups"]


def test_rulesets_list_hides_drafts_from_the_public(client, ear):
    services.ruleset_clone(ruleset=ear, new_version="draft-1", actor=None)
    versions = [r["version"] for r in client.get("/api/v1/rulesets/").json()]
    assert versions == ["ear-2026-07", "ai-diffusion-2025-01r2", "ai-diffusion-2025-01"]
    assert client.get("/api/v1/rulesets/draft-1/").status_code == 404
    client.force_login(StaffFactory())
    assert client.get("/api/v1/rulesets/draft-1/").status_code == 200


def test_a_ruleset_shows_its_tiers_countries_and_rules(client, aid, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = client.get(f"/api/v1/rulesets/{aid.version}/").json()
    tiers = {t["code"]: t for t in body["tiers"]}
    assert "US" in tiers["tier1"]["countries"] and "MO" in tiers["tier3"]["countries"]
    above = next(r for r in body["rules"] if r["threshold_mode"] == "above")
    assert above["threshold_tpp"] == 26_900_000 and above["outcome"] == "license_required"


def test_a_published_packages_eligibility_is_public_for_all_countries_or_one(client, published):
    body = client.get(f"/api/v1/packages/{published.slug}/eligibility/").json()
    assert len(body["results"]) == Country.objects.count()
    assert body["ruleset"] == "ear-2026-07" and body["program"]["eligible"] is True
    one = client.get(f"/api/v1/packages/{published.slug}/eligibility/?country=jp").json()["results"]
    assert [(r["country"], r["outcome"], r["ruleset"]) for r in one] == [("JP", "eligible", "ear-2026-07")]
    assert one[0]["reasons"][0]["component"] == "H100 cluster"


def test_an_unknown_country_is_a_400_and_an_unpublished_package_a_404(client, published, ear):
    assert client.get(f"/api/v1/packages/{published.slug}/eligibility/?country=XX").status_code == 400
    draft = PackageFactory(status=PackageStatus.SUBMITTED)
    assert client.get(f"/api/v1/packages/{draft.slug}/eligibility/").status_code == 404


def test_evaluate_returns_outcomes_with_reasons_for_the_countries_asked(client, ear):
    payload = {"components": [{"name": "Chip", "category": "accelerator", "tpp": 4800}], "countries": ["vn", "JP"]}
    body = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json").json()
    assert body["ruleset"]["version"] == "ear-2026-07"
    assert body["components"][0]["eccn"] == "3A090.a" and body["components"][0]["derived"] is True
    assert {r["country"]: r["outcome"] for r in body["results"]} == {"VN": "license_required", "JP": "eligible"}


def test_evaluate_under_the_historical_rule_set_applies_the_aggregate_threshold(client, aid):
    payload = {"components": [{"category": "accelerator", "tpp": 15832, "quantity": 2000}], "ruleset": aid.version,
               "countries": ["IN"]}  # fmt: skip
    body = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json").json()
    assert body["aggregate_tpp"] == 15832 * 2000
    assert body["results"][0]["outcome"] == "license_required"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "components"),
        ({"components": []}, "components"),
        ({"components": [{"category": "accelerator", "tpp": -1}]}, "components"),
        ({"components": [{"category": "nope"}]}, "components"),
        ({"components": [{"eccn": "not an eccn"}]}, "components"),
        ({"components": [{"name": "x"}]}, "components"),
        ({"components": [{"category": "accelerator"}], "countries": ["XX"]}, "countries"),
        ({"components": [{"category": "accelerator"}], "ruleset": "nope"}, "ruleset"),
        ({"components": [{"category": "accelerator", "layer": "data"}]}, "components"),
    ],
)
def test_bad_calculator_input_is_a_400_naming_the_problem(client, ear, payload, field):
    response = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_malformed_json_is_a_400(client, ear):
    response = client.post("/api/v1/eligibility/evaluate/", "{", content_type="application/json")
    assert response.status_code == 400
