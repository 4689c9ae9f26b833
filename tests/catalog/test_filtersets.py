"""The catalog's PackageFilterSet, used alone (the HTML list and the API use the same class)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import QueryDict

from catalog.choices import Category, PackageStatus
from catalog.filtersets import PackageFilterSet
from catalog.selectors import published_packages
from tests.catalog.factories_public import published_package
from tests.factories import ComponentFactory, ConsortiumFactory

pytestmark = pytest.mark.django_db


def slugs(query: str) -> list[str]:
    filterset = PackageFilterSet(QueryDict(query), queryset=published_packages())
    assert filterset.is_valid(), filterset.errors
    return [p.slug for p in filterset.qs]


def errors(query: str) -> dict:
    filterset = PackageFilterSet(QueryDict(query), queryset=published_packages())
    assert not filterset.is_valid()
    return filterset.errors


def test_without_filters_every_published_package_is_listed_newest_first():
    old = published_package(title="Old")
    new = published_package(title="New")
    published_package(title="Draft", status=PackageStatus.DRAFT)
    old.published_at = new.published_at.replace(year=2020)
    old.save()
    assert slugs("") == [new.slug, old.slug]


def test_layer_matches_packages_with_a_component_in_any_chosen_layer():
    hardware_only = published_package(categories=[Category.SERVER])
    data_only = published_package(categories=[Category.DATASET])
    published_package(categories=[Category.PRIVACY])
    assert set(slugs("layer=hardware&layer=data")) == {hardware_only.slug, data_only.slug}


def test_a_package_with_many_matching_components_is_listed_once():
    package = published_package(categories=[Category.SERVER, Category.STORAGE, Category.ACCELERATOR])
    assert slugs("layer=hardware") == [package.slug]
    assert slugs("category=server&category=storage") == [package.slug]


def test_category_sector_and_consortium_filters_combine_with_and():
    consortium = ConsortiumFactory()
    wanted = published_package(categories=[Category.FOUNDATION_MODEL], sectors=["health"], consortium=consortium)
    published_package(categories=[Category.FOUNDATION_MODEL], sectors=["energy"], consortium=consortium)
    published_package(categories=[Category.FOUNDATION_MODEL], sectors=["health"])
    published_package(categories=[Category.DATASET], sectors=["health"], consortium=consortium)
    assert slugs(f"category=foundation_model&sector=health&consortium={consortium.slug}") == [wanted.slug]


def test_target_country_matches_directly_or_through_a_regional_bloc():
    direct = published_package(countries=["AE"])
    via_gcc = published_package(regions=["gcc"])
    published_package(countries=["KE"], regions=["eu"])
    assert set(slugs("target_country=AE")) == {direct.slug, via_gcc.slug}
    assert set(slugs("target_country=ae")) == {direct.slug, via_gcc.slug}, "lower case is accepted"


def test_target_region_matches_packages_targeting_the_bloc():
    eu = published_package(regions=["eu"])
    published_package(regions=["gcc"])
    assert slugs("target_region=eu") == [eu.slug]


def test_eccn_matches_exactly_or_by_prefix():
    chips = published_package(categories=[])
    ComponentFactory(package=chips, category=Category.ACCELERATOR, eccn="3A090.a")
    mass_market = published_package(categories=[])
    ComponentFactory(package=mass_market, category=Category.SERVER, eccn="5A992.c")
    assert slugs("eccn=3A090") == [chips.slug]
    assert slugs("eccn=3a090.A") == [chips.slug], "normalized to 3A090.a"
    assert slugs("eccn=5A992.c") == [mass_market.slug]
    assert set(slugs("eccn=5")) == {mass_market.slug}
    assert slugs("eccn=EAR99") == []


@pytest.mark.parametrize("value", ["3A090;drop", "XYZ", "3Z090", "3A09000"])
def test_a_malformed_eccn_is_an_error_on_the_eccn_field(value):
    assert "eccn" in errors(f"eccn={value}")


@pytest.mark.parametrize(
    "query, field",
    [
        ("layer=bogus", "layer"),
        ("category=rocket", "category"),
        ("sector=mining", "sector"),
        ("consortium=no%20such%20consortium", "consortium"),
        ("target_region=atlantis!", "target_region"),
        ("target_country=XX", "target_country"),
        ("available_in=ZZ", "available_in"),
        ("availability=maybe", "availability"),
        ("ordering=random", "ordering"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_values_are_errors_naming_the_parameter(query, field):
    assert list(errors(query)) == [field]


def test_title_ordering_sorts_alphabetically():
    published_package(title="Bravo")
    published_package(title="Alpha")
    published_package(title="Charlie")
    filterset = PackageFilterSet(QueryDict("ordering=title"), queryset=published_packages())
    assert [p.title for p in filterset.qs] == ["Alpha", "Bravo", "Charlie"]


def test_available_in_asks_the_eligibility_selector_with_the_chosen_strictness():
    package = published_package()
    with mock.patch("catalog.filtersets.packages_available_in", side_effect=lambda qs, **kw: qs) as selector:
        assert slugs("available_in=jp") == [package.slug]
        assert selector.call_args.kwargs == {"country": "JP", "include_license_required": False}
        slugs("available_in=JP&availability=eligible_or_license")
        assert selector.call_args.kwargs == {"country": "JP", "include_license_required": True}


def test_availability_alone_does_not_filter():
    package = published_package()
    assert slugs("availability=eligible_or_license") == [package.slug]


def test_qs_without_leaves_out_the_named_filter_only():
    hardware = published_package(categories=[Category.SERVER], sectors=["health"])
    published_package(categories=[Category.DATASET], sectors=["health"])
    published_package(categories=[Category.SERVER], sectors=["energy"])
    filterset = PackageFilterSet(QueryDict("layer=hardware&sector=health"), queryset=published_packages())
    assert [p.slug for p in filterset.qs] == [hardware.slug]
    assert filterset.qs_without("layer").count() == 2
    assert filterset.qs_without("sector").count() == 2
