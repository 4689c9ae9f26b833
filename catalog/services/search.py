"""Full-text search vectors of packages (derived data, PostgreSQL only).

A package's vector weighs its title (A) over its summary (B) over its components' names and
descriptions (C) over its long description (D), in the ``english`` text-search configuration.
On SQLite the vector stays NULL and the catalog falls back to ``icontains`` (see ``catalog.filtersets``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

SEARCH_CONFIG = "english"

# One statement computes the vector in the database from the package and its components, so a refresh
# never reads rows into Python and a bulk refresh (bench data, the migration) is a single UPDATE.
_REFRESH_SQL = """
UPDATE catalog_package AS p SET search_vector =
    setweight(to_tsvector(%(config)s::regconfig, coalesce(p.title, '')), 'A')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(p.summary, '')), 'B')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce((
        SELECT string_agg(c.name || ' ' || c.description, ' ')
        FROM catalog_component AS c WHERE c.package_id = p.id
    ), '')), 'C')
    || setweight(to_tsvector(%(config)s::regconfig, coalesce(p.description, '')), 'D')
"""


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
    sql, params = _REFRESH_SQL, {"config": SEARCH_CONFIG}
    if package_ids is not None:
        ids = [int(pk) for pk in package_ids]
        if not ids:
            return 0
        sql += " WHERE p.id = ANY(%(ids)s)"
        params["ids"] = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
