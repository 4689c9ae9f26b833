"""PostgreSQL: pg_trgm is installed, names carry a GIN trigram index that serves the match query, and the
scores equal the Python fallback's."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from screening.matching import normalize_name, similarity
from screening.selectors import screening_matcher

from .conftest import csl_row

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_pg_trgm_extension_and_the_gin_trigram_index_exist():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'eligibility_screeningname'"
            " AND indexname = 'eligibility_screeningname_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "USING gin (normalized gin_trgm_ops)" in definition


def test_the_match_query_can_use_the_trigram_index(import_rows):
    import_rows([csl_row(f"e{i}", f"Example Entity Number {i}") for i in range(50)])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM eligibility_screeningname WHERE normalized %% %s", ["example entity number 7"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "eligibility_screeningname_trgm" in plan


PAIRS = [
    ("Northwind Traders", "NORTHWIND TRADING CO., LTD."),
    ("Contoso", "Kontoso Ltd"),
    ("Fabrikam", "Fabricam"),
    ("Contoso Pharmaceutical", "Contoso Pharmaceuticals JSC"),
    ("Tailspin Toys", "Tail Spin Toys"),
    ("Émile Dávila", "Emile Davila Ficticio"),
]


@pytest.mark.parametrize(("left", "right"), PAIRS)
def test_pg_trgm_similarity_equals_the_python_fallback_on_normalized_names(left, right):
    a, b = normalize_name(left), normalize_name(right)
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        (score,) = cursor.fetchone()
    assert score == pytest.approx(similarity(a, b), abs=1e-6)


def test_the_postgres_matcher_finds_the_same_entries_and_scores_as_the_python_index(import_rows):
    import_rows(
        [
            csl_row("nw", "NORTHWIND TRADING CO., LTD.", alt_names=["Northwind Traders"]),
            csl_row("cp", "Contoso Pharmaceuticals JSC"),
            csl_row("k", "Kontoso Ltd"),
        ]
    )
    names = ["Northwind Traders Inc", "Northwind Trading", "Contoso Pharmaceutical", "Contoso", "Nothing Alike"]
    on_postgres = screening_matcher(threshold=0.4)
    in_python = screening_matcher(threshold=0.4, in_python=True)
    for name in names:
        pg = [(m.entry_id, m.name, round(m.score, 5)) for m in on_postgres(name, None)]
        py = [(m.entry_id, m.name, round(m.score, 5)) for m in in_python(name, None)]
        assert pg == py, name


def test_a_batch_is_one_match_query_and_gives_what_each_name_alone_gives(import_rows):
    import_rows(
        [
            csl_row("nw", "NORTHWIND TRADING CO., LTD.", alt_names=["Northwind Traders"]),
            csl_row("ssi", "NORTHQUAY ENERGY (SSI)"),
            csl_row("old", "Northwind Old Example", end_date="2020-01-01"),
        ]
    )
    queries = [("Northwind Traders Inc", None), ("Northquay Energy", "RU"), ("Nothing Alike", None)]
    matcher = screening_matcher(threshold=0.5)
    with CaptureQueriesContext(connection) as captured:
        batch = matcher.many(queries)
    assert len([q for q in captured if "similarity(n.normalized" in q["sql"]]) == 1
    assert batch == [matcher(name, country) for name, country in queries]
    assert batch == screening_matcher(threshold=0.5, in_python=True).many(queries)
    assert [m.name for m in batch[1]] == ["NORTHQUAY ENERGY (SSI)"] and batch[2] == []
    assert "Northwind Old Example" not in [m.name for m in batch[0]]
