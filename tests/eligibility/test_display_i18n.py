"""What a foreign buyer sees of eligibility: labels from one place, countries named and ordered in their
language, reasons rendered at display time, and the calculator's result first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.choices import Category, PackageStatus
from eligibility import services
from eligibility.choices import TIER_LABELS, Outcome, outcome_label, tier_label
from tests.factories import ComponentFactory, PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(ear):
    package = PackageFactory(status=PackageStatus.PUBLISHED, title="Sovereign GPU cloud")
    ComponentFactory(package=package, name="H100 cluster", category=Category.ACCELERATOR, tpp=15832, quantity=64)
    services.eligibility_compute_now(package_id=package.pk)
    return package


def test_every_seeded_tier_code_has_a_label():
    from eligibility.models import Tier
    from eligibility.seeding import AID, AID_R2, EAR, EAR_LANE, EAR_R2

    seeded = {code for spec in (EAR, EAR_LANE, AID, EAR_R2, AID_R2) for code, *_rest in spec["tiers"]}
    assert seeded | set(Tier.objects.values_list("code", flat=True)) <= set(TIER_LABELS)


def test_tier_and_outcome_labels_fall_back_without_showing_raw_codes():
    with translation.override("en"):
        assert tier_label("arms_embargoed") == "Arms-embargoed"
        assert tier_label("new_tier", "New tier") == "New tier"
        assert outcome_label("license_required") == "License required"
        assert outcome_label(None) == outcome_label("unknown") == "No result"
    with translation.override("ja"):
        assert outcome_label(Outcome.ELIGIBLE) == "適格"


def test_the_package_panel_shows_tier_labels_not_codes_and_countries_in_the_reader_order(client, published):
    body = client.get(reverse("eligibility:package", args=[published.slug]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    cells = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', body)
    tiers = {tier for _name, tier in cells}
    assert tiers and not tiers & {"allied", "license_review", "arms_embargoed", "embargoed"}
    names = [name for name, _tier in cells]
    assert "ジョージア" in names and "ナウル" in names and "グルジア" not in body
    assert names.index("アイスランド") < names.index("ジョージア") < names.index("ロシア")
    assert reverse("eligibility:calculator") in body  # the calculator is linked from every package page


def test_map_tooltips_and_credit_are_in_the_reader_language(client, published):
    body = client.get(reverse("eligibility:package", args=[published.slug]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    if 'data-country="GE"' not in body:
        pytest.skip("node_modules/@svg-maps/world is not installed")
    assert re.search(r'data-country="GE"><title>ジョージア: ', body)
    assert "Georgia:" not in body


def test_stored_legacy_prose_reasons_still_show(client, published):
    from eligibility.models import EligibilityResult

    EligibilityResult.objects.filter(package=published, country_id="VN").update(
        reasons=[{"text": "Old prose reason", "citation": "15 CFR 742.6"}]
    )
    page = reverse("eligibility:package", args=[published.slug])
    body = client.get(page, HTTP_ACCEPT_LANGUAGE="vi-VN").content.decode()
    assert "Old prose reason" in body and "15 CFR 742.6" in body


def _calculate(client, **overrides):
    data = {
        "c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "20",
        "c-0-name": "Accelerator", "c-0-category": "accelerator", "c-0-tpp": "15832", "c-0-quantity": "10",
        "country": "VN", "ruleset": "",
    }  # fmt: skip
    data.update(overrides)
    return client.post(reverse("eligibility:calculator"), data, HTTP_ACCEPT_LANGUAGE="ja")


def test_the_calculator_result_comes_first_summary_then_folded_details(client, ear):
    body = _calculate(client).content.decode()
    result = body.index('id="calc-results"')
    assert result < body.index('<form method="post" action="/eligibility/calculator/"')
    assert "data-aix-focus-on-load" in body[result - 200 : result + 300]
    section = body[result : body.index("</section>", result)]
    # Summary first: counts by outcome and the buyer's own country, then the details inside <details>.
    counts = section.index("aix-elig-counts")
    chosen = section.index('id="calc-chosen"')
    details = section.index("<details")
    assert counts < chosen < details
    assert "ベトナム" in section[chosen:details]
    assert section.count("<details") == 2 and section.index('class="usa-table') > details
    numbers = [int(n) for n in re.findall(r'aix-elig-tag--\w+">[^<]+</span> (\d+)', section[counts:chosen])]
    assert len(numbers) == 3 and sum(numbers) > 240
    assert not re.search(r"<td>(allied|license_review|arms_embargoed|embargoed)</td>", section)


def test_the_calculator_without_a_country_asks_for_one_and_still_counts(client, ear):
    body = _calculate(client, country="").content.decode()
    assert 'id="calc-chosen"' not in body and "aix-elig-counts" in body


def test_the_catalog_links_the_calculator(client, ear):
    body = client.get(reverse("catalog:package_list")).content.decode()
    assert body.count(f'href="{reverse("eligibility:calculator")}"') >= 2  # the navigation and the catalog intro


def test_a_tier_or_bloc_staff_renamed_shows_its_stored_name():
    from catalog.countries import region_name

    with translation.override("ja"):
        assert tier_label("allied", "Close partners") == "Close partners"
        assert region_name("gcc", "Gulf states (renamed)") == "Gulf states (renamed)"
        assert tier_label("allied", "Allied") == tier_label("allied")


def test_the_api_names_countries_in_the_request_language(client, published):
    url = f"/api/v1/packages/{published.slug}/eligibility/"
    rows = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").json()["results"]
    names = {row["country"]: row["country_name"] for row in rows}
    assert names["GE"] == "ジョージア" and names["GB"] == "イギリス"
    rows = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert {row["country"]: row["country_name"] for row in rows}["GB"] == "United Kingdom"


def test_seeded_rule_set_names_are_shown_in_the_reader_language(client, published):
    from eligibility.choices import RULESET_NAMES, ruleset_label
    from eligibility.models import RuleSet

    assert set(RuleSet.objects.values_list("name", flat=True)) <= set(RULESET_NAMES)
    with translation.override("ja"):
        assert ruleset_label("Current EAR controls") == "現行のEAR規制"
        assert ruleset_label("Renamed by staff") == "Renamed by staff"
    body = client.get(reverse("eligibility:package", args=[published.slug]), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "現行のEAR規制" in body and "Current EAR controls" not in body
    calculator = client.get(reverse("eligibility:calculator"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Current EAR controls" not in calculator and "AI Diffusion framework" not in calculator
