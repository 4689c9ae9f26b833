"""The pure matching module: normalization and pg_trgm-compatible trigram similarity."""

from __future__ import annotations

import pytest

from screening.matching import Candidate, NameIndex, normalize_name, similarity, trigrams


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Northwind Traders", "northwind traders"),
        ("NORTHWIND TRADERS, INC.", "northwind traders"),
        ("Northwind Traders Co., Ltd.", "northwind traders"),
        ("The Northwind Traders LLC", "northwind traders"),
        ("Fabrikam S.A.", "fabrikam"),
        ("Fabrikam S. A.", "fabrikam"),
        ("Fabrikam GmbH & Co. KG", "fabrikam"),
        ("Fábrikam Société Générale", "fabrikam societe generale"),
        ("Margie's Travel", "margies travel"),
        ("Contoso Corp.", "contoso"),
        ("Contoso Corporation", "contoso"),
        ("Inc.", "inc"),
        ("The", "the"),
        ("Tailspin-Toys (HK) Limited", "tailspin toys hk"),
        ("Straße Werke AG", "strasse werke"),
        ("", ""),
    ],
)
def test_names_are_normalized_for_case_accents_punctuation_and_legal_suffixes(raw, normalized):
    assert normalize_name(raw) == normalized


def test_trigrams_are_padded_like_pg_trgm():
    assert trigrams("ab") == {"  a", " ab", "ab "}
    assert trigrams("a b") == {"  a", " a ", "  b", " b "}


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("northwind traders", "northwind traders", 1.0),
        ("contoso", "kontoso", 5 / 11),
        ("fabrikam", "fabricam", 0.5),
        ("abc", "xyz", 0.0),
        ("", "abc", 0.0),
    ],
)
def test_similarity_is_shared_trigrams_over_all_trigrams(a, b, expected):
    assert similarity(a, b) == pytest.approx(expected)


def _index(*names: tuple[int, str, bool, frozenset[str]]) -> NameIndex:
    return NameIndex(Candidate(e, n, normalize_name(n), alias, countries) for e, n, alias, countries in names)


LIST = _index(
    (1, "NORTHWIND TRADING CO., LTD.", False, frozenset({"CN", "HK"})),
    (1, "Northwind Traders", True, frozenset({"CN", "HK"})),
    (2, "Contoso Pharmaceuticals JSC", False, frozenset({"RU"})),
    (3, "Émile Dávila FICTICIO", False, frozenset()),
    (4, "Kontoso Ltd", False, frozenset({"AE"})),
)


@pytest.mark.parametrize(
    ("organization", "entry", "name", "alias"),
    [
        ("Northwind Trading Company Limited", 1, "NORTHWIND TRADING CO., LTD.", False),
        ("Northwind Traders, Inc.", 1, "Northwind Traders", True),
        ("the northwind traders", 1, "Northwind Traders", True),
        ("Contoso Pharmaceuticals", 2, "Contoso Pharmaceuticals JSC", False),
        ("Contoso Pharmaceutical", 2, "Contoso Pharmaceuticals JSC", False),
        ("Emile Davila Ficticio", 3, "Émile Dávila FICTICIO", False),
    ],
)
def test_a_name_at_or_above_the_threshold_matches_the_entry_with_the_name_or_alias_that_matched(
    organization, entry, name, alias
):
    matches = LIST.search(organization, threshold=0.8)
    assert [(m.entry_id, m.name, m.is_alias) for m in matches][:1] == [(entry, name, alias)]
    assert matches[0].score >= 0.8


@pytest.mark.parametrize("organization", ["Contoso", "Fabrikam", "Northwind Health", "Tailspin Toys"])
def test_a_name_below_the_threshold_does_not_match(organization):
    assert LIST.search(organization, threshold=0.8) == []


def test_each_entry_is_reported_once_with_its_best_name():
    matches = LIST.search("Northwind Traders", threshold=0.3)
    assert [m.entry_id for m in matches].count(1) == 1
    assert matches[0].name == "Northwind Traders"


def test_country_narrowing_keeps_entries_of_the_country_and_entries_without_one():
    assert [m.entry_id for m in LIST.search("Northwind Traders", threshold=0.8, country="HK")] == [1]
    assert LIST.search("Northwind Traders", threshold=0.8, country="US") == []
    assert [m.entry_id for m in LIST.search("Emile Davila Ficticio", threshold=0.8, country="US")] == [3]


def test_the_index_finds_exactly_what_scoring_every_name_finds():
    import random

    rng = random.Random(3)
    words = ["trading", "north", "wind", "contoso", "fabrikam", "tail", "spin", "group", "tech", "nova", "ab", "x"]
    names = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(300)]
    index = NameIndex(Candidate(i, n, normalize_name(n), False) for i, n in enumerate(names))
    for query in names[:60] + ["north wind trading", "tech", "x"]:
        for threshold in (0.3, 0.6, 0.8, 1.0):
            brute = {
                i for i, n in enumerate(names) if similarity(normalize_name(query), normalize_name(n)) >= threshold
            }
            assert {m.entry_id for m in index.search(query, threshold=threshold)} == brute, (query, threshold)
