"""One country source (``catalog/countries.py``): CLDR names per language, locale-aware order, used everywhere."""

from __future__ import annotations

import pytest
from django.utils import translation

from catalog import countries
from catalog.countries import country_choices, country_name, region_name, sort_key


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [
        ("ja", "GE", "ジョージア"),  # not the old "グルジア"
        ("ja", "NR", "ナウル"),  # not "Naoero"
        ("ja", "GB", "イギリス"),
        ("en", "GB", "United Kingdom"),  # one name, never "… of Great Britain and Northern Ireland"
        ("fr", "GB", "Royaume-Uni"),
        ("es", "GE", "Georgia"),
        ("fr", "GE", "Géorgie"),
    ],
)
def test_countries_have_their_cldr_name_in_each_language(language, code, name):
    assert country_name(code, language) == name
    with translation.override(language):
        assert country_name(code) == name


def test_every_code_has_a_name_in_every_language_and_none_is_missing():
    for language in ("en", "ja", "es", "fr"):
        choices = country_choices(language)
        # 249 ISO codes and the three pseudo-destinations of the embargoed regions of Ukraine (15 CFR 746.6).
        assert len(choices) == len(countries.country_codes()) == 252
        assert all(name and name != code for code, name in choices)


@pytest.mark.parametrize("language", ["ja", "es", "fr"])
def test_the_embargoed_regions_of_ukraine_are_named_in_the_visitors_language(language):
    english = {code: country_name(code, "en") for code in countries.PSEUDO_DESTINATIONS}
    assert english["XC"] == "Crimea region of Ukraine"
    for code in countries.PSEUDO_DESTINATIONS:
        name = country_name(code, language)
        assert name and name != english[code]


def test_the_country_table_holds_exactly_the_codes_every_form_offers(db):
    from catalog.models import Country

    assert set(Country.objects.values_list("code", flat=True)) == set(countries.country_codes())


def _position(language: str, code: str) -> int:
    return [c for c, _n in country_choices(language)].index(code)


def test_french_order_treats_accents_as_secondary():
    order = [name for _c, name in country_choices("fr")]
    assert order.index("Égypte") < order.index("Émirats arabes unis") < order.index("Équateur") < order.index("Espagne")
    assert order.index("Danemark") < order.index("Égypte")  # not after "Zimbabwe"


def test_spanish_order_keeps_accented_names_among_their_letter():
    names = [name for _c, name in country_choices("es")]
    assert names.index("Afganistán") < names.index("Albania")
    assert names[-1] == "Zimbabue"


def test_japanese_order_is_gojuon_and_kanji_names_sort_by_their_reading():
    names = [name for _c, name in country_choices("ja")]
    assert names[0] == "アイスランド"
    # 中国 (チュウゴク) among the チ's, 日本 (ニホン) among the ニ's; no kanji straggler at the end.
    assert names.index("チャド") < names.index("中国") < names.index("チリ")
    assert names.index("ニジェール") < names.index("日本") < names.index("ニュージーランド")
    assert names[-1] not in {"中国", "日本", "韓国", "台湾"}
    assert sort_key("ガーナ", "ja")[0] == sort_key("カナ", "ja")[0]  # voiced marks and the long vowel fold


def test_every_form_and_filter_offers_the_same_countries_in_the_same_order(db):
    from catalog.filtersets import country_choices as filter_choices
    from catalog.forms.organizations import country_choices as organization_choices
    from catalog.forms.packages import OverviewForm
    from catalog.models import Country
    from eligibility.forms import country_choices as eligibility_choices
    from rfi.forms import CountryChoiceField

    with translation.override("ja"):
        expected = country_choices()
        assert filter_choices() == expected
        assert eligibility_choices()[1:] == expected
        assert organization_choices()[1:] == expected
        # Model choice fields on the Country table: the same names in the same order.
        field = OverviewForm.base_fields["target_countries"]
        assert [(str(v), label) for v, label in field.choices] == expected
        rfi_field = CountryChoiceField(queryset=Country.objects.all())
        assert [(str(v), label) for v, label in rfi_field.choices][1:] == expected
        assert Country.objects.get(pk="GE").localized_name == "ジョージア"


def test_map_tooltips_name_countries_in_the_reader_language():
    from eligibility.presentation import map_shapes
    from eligibility.worldmap import world_map

    if world_map() is None:
        pytest.skip("node_modules/@svg-maps/world is not installed")
    with translation.override("ja"):
        shapes = {s.code: s for s in map_shapes({"GE": "eligible"}, None)}
    assert shapes["GE"].name == "ジョージア" and shapes["GE"].outcome_label == "適格"
    assert shapes["GB"].name == "イギリス"


def test_regional_blocs_are_named_in_the_reader_language_with_the_stored_name_as_fallback():
    from catalog.countries import REGION_NAMES

    assert set(REGION_NAMES) == {"eu", "gcc", "asean", "mercosur", "ecowas"}
    with translation.override("en"):
        assert region_name("eu") == "European Union"
        assert region_name("new-bloc", "New bloc") == "New bloc"


def test_the_country_table_holds_cldr_english_names(db):
    from catalog.models import Country

    names = dict(Country.objects.filter(pk__in=["GB", "NR", "GE", "US"]).values_list("code", "name"))
    assert names == {"GB": "United Kingdom", "NR": "Nauru", "GE": "Georgia", "US": "United States"}
    with translation.override("en"):
        assert all(country_name(code) == name for code, name in names.items())
