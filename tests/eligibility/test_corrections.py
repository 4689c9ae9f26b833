"""Issue 16 points 1–8: the export-control corrections, through the engine and the evaluate API (edges exactly at
each threshold). The rule set is ``ear-2026-12r2`` (a draft until staff activate it) unless a test says otherwise."""

from __future__ import annotations

import pytest

from eligibility import engine
from eligibility.engine import ComponentData
from eligibility.models import EligibilityResult, RuleSet
from eligibility.seeding import (
    AID_R2,
    AID_R2_VERSION,
    EAR_LANE_VERSION,
    EAR_R2,
    EAR_R2_VERSION,
    EAR_VERSION,
    EMBARGOED_REGIONS,
    ear_r2_tiers,
    read_groups,
    rule_data,
)

E, L, P = engine.ELIGIBLE, engine.LICENSE_REQUIRED, engine.PROHIBITED
R2_RULES = rule_data(EAR_R2)
R2_TIERS = {
    "JP": "allied", "VN": "license_review", "SA": "license_review", "CN": "china_macau", "MO": "china_macau",
    "VE": "arms_embargoed", "RU": "russia_belarus", "BY": "russia_belarus", "SY": "syria", "IR": "embargoed",
    "CU": "embargoed", "XC": "embargoed",
}  # fmt: skip
URL = "/api/v1/eligibility/evaluate/"


def part(**kw) -> ComponentData:
    base = {"id": 1, "name": "Part", "layer": "hardware", "category": "accelerator"}
    return ComponentData(**(base | kw))


def outcomes(*components: ComponentData) -> dict[str, engine.CountryOutcome]:
    return engine.evaluate(list(components), R2_TIERS, R2_RULES, ruleset=EAR_R2_VERSION).outcomes


def post(client, components, countries, ruleset=EAR_R2_VERSION):
    payload = {"components": components, "countries": countries, "ruleset": ruleset}
    return client.post(URL, payload, content_type="application/json")


@pytest.fixture
def staff_client(client, db):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    return client


# --- 1. unknown input fields --------------------------------------------------------------------


def test_1_a_misspelled_figure_is_a_400_naming_it_and_the_documented_name(client, ear):
    bad = [{"category": "accelerator", "tpp": 4000, "performance_density": 6.0}]
    response = post(client, bad, ["VN"], ruleset="")
    assert response.status_code == 400
    assert "performance_density" in response.content.decode() and "pd" in response.content.decode()
    unknown_top = client.post(URL, {"components": [{"category": "accelerator"}], "country": ["VN"]},
                              content_type="application/json")  # fmt: skip
    assert unknown_top.status_code == 400 and "country" in unknown_top.json()
    good = post(client, [{"category": "accelerator", "tpp": 4000, "pd": 6.0}], ["VN"], ruleset="")
    assert good.status_code == 200 and good.json()["results"][0]["outcome"] == L


# --- 2. stated ECCN vs the item's own figures ------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "category", "tpp", "pd", "expected"),
    [
        ("EAR99", "accelerator", 15832, None, "3A090.a"),
        ("5A002.a", "server", 4800, None, "5A002.z"),  # at the 3A090.a edge
        ("5A002.a", "server", 4799, 1.59, "5A002.a"),  # below: the stated ECCN stands
        ("3A090.b", "accelerator", 1600, 5.92, "3A090.a"),
        ("3A090.a", "accelerator", 2400, 1.6, "3A090.a"),  # the stated one is stricter
        ("4A003", "server", 2400, 1.6, "4A003.z"),
        ("3A991", "accelerator", 4800, None, "3A090.a"),
    ],
)
def test_2_the_item_is_classified_to_the_stricter_of_stated_and_derived(stated, category, tpp, pd, expected):
    cls = engine.classify(part(eccn=stated, category=category, tpp=tpp, pd=pd))
    assert cls.eccn == expected and cls.stated_eccn == stated


def test_2_ear99_h100_to_china_and_a_5a002_server_to_vietnam_are_not_eligible_and_say_both(staff_client):
    body = post(staff_client, [{"category": "accelerator", "eccn": "EAR99", "tpp": 15832}], ["CN"]).json()
    assert body["results"][0]["outcome"] == P
    assert (body["components"][0]["stated_eccn"], body["components"][0]["eccn"]) == ("EAR99", "3A090.a")
    text = body["results"][0]["reasons"][0]["text"]
    assert "stated EAR99" in text and "3A090.a" in text
    server = post(staff_client, [{"category": "server", "eccn": "5A002.a", "tpp": 4800}], ["VN"]).json()
    assert server["components"][0]["eccn"] == "5A002.z" and server["results"][0]["outcome"] == L


# --- 3. missing figures fail closed ----------------------------------------------------------------


@pytest.mark.parametrize(("tpp", "level"), [(1599, ""), (1600, "a"), (4799, "a"), (4800, "a")])
def test_3_without_performance_density_3a090a_is_assumed_from_tpp_1600(tpp, level):
    assert engine.classify(part(tpp=tpp)).level == level
    assert (outcomes(part(tpp=tpp))["VN"].outcome == L) is bool(level)


