"""The ear-2026-12 draft with the January 2026 lane: seeding, activation, the evaluate API and display."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from catalog.choices import Category, PackageStatus
from eligibility import services
from eligibility.choices import RuleSetStatus
from eligibility.models import EligibilityResult, Rule, RuleSet
from eligibility.seeding import EAR_LANE_VERSION, EAR_VERSION
from eligibility.templatetags.eligibility import reason_summary
from tests.factories import ComponentFactory, PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("eligibility.migrations.0101_seed_ear_2026_12_draft")


@pytest.fixture
def lane(ear) -> RuleSet:
    return RuleSet.objects.get(version=EAR_LANE_VERSION)


def h200_package(dram: float | None = 4_800, status: str = PackageStatus.PUBLISHED):
    package = PackageFactory(status=status)
    ComponentFactory(
        package=package, name="H200 cluster", category=Category.ACCELERATOR, tpp=15_832, dram_bandwidth=dram, quantity=8
    )
    return package


def snapshot() -> list[tuple]:
    return list(
        EligibilityResult.objects.order_by("package_id", "country_id").values_list(
            "package_id", "country_id", "ruleset_id", "ruleset_version", "tier_code", "outcome", "reasons",
            "computed_at",
        )
    )  # fmt: skip


def test_the_new_version_is_seeded_as_a_draft_beside_the_active_one_it_restates(ear, lane):
    assert ear.status == RuleSetStatus.ACTIVE and lane.status == RuleSetStatus.DRAFT
    assert lane.name == ear.name == "Current EAR controls"
    assert set(lane.country_tiers.values_list("country_id", flat=True)) == set(
        ear.country_tiers.values_list("country_id", flat=True)
    )
    tiers = dict(lane.country_tiers.values_list("country_id", "tier__code"))
    assert {tiers["CN"], tiers["HK"], tiers["MO"]} == {"china_macau"} and tiers["RU"] == "arms_embargoed"
    case = Rule.objects.get(ruleset=lane, code="ear.china_macau.case_by_case")
    assert case.outcome == "license_required" and case.review_policy == "case_by_case"
    assert case.figure_conditions == [
        {"figure": "tpp", "op": "lt", "value": 21000.0}, {"figure": "dram_bandwidth", "op": "lt", "value": 6500.0},
    ]  # fmt: skip
    assert len(case.conditions) == 6 and "91 FR 1684" in case.citation
    case.full_clean()
    # The original version got its labels (codes and policies), not new outcomes.
    assert Rule.objects.get(ruleset=ear, tier__code="arms_embargoed", match="advanced_computing").review_policy == (
        "denial"
    )


def test_the_migration_leaves_every_existing_result_intact_until_the_new_version_is_activated(
    ear, django_capture_on_commit_callbacks
):
    packages = [h200_package(), h200_package(dram=None), h200_package(dram=9_000)]
    for p in packages:
        services.eligibility_compute_now(package_id=p.pk)
    RuleSet.objects.filter(version=EAR_LANE_VERSION).delete()
    before = snapshot()
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    assert snapshot() == before
    lane = RuleSet.objects.get(version=EAR_LANE_VERSION)
    assert lane.status == RuleSetStatus.DRAFT and RuleSet.objects.get(status="active").version == EAR_VERSION
    assert not lane.checks.exists()
    # Staff activate it: every package is re-checked under it, the old version stays as history.
    with django_capture_on_commit_callbacks(execute=True):
        services.ruleset_activate(ruleset=lane, actor=StaffFactory())
    assert RuleSet.objects.get(version=EAR_VERSION).status == RuleSetStatus.ARCHIVED
    cn = {r.package_id: r for r in EligibilityResult.objects.filter(country_id="CN")}
    assert [(cn[p.pk].outcome, cn[p.pk].review_policy, cn[p.pk].ruleset_version) for p in packages] == [
        ("license_required", "case_by_case", EAR_LANE_VERSION),
        ("prohibited", "denial", EAR_LANE_VERSION),
        ("prohibited", "denial", EAR_LANE_VERSION),
    ]
    assert cn[packages[0].pk].effective_from == "2026-07-10"
    # Reversing removes the draft only: an activated version is history.
    migration.backwards(apps, None)
    assert RuleSet.objects.filter(version=EAR_LANE_VERSION).exists()


def test_evaluate_under_the_draft_gives_policy_conditions_and_structured_reasons_to_staff(client, lane):
    client.force_login(StaffFactory())
    payload = {
        "ruleset": EAR_LANE_VERSION, "countries": ["CN", "MO", "HK", "JP", "IR"],
        "components": [{"category": "accelerator", "name": "H200", "tpp": 15832, "dram_bandwidth": 4800}],
    }  # fmt: skip
    body = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json").json()
    by = {r["country"]: r for r in body["results"]}
    for code in ("CN", "MO", "HK"):
        assert (by[code]["outcome"], by[code]["review_policy"]) == ("license_required", "case_by_case")
        assert len(by[code]["conditions"]) == 6 and by[code]["effective_from"] == "2026-07-10"
    reason = by["CN"]["reasons"][0]
    assert reason["code"] == "ear.china_macau.case_by_case" and reason["ruleset"] == EAR_LANE_VERSION
    assert {k: reason["params"][k] for k in ("tpp", "tpp_cap", "dram_bandwidth", "dram_cap")} == {
        "tpp": 15832, "tpp_cap": 21000, "dram_bandwidth": 4800, "dram_cap": 6500,
    }  # fmt: skip
    assert "TPP 15,832 < 21,000" in reason["text"] and "91 FR 1684" in reason["citation"]
    assert (by["JP"]["outcome"], by["JP"]["review_policy"]) == ("eligible", "")
    assert (by["IR"]["outcome"], by["IR"]["review_policy"]) == ("prohibited", "denial")


@pytest.mark.parametrize(
    ("dram", "outcome"), [(6_499, "license_required"), (6_500, "prohibited"), (None, "prohibited")]
)
def test_evaluate_api_applies_the_bandwidth_cap_and_never_assumes_a_missing_figure(client, lane, dram, outcome):
    client.force_login(StaffFactory())
    component = {"category": "accelerator", "tpp": 20_999, **({"dram_bandwidth": dram} if dram is not None else {})}
    payload = {"ruleset": EAR_LANE_VERSION, "countries": ["CN"], "components": [component]}
    body = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json").json()
    assert body["results"][0]["outcome"] == outcome


def test_the_draft_is_not_offered_to_the_public_and_a_bad_bandwidth_is_a_400(client, lane):
    payload = {"ruleset": EAR_LANE_VERSION, "components": [{"category": "accelerator", "tpp": 1, "dram_bandwidth": 1}]}
    response = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json")
    assert response.status_code == 400 and "ruleset" in response.json()
    for bad in (-1, "fast", True):
        payload = {"components": [{"category": "accelerator", "tpp": 1, "dram_bandwidth": bad}]}
        response = client.post("/api/v1/eligibility/evaluate/", payload, content_type="application/json")
        assert response.status_code == 400 and "dram_bandwidth" in str(response.json()), bad


def test_a_package_result_in_the_api_says_its_policy_rule_set_and_date(
    client, lane, django_capture_on_commit_callbacks
):
    package = h200_package()
    with django_capture_on_commit_callbacks(execute=True):
        services.ruleset_activate(ruleset=lane, actor=StaffFactory())
    body = client.get(f"/api/v1/packages/{package.slug}/eligibility/?country=MO").json()
    result = body["results"][0]
    assert (result["outcome"], result["review_policy"], result["ruleset"]) == (
        "license_required", "case_by_case", EAR_LANE_VERSION,
    )  # fmt: skip
    assert result["effective_from"] == "2026-07-10" and len(result["conditions"]) == 6


def test_a_result_stored_in_the_old_prose_format_is_still_shown_by_the_api_and_the_page(client, ear):
    package = h200_package()
    services.eligibility_compute_now(package_id=package.pk)
    old = [{"component_id": 1, "component": "H200 cluster", "eccn": "3A090.a", "outcome": "prohibited", "rule_id": 1,
            "text": "H200 cluster (3A090.a) — an old prose reason.", "citation": "15 CFR 744.23"}]  # fmt: skip
    EligibilityResult.objects.filter(package=package, country_id="CN").update(reasons=old)
    result = client.get(f"/api/v1/packages/{package.slug}/eligibility/?country=CN").json()["results"][0]
    assert result["reasons"][0]["text"] == old[0]["text"] and result["reasons"][0]["code"] == ""
    assert result["review_policy"] == "" and result["conditions"] == []
    client.get("/eligibility/country/?country=CN")
    page = client.get(f"/eligibility/packages/{package.slug}/").content.decode()
    assert "an old prose reason." in page


def test_the_package_page_shows_the_policy_and_conditions_in_the_readers_language(client, lane):
    package = h200_package()
    # Computed under the draft directly (as a preview would): the page renders whatever is stored.
    services.eligibility_compute_now(package_id=package.pk, ruleset=lane)
    client.get("/eligibility/country/?country=CN")
    page = client.get(f"/eligibility/packages/{package.slug}/").content.decode()
    assert "License review policy:" in page and "case-by-case review" in page
    assert "50 % of its shipments to U.S. end users" in page
    assert "rule set ear-2026-12, effective" in page and "91 FR 1684" in page


def test_the_display_renderer_formats_numbers_in_the_readers_language():
    reason = {"code": "rule", "params": {"component": "H200", "eccn": "3A090.a", "explanation": "x",
              "comparisons": [{"figure": "tpp", "value": 15832, "op": "lt", "limit": 21000, "holds": True}]},
              "ruleset": "ear-2026-12", "effective_from": "2026-07-10", "review_policy": "case_by_case"}  # fmt: skip
    with translation.override("en"):
        en = reason_summary([reason])
    with translation.override("fr"):
        fr = reason_summary([reason])
    assert "TPP 15,832 < 21,000" in en["reasons"][0].text
    assert "15,832" not in fr["reasons"][0].text and "21" in fr["reasons"][0].text
    assert en["policy"] == fr["policy"] == "case_by_case"


# --- the component figure in the wizard form, the draft components API and the calculator ------------


@pytest.mark.parametrize(
    ("category", "value", "valid"),
    [("accelerator", "4800", True), ("server", "38400", True), ("accelerator", "-1", False),
     ("accelerator", "fast", False), ("networking", "4800", False), ("accelerator", "", True)],
)  # fmt: skip
def test_the_package_form_validates_dram_bandwidth_like_the_other_figures(category, value, valid):
    from catalog.choices import Layer
    from catalog.forms.packages import ComponentForm

    package = PackageFactory()
    data = {"category": category, "name": "Chip", "quantity": "1", "dram_bandwidth": value}
    form = ComponentForm(data, layer=Layer.HARDWARE, package=package)
    assert form.is_valid() is valid, form.errors
    if valid:
        assert form.service_values()["dram_bandwidth"] == (float(value) if value else None)
    else:
        assert "dram_bandwidth" in form.errors
    assert "dram_bandwidth" not in ComponentForm(layer=Layer.SOFTWARE, package=package).fields


def test_the_draft_components_api_stores_and_returns_dram_bandwidth():
    from rest_framework.test import APIClient

    from tests.catalog.factories import company

    user, _org, consortium = company()
    api = APIClient()
    api.force_authenticate(user)
    package = PackageFactory(consortium=consortium)
    url = f"/api/v1/drafts/{package.slug}/components/"
    chip = {"layer": "hardware", "category": "accelerator", "name": "H200", "tpp": 15832, "dram_bandwidth": 4800}
    created = api.post(url, chip, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["dram_bandwidth"] == 4800
    assert package.components.get().dram_bandwidth == 4800
    bad = api.post(url, {**chip, "dram_bandwidth": -5}, format="json")
    assert bad.status_code == 400 and "dram_bandwidth" in bad.json()


def test_the_calculator_reads_dram_bandwidth(client, ear):
    data = {"c-TOTAL_FORMS": "1", "c-INITIAL_FORMS": "0", "c-0-category": "accelerator", "c-0-tpp": "15832",
            "c-0-dram_bandwidth": "4800", "c-0-quantity": "1", "country": "JP"}  # fmt: skip
    response = client.post("/eligibility/calculator/", data)
    assert response.status_code == 200
    assert response.context["evaluation"].outcomes["CN"].outcome == "prohibited"  # the active ear-2026-07
    bad = client.post("/eligibility/calculator/", {**data, "c-0-dram_bandwidth": "-1"})
    assert bad.status_code == 400 and "c-0-dram_bandwidth" in bad.content.decode()
