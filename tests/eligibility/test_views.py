"""Public eligibility pages: the package panel, the buyer's country, the calculator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.choices import Category, PackageStatus
from eligibility import services
from eligibility.buyer import SESSION_KEY, country_from_accept_language
from tests.factories import ComponentFactory, PackageFactory, UserFactory, assert_honeypot_refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(ear):
    package = PackageFactory(status=PackageStatus.PUBLISHED, title="Sovereign GPU cloud")
    ComponentFactory(package=package, name="H100 cluster", category=Category.ACCELERATOR, tpp=15832, quantity=64)
    services.eligibility_compute_now(package_id=package.pk)
    return package


@pytest.mark.parametrize(
    ("header", "country"),
    [("ja-JP,ja;q=0.9", "JP"), ("en", None), ("fr;q=0.8,es-MX;q=0.9", "MX"), ("", None), ("zh-Hans-CN", None)],
)
def test_the_buyer_country_defaults_from_the_language_region(header, country):
    assert country_from_accept_language(header) == country


def test_the_package_page_shows_the_outcome_for_the_country_of_the_browser_language(client, published):
    response = client.get(reverse("eligibility:package", args=[published.slug]), HTTP_ACCEPT_LANGUAGE="vi-VN")
    body = response.content.decode()
    assert response.status_code == 200
    assert "For Vietnam:" in body or "For Viet Nam:" in body
    assert "License required" in body and "H100 cluster" in body
    assert "not a licensing determination" in body and "ear-2026-07" in body
    assert 'data-country="VN"' in body  # the map
    assert body.count("<tr") > 240  # the table of all countries


def test_a_chosen_country_is_remembered_and_the_visitor_goes_back(client, published):
    page = reverse("eligibility:package", args=[published.slug])
    response = client.get(reverse("eligibility:choose_country"), {"country": "CN", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert client.session[SESSION_KEY] == "CN"
    assert "For China:" in client.get(page).content.decode()


def test_choosing_a_country_never_redirects_off_site(client, published):
    response = client.get(reverse("eligibility:choose_country"), {"country": "JP", "next": "https://evil.example/"})
    assert response["Location"] == reverse("eligibility:calculator")


def test_a_draft_package_eligibility_is_private(client, ear):
    draft = PackageFactory(status=PackageStatus.SUBMITTED)
    url = reverse("eligibility:package", args=[draft.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


def test_the_package_page_renders_in_few_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("eligibility:package", args=[published.slug]), HTTP_ACCEPT_LANGUAGE="ja-JP")


def calculator_post(**overrides):
    data = {
        "c-TOTAL_FORMS": "3", "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "0", "c-MAX_NUM_FORMS": "20",
        "c-0-name": "Accelerator", "c-0-category": "accelerator", "c-0-tpp": "15832", "c-0-quantity": "10",
        "country": "VN", "ruleset": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_calculator_shows_outcomes_with_reasons_and_saves_nothing(client, ear):
    from eligibility.models import EligibilityResult

    response = client.post(reverse("eligibility:calculator"), calculator_post())
    body = response.content.decode()
    assert response.status_code == 200
    assert "For Vietnam:" in body or "For Viet Nam:" in body
    assert "derived from TPP 15,832" in body and "License required" in body
    assert not EligibilityResult.objects.exists()


def test_the_calculator_can_use_the_historical_rule_set(client, aid):
    response = client.post(reverse("eligibility:calculator"), calculator_post(ruleset=aid.version, country="IN"))
    assert "For India:" in response.content.decode()
    assert "Tier 2 destination within the low-processing-performance allowance" in response.content.decode()


def test_bad_calculator_input_is_refused_with_field_errors_and_kept(client, ear):
    response = client.post(reverse("eligibility:calculator"), calculator_post(**{"c-0-tpp": "lots", "c-1-eccn": "XYZ"}))
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in body and 'value="lots"' in body
    assert "Enter an ECCN" in body


def test_an_empty_calculator_asks_for_a_component(client, ear):
    blank = {"c-0-name": "", "c-0-category": "", "c-0-tpp": "", "c-0-quantity": ""}
    response = client.post(reverse("eligibility:calculator"), calculator_post(**blank))
    assert response.status_code == 400
    assert "Describe at least one component." in response.content.decode()


def test_the_calculator_honeypot_refuses_bots(client, ear):
    response = client.post(reverse("eligibility:calculator"), calculator_post(website="http://spam.example"))
    assert_honeypot_refused(response)


def test_the_template_tag_renders_the_panel_on_any_page(rf, published):
    from django.contrib.sessions.backends.db import SessionStore
    from django.template import Context, Template

    request = rf.get("/catalog/x/", HTTP_ACCEPT_LANGUAGE="en-US")
    request.session = SessionStore()
    html = Template("{% load eligibility %}{% package_eligibility package %}").render(
        Context({"package": published, "request": request})
    )
    assert "Export-control eligibility" in html and "For United States" in html and "Eligible" in html


@pytest.mark.parametrize(("language", "text"), [("ja", "適格性計算ツール"), ("es", "Calculadora de elegibilidad"),
                                                ("fr", "Calculateur d’éligibilité")])  # fmt: skip
def test_the_calculator_is_translated(client, ear, language, text):
    response = client.get(reverse("eligibility:calculator"), HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()
