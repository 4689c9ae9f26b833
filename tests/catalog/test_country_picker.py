"""The country picker (aiexports/widgets.py CountryCheckboxPicker) on the package wizard's overview step: every
country a labelled checkbox grouped by first letter, the chosen ones first and counted, several values round-trip,
a bad value is a field error — all without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from aiexports.widgets import CountryCheckboxPicker, fold, group_label
from catalog.forms.packages import OverviewForm
from catalog.models import Country, Package
from tests.catalog.factories import company, ensure_reference_data
from tests.factories import PackageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def package():
    ensure_reference_data()
    _user, _org, consortium = company()
    return PackageFactory(consortium=consortium)


def boxes(html: str) -> dict[str, str]:
    """value -> the whole <input> tag of every target-country checkbox."""
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<input type="checkbox" name="target_countries" value="(\w+)"[^>]*>', html)
    }


def test_the_picker_renders_every_country_as_a_labelled_checkbox_with_the_chosen_ones_checked(package):
    package.target_countries.set(["JP", "KE"])
    f = OverviewForm(instance=package)
    assert isinstance(f.fields["target_countries"].widget, CountryCheckboxPicker)
    html = str(f["target_countries"])
    inputs = boxes(html)
    assert set(inputs) == set(Country.objects.values_list("code", flat=True)) and len(inputs) > 240
    assert {code for code, tag in inputs.items() if " checked" in tag} == {"JP", "KE"}
    assert 'class="usa-checkbox__input"' in inputs["FR"]
    assert re.search(r'for="(id_target_countries_\d+)">Japan</label>', html)
    for code, tag in inputs.items():  # every checkbox has a label of its own
        box_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'for="{box_id}"' in html, code
    # Chosen first (and summed up), then the countries by first letter; the filter waits for the script.
    assert html.index(">Chosen</legend>") < html.index(">Japan</label>") < html.index(">A</legend>")
    assert "2 chosen" in html and 'aria-live="polite"' in html
    assert re.search(r'<div class="aix-picker__filter" data-aix-picker-filter hidden>', html)
    assert 'type="search"' in html and ">Filter countries</label>" in html
    letters = re.findall(r'<legend class="aix-picker__group-label">([^<]+)</legend>', html)
    assert letters[0] == "Chosen" and letters[1:4] == ["A", "B", "C"]
    assert html.index(">Germany</label>") < html.index(">Ghana</label>") < html.index(">Greece</label>")


def test_the_groups_follow_the_visitors_language(package):
    with translation.override("ja"):
        html = str(OverviewForm(instance=package)["target_countries"])
    labels = re.findall(r'<legend class="aix-picker__group-label">([^<]+)</legend>', html)
    assert labels[:3] == ["ア行", "カ行", "サ行"] and "日本" in html
    # Japan is found by its English name and code in every language.
    assert re.search(r'data-aix-terms="[^"]*日本[^"]*jp[^"]*japan"', html)
    with translation.override("fr"):
        html = str(OverviewForm(instance=package)["target_countries"])
    assert html.index(">Égypte</label>") < html.index(">Équateur</label>") < html.index(">Espagne</label>")  # É under E
    assert group_label("Égypte", "fr") == "E" and group_label("中国", "ja") != "ナ行"


def test_fold_ignores_case_accents_width_and_kana_script():
    assert fold("Côte d’Ivoire") == fold("cote d’ivoire")
    assert fold("ＪＡＰ") == "jap"
    assert fold("にほん") == fold("ニホン")
    assert fold("ガーナ").startswith("カ")


def test_posting_several_countries_round_trips_and_a_bad_value_is_a_field_error(client, package):
    user = package.consortium.anchor.memberships.get().user
    client.force_login(user)
    url = reverse("catalog:manage_package_step", args=[package.slug, "overview"])
    data = {"title": "Tokyo Cloud", "summary": "A stack.", "target_countries": ["JP", "KE", "BR"], "nav": "stay"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    package.refresh_from_db()
    assert sorted(package.target_countries.values_list("code", flat=True)) == ["BR", "JP", "KE"]
    html = client.get(url).content.decode()
    assert {code for code, tag in boxes(html).items() if " checked" in tag} == {"BR", "JP", "KE"}
    assert "3 chosen" in html and "country-picker.js" in html and "country-picker.css" in html

    response = client.post(url, {**data, "target_countries": ["JP", "XX"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "id_target_countries_error_1" in html and 'href="#id_target_countries"' in html
    assert '<fieldset class="usa-fieldset usa-form-group usa-form-group--error" id="id_target_countries"' in html
    assert sorted(Package.objects.get(pk=package.pk).target_countries.values_list("code", flat=True)) == [
        "BR",
        "JP",
        "KE",
    ]
