"""Submitters warned early: the review step and the package page show the package's eligibility for its own target
countries and blocs under the active rule set, and the review step shows everything that will be submitted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.choices import Category, Layer, PackageStatus
from catalog.services import package_submit
from eligibility.models import EligibilityCheck, EligibilityResult, RuleSet
from eligibility.seeding import EAR_VERSION
from eligibility.services import eligibility_check_execute
from eligibility.targets import target_market_eligibility
from tests.catalog.factories import company, complete_package

pytestmark = pytest.mark.django_db

PROHIBITED_HEADING = "Export is prohibited to some of your target markets"
LICENSE_HEADING = "An export license is needed for some of your target markets"


def step(package, name):
    return reverse("catalog:manage_package_step", args=[package.slug, name])


@pytest.fixture
def manager(client):
    user, org, consortium = company()
    client.force_login(user)
    return user, org, consortium


def china_package(consortium, **fields):
    """A complete draft targeting China and Kenya whose hardware is an advanced accelerator (3A090 by its TPP)."""
    package = complete_package(consortium, **fields)
    package.target_countries.set(["CN", "KE"])
    chip = package.components.get(layer=Layer.HARDWARE)
    chip.name, chip.tpp, chip.quantity = "H100 cluster", 15832, 8
    chip.save()
    return package


def test_the_review_step_warns_that_a_target_market_is_prohibited_with_the_reason(client, manager):
    package = china_package(manager[2])
    html = client.get(step(package, "review")).content.decode()
    assert PROHIBITED_HEADING in html
    warning = html[html.index('id="targets-prohibited"') :]
    assert "usa-alert--error" in html[html.index("targets-prohibited") - 60 : html.index("targets-prohibited")]
    assert "<strong>China</strong>" in warning[: warning.index("</div>")]
    assert "H100 cluster" in html[html.index('id="target-markets"') : html.index('id="target-markets"') + 6000]
    assert f"Evaluated now with rule set {EAR_VERSION}" in html
    # Nothing was stored: the warning comes from the engine, on the fly.
    assert not EligibilityResult.objects.filter(package=package).exists()


def test_the_review_step_of_an_ordinary_package_shows_no_warning(client, manager):
    package = complete_package(manager[2])  # Kenya, an accelerator without figures
    html = client.get(step(package, "review")).content.decode()
    assert PROHIBITED_HEADING not in html and LICENSE_HEADING not in html
    assert "eligible for export to all of its assessed target markets" in html


def test_a_bloc_is_as_restricted_as_its_most_restricted_member_and_names_them(client, manager):
    package = china_package(manager[2])
    package.target_countries.set(["KE"])
    package.target_regions.set(["asean", "gcc"])
    targets = target_market_eligibility(package)
    asean = next(b for b in targets.blocs if b.code == "asean")
    restricted = {t.code: t.outcome for t in asean.restricted}
    assert asean.outcome == "prohibited" and restricted["VN"] == "license_required"
    assert "prohibited" in restricted.values() and "SG" not in restricted
    assert [t.outcome for t in asean.restricted] == sorted(
        (t.outcome for t in asean.restricted), key=lambda o: o != "prohibited"
    )  # prohibited members first
    assert targets.prohibited == ["Association of Southeast Asian Nations"]
    html = client.get(step(package, "review")).content.decode()
    assert PROHIBITED_HEADING in html and "(regional bloc)" in html


def test_the_submitted_page_shows_the_prohibited_warning_before_and_after_the_check_ran(
    client, manager, django_capture_on_commit_callbacks
):
    user, _org, consortium = manager
    package = china_package(consortium)
    with django_capture_on_commit_callbacks(execute=False):
        package_submit(actor=user, package=package)
    detail = reverse("catalog:manage_package_detail", args=[package.slug])
    html = client.get(detail).content.decode()
    assert PROHIBITED_HEADING in html and "Evaluated now" in html  # the check has not run yet
    check = EligibilityCheck.objects.get(package=package)
    assert eligibility_check_execute(check_id=check.pk) == "done"
    html = client.get(detail).content.decode()
    assert PROHIBITED_HEADING in html and f"Results of the eligibility check under rule set {EAR_VERSION}" in html


def test_the_draft_package_page_leaves_target_markets_to_the_review_step(client, manager):
    package = china_package(manager[2])
    html = client.get(reverse("catalog:manage_package_detail", args=[package.slug])).content.decode()
    assert PROHIBITED_HEADING not in html


def test_without_an_active_rule_set_the_review_step_says_so(client, manager):
    RuleSet.objects.filter(status="active").update(status="archived")
    package = china_package(manager[2])
    html = client.get(step(package, "review")).content.decode()
    assert "No export-control rule set is active" in html and PROHIBITED_HEADING not in html


def test_the_review_step_shows_everything_that_will_be_submitted(client, manager):
    package = complete_package(
        manager[2],
        description="Two data halls in Nairobi.",
        business_model="Leased capacity, ten-year contract.",
        federal_support=["loans"],
        federal_support_details="A DFC loan of USD 40 million.",
        us_content_statement="80 % of the hardware value is U.S.-made.",
    )
    chip = package.components.get(layer=Layer.HARDWARE)
    chip.description, chip.tpp, chip.performance_density = "Eight-GPU servers.", 4000, 4.5
    chip.unit_value_usd, chip.us_origin_share = Decimal("25000"), Decimal("80")
    chip.quantity, chip.eccn = 1192, "3A090.a"
    chip.save()
    model = package.components.get(category=Category.FOUNDATION_MODEL)
    model.training_operations, model.weights_published = 3.8e25, False
    model.save()
    html = client.get(step(package, "review")).content.decode()
    for text in [
        "Two data halls in Nairobi.",
        "Leased capacity, ten-year contract.",
        "A DFC loan of USD 40 million.",
        "80 % of the hardware value is U.S.-made.",
        "Eight-GPU servers.",
        "1192",
        "3A090.a",
        "4000",
        "4.5",
        "25000",
        "3.8e+25",
    ]:
        assert text in html, text


@pytest.mark.parametrize("targets", [1, 8])
def test_the_review_step_runs_a_fixed_number_of_queries_whatever_the_number_of_targets(
    client, manager, django_assert_max_num_queries, targets
):
    package = china_package(manager[2])
    package.target_countries.set(["CN", "KE", "JP", "VN", "FR", "DE", "BR", "IN"][:targets])
    package.target_regions.set(["asean", "eu"][: max(1, targets // 4)])
    client.get(step(package, "review"))  # warm the per-process rule-set cache
    with django_assert_max_num_queries(12):
        response = client.get(step(package, "review"))
    assert response.status_code == 200


@pytest.mark.parametrize("status", [PackageStatus.SUBMITTED, PackageStatus.IN_REVIEW])
def test_the_package_page_runs_a_fixed_number_of_queries_with_target_markets(
    client, manager, django_assert_max_num_queries, status
):
    package = china_package(manager[2], status=status)
    package.target_regions.set(["asean", "eu"])
    client.get(reverse("catalog:manage_package_detail", args=[package.slug]))
    with django_assert_max_num_queries(13):
        response = client.get(reverse("catalog:manage_package_detail", args=[package.slug]))
    assert PROHIBITED_HEADING in response.content.decode()