def test_3_without_dram_bandwidth_the_china_lane_is_not_assumed_and_unknown_weights_count_as_closed():
    chip = outcomes(part(tpp=15832, pd=10.0))["CN"]
    assert chip.outcome == P and chip.review_policy == "denial"
    stated = outcomes(part(tpp=15832, pd=10.0, dram_bandwidth=6499.0))["CN"]
    assert stated.outcome == L and stated.review_policy == "case_by_case"
    assert outcomes(part(tpp=15832, pd=10.0, dram_bandwidth=6500.0))["CN"].outcome == P
    llm = engine.classify(ComponentData(1, "LLM", "software", "foundation_model", training_operations=1.0000001e26))
    assert llm.eccn == "4E091" and llm.note_code == "4e091_unknown_weights"


def test_3_missing_pd_through_the_api_is_not_eligible(client, ear):
    body = post(client, [{"category": "accelerator", "tpp": 1600}], ["VN"], ruleset="").json()
    assert body["results"][0]["outcome"] == L and body["components"][0]["eccn"] == "3A090.a"


# --- 4. license exceptions ---------------------------------------------------------------------------


def test_4_a_3a090b_chip_is_eligible_under_aca_for_d1_d4_and_under_nac_for_d5_and_macau():
    b_chip = part(tpp=2400, pd=1.6)  # exactly at the 3A090.b edge
    result = outcomes(b_chip)
    assert (result["VN"].outcome, result["VN"].license_exceptions) == (E, ("ACA",))
    assert (result["SA"].outcome, result["SA"].license_exceptions) == (E, ("ACA",))
    assert (result["CN"].outcome, result["CN"].license_exceptions) == (E, ("NAC",))
    assert (result["VE"].outcome, result["VE"].license_exceptions) == (E, ("NAC",))
    assert result["CN"].conditions and "notification" in result["CN"].conditions[0]
    assert result["JP"].license_exceptions == () and result["RU"].outcome == P and result["IR"].outcome == P
    assert "License Exception ACA" in result["VN"].reasons[0].text


def test_4_a_data_center_3a090a_chip_gets_no_exception_a_non_data_center_one_does():
    assert outcomes(part(tpp=4800, pd=6.0))["VN"].outcome == L  # data-center use not stated: worst case
    assert outcomes(part(tpp=4800, pd=6.0, designed_for_data_centers=True))["VN"].outcome == L
    consumer = outcomes(part(tpp=4800, pd=6.0, designed_for_data_centers=False))
    assert (consumer["VN"].outcome, consumer["VN"].license_exceptions) == (E, ("ACA",))
    below = engine.classify(part(tpp=4799, pd=6.0, designed_for_data_centers=False))
    assert below.eccn == "" and below.note_code == "not_data_center"


def test_4_the_api_says_eligible_under_the_exception(staff_client):
    payload = [{"category": "accelerator", "tpp": 2400, "pd": 1.6, "designed_for_data_centers": True}]
    row = post(staff_client, payload, ["VN"]).json()["results"][0]
    assert row["outcome"] == E and row["license_exceptions"] == ["ACA"]
    assert row["reasons"][0]["license_exception"] == "ACA"
    assert "Eligible under License Exception ACA" in row["reasons"][0]["text"]


# --- 5. 3A090.c (stand-alone HBM) ------------------------------------------------------------------


def test_5_hbm_needs_a_license_only_for_d5_and_macau():
    result = outcomes(part(eccn="3A090.c", category="storage"))
    assert {c: result[c].outcome for c in ("JP", "VN", "SA", "CN", "MO", "VE")} == {
        "JP": E, "VN": E, "SA": E, "CN": P, "MO": P, "VE": P,
    }  # fmt: skip
    assert result["VN"].reasons[0].code == "ear.license_review.hbm"


# --- 6. sanctions regimes ---------------------------------------------------------------------------


def test_6_syria_ear99_is_eligible_under_spp_and_ccl_items_need_a_license():
    result = outcomes(part(eccn="EAR99", category="storage"))
    assert (result["SY"].outcome, result["SY"].license_exceptions) == (E, ("SPP",))
    assert outcomes(part(eccn="5A992.c", category="networking"))["SY"].outcome == L
    assert outcomes(part(tpp=4800))["SY"].outcome == P
    assert outcomes(part(eccn="EAR99", category="storage"))["IR"].outcome == P


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        (part(eccn="5A992.c", category="networking"), P),
        (ComponentData(1, "Crypto lib", "software", "framework", eccn="5D992.c"), P),
        (ComponentData(1, "ERP", "software", "application", eccn="EAR99"), P),
        (part(eccn="EAR99", category="storage"), E),
        (part(category="storage"), P),  # not classified: cannot be ruled out
    ],
)
def test_6_russia_and_belarus_need_a_license_for_every_ccl_item_and_ear99_software(component, expected):
    result = outcomes(component)
    assert result["RU"].outcome == result["BY"].outcome == expected
    assert outcomes(component)["JP"].outcome == E


