"""Full-text search vectors of packages (derived data, PostgreSQL only), in every language of their content.

A package's vector weighs its title (A) over its summary (B) over its components' names and descriptions (C)
over its long description (D), each in English and in every translation the consortium gave
(``catalog.models.translations``). Two kinds of lexemes are in it:

- words, in the ``english`` text-search configuration (stems, stop words, websearch syntax);
- **character bigrams** of text written without spaces (Japanese, Chinese, Korean, Thai: ``NO_SPACE_CHARS``),
  with their positions, so that a query ``ソブリンクラウド`` becomes the phrase ``'ソブ' <-> 'ブリ' <-> … <-> 'ウド'``
  and finds ``中東向けソブリンクラウド`` — a substring match the word parser cannot make (it would see one long
  "word"). The last character of a run is kept alone too, so that a one-character query matches as a prefix.

Both kinds live in the one ``search_vector`` column, so every search is ``search_vector @@ query`` on its GIN
index (``catalog_package_search_gin``) — the query plan stays the same as for an English search.
On SQLite the vector stays NULL and the catalog falls back to ``icontains`` (see ``catalog.filtersets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection

SEARCH_CONFIG = "english"

# Scripts written without spaces between words: the iteration mark 々, hiragana, katakana (not the middle dot ・,
# a separator), CJK ideographs and their extensions/compatibility forms, half-width katakana, Hangul syllables,
# Thai. The same class is used by PostgreSQL's regular expressions (in the refresh) and by Python (queries).
NO_SPACE_CHARS = (
    "\u3005\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff66-\uff9f\uac00-\ud7af\u0e01-\u0e3a\u0e40-\u0e4e"
)
NO_SPACE_RUN = f"[{NO_SPACE_CHARS}]+"
_NO_SPACE_RUN_RE = re.compile(NO_SPACE_RUN)
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position


def _ngrams_sql(text: str) -> str:
    """A tsvector of the bigrams (and each run's last character) of the no-space runs of ``text``, with positions.

    Built as a tsvector literal (``'ソブ':1 'ブリ':2``) rather than through the word parser, so that no character
    class of the database's locale can split or drop a bigram; the runs hold no quote or backslash."""
    # Only constant SQL fragments of this module are interpolated; the values are parameters.
    return f"""coalesce((
        SELECT string_agg(quote_literal(g.gram) || ':' || least(g.n, {MAX_POSITION}), ' ')::tsvector
        FROM (
            SELECT CASE WHEN s.i < length(r.run) THEN substr(r.run, s.i, 2) ELSE substr(r.run, s.i, 1) END AS gram,
                   row_number() OVER (ORDER BY r.ord, s.i) AS n
            FROM (SELECT x.m[1] AS run, x.ord FROM regexp_matches({text}, %(runs)s, 'g') WITH ORDINALITY AS x(m, ord))
                AS r
            CROSS JOIN LATERAL generate_series(1, length(r.run)) AS s(i)
        ) AS g
    ), ''::tsvector)"""  # noqa: S608


def _weighted_sql(text: str, weight: str) -> str:
    words = f"to_tsvector(%(config)s::regconfig, regexp_replace({text}, %(runs)s, ' ', 'g'))"
    return f"setweight({words} || {_ngrams_sql(text)}, '{weight}')"


def _texts_sql(field: str, translated: str) -> str:
    return (
        f"concat_ws(' ', p0.{field}, (SELECT string_agg(t.{translated}, ' ') "  # noqa: S608 - constant names
        f"FROM catalog_packagetranslation AS t WHERE t.package_id = p0.id))"
    )


# One statement computes the vector in the database from the package, its translations and its components, so a
# refresh never reads rows into Python and a bulk refresh (bench data, a migration) is a single UPDATE.
_COMPONENT_TEXTS = """concat_ws(' ',
    (SELECT string_agg(c.name || ' ' || c.description, ' ') FROM catalog_component AS c WHERE c.package_id = p0.id),
    (SELECT string_agg(ct.name || ' ' || ct.description, ' ')
     FROM catalog_componenttranslation AS ct JOIN catalog_component AS c ON c.id = ct.component_id
     WHERE c.package_id = p0.id))"""
_REFRESH_SQL = f"""
UPDATE catalog_package AS p SET search_vector =
    {_weighted_sql("x.a", "A")} || {_weighted_sql("x.b", "B")} || {_weighted_sql("x.c", "C")}
    || {_weighted_sql("x.d", "D")}
FROM catalog_package AS p0
CROSS JOIN LATERAL (SELECT {_texts_sql("title", "title")} AS a, {_texts_sql("summary", "summary")} AS b,
                           {_COMPONENT_TEXTS} AS c, {_texts_sql("description", "description")} AS d) AS x
WHERE p0.id = p.id
"""  # noqa: S608 - constant fragments only


def search_enabled() -> bool:
    """Whether the database has PostgreSQL full-text search (otherwise the catalog uses ``icontains``)."""
    return connection.vendor == "postgresql"


def package_search_refresh(package_id: int) -> None:
    """Recompute the search vector of one package (a no-op on databases without full-text search)."""
    packages_search_refresh(package_ids=[package_id])


def packages_search_refresh(*, package_ids: Iterable[int] | None = None) -> int:
    """Recompute the search vectors of the given packages, or of every package when ``package_ids`` is None.

    Returns the number of packages updated (0 on SQLite).
    """
    if not search_enabled():
        return 0
    sql, params = _REFRESH_SQL, dict[str, Any](config=SEARCH_CONFIG, runs=NO_SPACE_RUN)
    if package_ids is not None:
        ids = [int(pk) for pk in package_ids]
        if not ids:
            return 0
        sql += " AND p.id = ANY(%(ids)s)"
        params["ids"] = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- queries ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitQuery:
    """A search split into its parts: ``words`` for the word search (no-space runs taken out) and ``runs``, the
    runs of Japanese, Chinese, Korean or Thai text, matched as substrings."""

    words: str
    runs: tuple[str, ...]

    @property
    def has_words(self) -> bool:
        return any(ch.isalnum() for ch in self.words)

    @property
    def searchable(self) -> bool:
        """Whether anything can be looked for (a query of punctuation and symbols alone cannot)."""
        return self.has_words or bool(self.runs)

    def terms(self) -> list[str]:
        """Every term for a substring search (the SQLite fallback): the words, then the runs."""
        words = ["".join(ch for ch in w if ch.isalnum() or ch in "-._") for w in self.words.split()]
        return [w for w in words if w] + list(self.runs)

    def ngram_tsquery(self) -> str:
        """The runs as a tsquery: each run a phrase of its bigrams (a single character: a prefix), all required."""
        parts = []
        for run in self.runs:
            if len(run) == 1:
                parts.append(f"'{run}':*")
            else:
                parts.append("(" + " <-> ".join(f"'{run[i : i + 2]}'" for i in range(len(run) - 1)) + ")")
        return " & ".join(parts)


def split_query(value: str) -> SplitQuery:
    return SplitQuery(words=_NO_SPACE_RUN_RE.sub(" ", value), runs=tuple(_NO_SPACE_RUN_RE.findall(value)))
