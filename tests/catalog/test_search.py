"""Full-text search of the catalog: PostgreSQL ranking and index, vector upkeep, and the SQLite fallback."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.http import QueryDict

from catalog.choices import Category
from catalog.filtersets import PackageFilterSet
from catalog.models import Component, ComponentTranslation, Package, PackageTranslation
from catalog.selectors import published_packages
from catalog.services.search import packages_search_refresh
from tests.catalog.factories_public import published_package
from tests.factories import ComponentFactory

pytestmark = pytest.mark.django_db


def search(q: str, ordering: str = "") -> list[str]:
    data = QueryDict(mutable=True)
    data["q"] = q
    if ordering:
        data["ordering"] = ordering
    filterset = PackageFilterSet(data, queryset=published_packages())
    assert filterset.is_valid(), filterset.errors
    return [p.title for p in filterset.qs]


# --- the fallback (SQLite, the embedded default); forced on PostgreSQL too so CI runs it -----------


@pytest.fixture
def fallback():
    with mock.patch("catalog.filtersets.search_enabled", return_value=False):
        yield


def test_the_fallback_finds_a_word_in_the_title_summary_description_or_a_component(fallback):
    published_package(title="Desert sovereign cloud")
    published_package(title="Second", summary="A sovereign deployment")
    published_package(title="Third", description="Fully sovereign operations.")
    in_component = published_package(title="Fourth", categories=[])
    ComponentFactory(package=in_component, category=Category.PRIVACY, name="Sovereign key vault")
    published_package(title="Unrelated")
    assert set(search("SOVEREIGN")) == {"Desert sovereign cloud", "Second", "Third", "Fourth"}


def test_the_fallback_requires_every_word(fallback):
    published_package(title="Arabic language model", summary="Hosted in Riyadh")
    published_package(title="Arabic OCR")
    assert search("arabic riyadh") == ["Arabic language model"]


# --- PostgreSQL full-text search ------------------------------------------------------------------


@pytest.mark.postgres
def test_the_package_search_vector_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'catalog_package' AND indexdef ILIKE '%%gin%%'"
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert any("search_vector" in d for d in definitions), definitions


@pytest.mark.postgres
def test_ranking_puts_title_before_summary_before_components_before_description():
    published_package(title="D", description="Telemedicine platform for clinics")
    c = published_package(title="C", categories=[])
    ComponentFactory(package=c, category=Category.APPLICATION, name="Telemedicine suite")
    published_package(title="B", summary="Telemedicine for rural areas")
    published_package(title="A telemedicine stack")
    published_package(title="Unrelated")
    assert search("telemedicine") == ["A telemedicine stack", "B", "C", "D"]


@pytest.mark.postgres
def test_search_understands_word_forms_and_quoted_phrases():
    published_package(title="Accelerated training clusters")
    published_package(title="Training for accelerated readers", summary="other words")
    assert set(search("accelerate cluster")) == {"Accelerated training clusters"}
    assert search('"training clusters"') == ["Accelerated training clusters"]


@pytest.mark.postgres
def test_the_vector_follows_component_changes_and_title_edits():
    package = published_package(title="Plain package", categories=[])
    assert search("photonic") == []
    component = ComponentFactory(package=package, category=Category.NETWORKING, name="Photonic switch")
    assert search("photonic") == ["Plain package"]
    component.name = "Copper switch"
    component.save()
    assert search("photonic") == []
    Component.objects.get(pk=component.pk).delete()
    assert search("copper") == []
    package.title = "Quantum-safe package"
    package.save()
    assert search("quantum-safe") == ["Quantum-safe package"]


@pytest.mark.postgres
def test_a_bulk_refresh_fills_vectors_of_rows_written_without_signals():
    package = published_package(title="Bulk", categories=[])
    Component.objects.bulk_create([Component(package=package, layer="data", category="dataset", name="Geospatial")])
    Package.objects.filter(pk=package.pk).update(search_vector=None)
    assert search("geospatial") == []
    assert packages_search_refresh() >= 1
    assert search("geospatial") == ["Bulk"]


@pytest.mark.postgres
def test_a_search_of_only_stop_words_finds_nothing_without_error():
    published_package(title="The stack")
    assert search("the") == []


# --- every language of a package, and text written without spaces ----------------------------------------------


def translated(package: Package, language: str, **fields) -> PackageTranslation:
    return PackageTranslation.objects.create(package=package, language=language, **fields)


@pytest.fixture(params=["postgres", "fallback"])
def engine(request):
    """Each multilingual search test runs on PostgreSQL (n-grams in the vector) and on the fallback."""
    if request.param == "postgres":
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL")
        yield
        return
    with mock.patch("catalog.filtersets.search_enabled", return_value=False):
        yield


def test_a_japanese_search_finds_a_substring_of_japanese_text_without_spaces(engine):
    package = published_package(title="Sovereign cloud for the Gulf")
    translated(package, "ja", title="湾岸諸国向けソブリンクラウド基盤", summary="国内で運用されるAIクラウド")
    published_package(title="Unrelated", summary="クラウド移行の支援")
    assert search("ソブリンクラウド") == ["Sovereign cloud for the Gulf"]
    assert search("ソブリン クラウド") == ["Sovereign cloud for the Gulf"]
    assert set(search("クラウド")) == {"Sovereign cloud for the Gulf", "Unrelated"}
    assert search("基盤") == ["Sovereign cloud for the Gulf"]
    assert search("クラウドソブリン") == []  # the characters in another order are not the phrase


def test_spanish_and_french_versions_are_searched_and_english_still_finds_the_package(engine):
    package = published_package(title="Health data platform")
    translated(package, "es", title="Plataforma de datos sanitarios", description="Alojada en Bogotá.")
    translated(package, "fr", title="Plateforme de données de santé")
    published_package(title="Other")
    assert search("plataforma") == ["Health data platform"]
    assert search("données") == ["Health data platform"]
    assert search("Bogotá") == ["Health data platform"]
    assert search("health") == ["Health data platform"]


def test_a_search_mixing_latin_and_japanese_needs_both(engine):
    zeta = published_package(title="Zeta stack")
    translated(zeta, "ja", title="Zetaクラウド")
    other = published_package(title="Storage")
    translated(other, "ja", title="ストレージクラウド")
    assert search("zeta クラウド") == ["Zeta stack"]
    assert search("Zetaクラウド") == ["Zeta stack"]
    assert search("Zetaストレージ") == []


def test_component_translations_are_searched(engine):
    package = published_package(title="Vault", categories=[])
    component = ComponentFactory(package=package, category=Category.PRIVACY, name="Key vault")
    ComponentTranslation.objects.create(component=component, language="ja", name="鍵管理サービス")
    published_package(title="Other")
    assert search("鍵管理") == ["Vault"]


@pytest.mark.parametrize("q", ["!!!", "、。？！", "-- ... ??", "・「」"])
def test_a_search_of_punctuation_alone_is_refused_with_a_message(q):
    data = QueryDict(mutable=True)
    data["q"] = q
    filterset = PackageFilterSet(data, queryset=published_packages())
    assert not filterset.is_valid()
    assert "punctuation" in str(filterset.errors["q"])


@pytest.mark.postgres
def test_a_translation_edit_refreshes_the_vector():
    package = published_package(title="Plain")
    translation = translated(package, "ja", title="量子計算")
    assert search("量子") == ["Plain"]
    translation.title = "古典計算"
    translation.save()
    assert search("量子") == []
    translation.delete()
    assert search("古典") == []


@pytest.mark.postgres
def test_a_japanese_search_can_use_the_gin_index():
    from catalog.filtersets import search_query
    from catalog.services.search import split_query

    package = published_package(title="Package", categories=[])
    translated(package, "ja", title="ソブリンクラウド")
    query = search_query(split_query("ソブリンクラウド AI"))
    with connection.cursor() as cursor:
        # A tiny table: make the planner show the index the query can use (not a scan of a b-tree index).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Package.objects.filter(search_vector=query).order_by().explain()
    assert "catalog_package_search_gin" in plan, plan