def test_6_crimea_and_the_dnr_lnr_regions_are_destinations_under_a_comprehensive_embargo(db, staff_client):
    from catalog.models import Country

    assert set(Country.objects.filter(code__in=EMBARGOED_REGIONS).values_list("code", flat=True)) == {"XC", "XD", "XL"}
    body = post(staff_client, [{"category": "storage", "eccn": "EAR99"}], ["XC", "xd", "XL", "UA"]).json()
    assert {r["country"]: r["outcome"] for r in body["results"]} == {"XC": P, "XD": P, "XL": P, "UA": E}
    crimea = next(r for r in body["results"] if r["country"] == "XC")
    assert "746.6" in crimea["reasons"][0]["citation"]
    # The existing rule sets put them in their embargoed tier too: every country has a tier.
    for version in (EAR_VERSION, EAR_LANE_VERSION):
        tiers = dict(RuleSet.objects.get(version=version).country_tiers.values_list("country_id", "tier__code"))
        assert {tiers[c] for c in EMBARGOED_REGIONS} == {"embargoed"}


# --- 7. country-group arithmetic -------------------------------------------------------------------


def test_7_a_d5_country_also_in_a5_or_a6_is_not_arms_embargoed():
    groups = read_groups()
    groups = {k: set(v) for k, v in groups.items()}
    groups["D:5"] |= {"CY"}
    groups["A:6"] |= {"CY"}
    groups["D:1"] |= {"ZZ"}
    groups["D:5"] |= {"ZZ"}
    tiers = ear_r2_tiers({"CY", "ZZ", "KH", "AE", "RU", "SY", "CN", "HK", "IR"}, groups)
    assert tiers["CY"] == "allied" and tiers["ZZ"] == "arms_embargoed"
    assert tiers["KH"] == "license_review"  # left D:5 on 3 Feb 2026, still D:1
    assert tiers["AE"] == "allied"  # A:5 from 10 Jul 2026 (as reported)
    assert (tiers["RU"], tiers["SY"], tiers["CN"], tiers["HK"], tiers["IR"]) == (
        "russia_belarus", "syria", "china_macau", "china_macau", "embargoed",
    )  # fmt: skip


# --- 8. diffusion history ---------------------------------------------------------------------------

AID_R2_RULES = rule_data(AID_R2)


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        ([part(tpp=4800, quantity=5604)], E),  # 26,899,200 ≤ 26,900,000
        ([part(tpp=4800, quantity=5605)], L),  # 26,904,000 >
        ([part(tpp=4000, pd=4.0, quantity=100_000)], E),  # 3A090.b: does not count toward the limit
        ([part(tpp=4000, pd=4.0, quantity=100_000), part(id=2, tpp=26_900_000.0)], E),
        ([part(tpp=4000, pd=4.0, quantity=100_000), part(id=2, tpp=26_900_001.0)], L),
    ],
)
def test_8_only_a_class_items_count_toward_the_26_9m_allowance(components, expected):
    result = engine.evaluate(components, {"IN": "tier2"}, AID_R2_RULES)
    assert result.outcomes["IN"].outcome == expected


def test_8_the_archived_set_says_it_was_rescinded_by_announced_non_enforcement(db, client):
    aid = RuleSet.objects.get(version=AID_R2_VERSION)
    assert aid.status == "archived"
    assert "non-enforcement" in aid.sources and "13 May 2025" in aid.sources
    body = client.get(f"/api/v1/rulesets/{AID_R2_VERSION}/").json()
    assert "13 May 2025" in body["sources"] and "15 May 2025" in body["notes"]


# --- new versions, results untouched ------------------------------------------------------------------


def test_the_corrections_are_a_draft_version_and_existing_results_stay(db):
    r2 = RuleSet.objects.get(version=EAR_R2_VERSION)
    assert r2.status == "draft" and RuleSet.objects.get(status="active").version != EAR_R2_VERSION
    assert not EligibilityResult.objects.filter(ruleset=r2).exists()
    aca = r2.rules.get(code="ear.license_review.aca")
    assert aca.license_exception == "ACA" and aca.outcome == E
    aca.full_clean()


def test_4_the_panel_and_the_stored_result_say_eligible_under_the_exception(db):
    from django.template.loader import render_to_string

    from eligibility.api.serializers import ResultSerializer

    reason = outcomes(part(tpp=2400, pd=1.6))["VN"].reasons[0].as_dict()
    html = render_to_string("eligibility/_reasons.html", {"reasons": [reason]})
    assert "Eligible under License Exception ACA (Advanced Computing Authorized, 15 CFR 740.8)." in html
    result = EligibilityResult(outcome=E, reasons=[reason], ruleset_version=EAR_R2_VERSION, tier_code="license_review")
    assert result.license_exceptions == ["ACA"]
    assert ResultSerializer().fields["license_exceptions"].to_representation(result.license_exceptions) == ["ACA"]
