#!/usr/bin/env python
"""Restricted-party screening at the real list's scale: import a synthetic 30,000-entry CSL file, re-import it
(unchanged, then with 1 % changed), and screen 500 organizations against it with pg_trgm (in batches: one match
query per batch) and with the Python fallback index, then screen them again (hits unchanged). Sizes are options:
``--entries`` and ``--organizations``; ``--screening-only`` skips the two re-imports. Uses its own scratch
database (``<prefix>_screening``, ``AIX_BENCH_DB_PREFIX`` default ``aix_bench``, on the server of DATABASE_URL),
dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_screening.py \
        --entries 30000 --organizations 500
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _report  # noqa: E402

TIMINGS: list[tuple[str, float]] = []
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiexports.settings.test")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"

ENTRIES, ORGANIZATIONS = 30_000, 500
SCREENING_ONLY = False
CONSONANTS, VOWELS = "bcdfghjklmnprstvwxz", "aeiou"
KINDS = ("trading", "electronics", "systems", "microelectronics", "research", "institute", "shipping")


def fake_name(rng: random.Random) -> str:
    """A made-up company name: two invented words (as diverse as real names are) and a common business word."""
    words = [
        "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4))).title() for _ in range(2)
    ]
    return f"{words[0]} {words[1]} {rng.choice(KINDS).title()} Co., Ltd."


def main() -> int:
    global ENTRIES, ORGANIZATIONS, SCREENING_ONLY
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help="list entries (default %(default)s)")
    parser.add_argument("--organizations", type=int, default=ORGANIZATIONS, help="organizations screened")
    parser.add_argument("--screening-only", action="store_true", help="skip the two re-imports")
    args = parser.parse_args()
    ENTRIES, ORGANIZATIONS, SCREENING_ONLY = args.entries, args.organizations, args.screening_only
    import django

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: bench_screening needs DATABASE_URL=postgres://... (it creates its own database there)")
        return _report.EXIT_SKIPPED
    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    from tests.screening.conftest import csl_csv, csl_row

    # A scratch database of its own, so a benchmark never collides with a test run's ``test_<name>``.
    connection.settings_dict["TEST"]["NAME"] = f"{_report.db_prefix()}_screening"
    old = setup_databases(verbosity=0, interactive=False, keepdb=False, aliases={"default"})
    try:
        run(csl_csv, csl_row)
    finally:
        teardown_databases(old, verbosity=0)
    _report.write(
        "Restricted-party screening at the real list's scale",
        [
            f"A synthetic Consolidated Screening List of {ENTRIES:,} entries (each with an alternative name and an "
            f"address) is imported, re-imported unchanged and with 1 % changed; then {ORGANIZATIONS} organizations "
            "are screened against it with pg_trgm (GIN index; batches of 500, one match query each) and with the "
            "Python fallback index, and screened again with their hits unchanged.",
            _report.table(["step", "seconds"], [[label, f"{seconds:.2f}"] for label, seconds in TIMINGS]),
        ],
        params={"list entries": f"{ENTRIES:,}", "organizations": ORGANIZATIONS},
        env_names=("AIX_BENCH_DB_PREFIX",),
    )
    return 0


def run(csl_csv, csl_row) -> None:
    from catalog.models import Consortium, ConsortiumMember, Organization
    from screening.models import ScreeningHit
    from screening.selectors import screening_matcher
    from screening.services import screening_list_import, screening_screen_organizations

    rng = random.Random(7)
    rows = [
        csl_row(f"b{i}", fake_name(rng), alt_names=[fake_name(rng)], addresses=[f"{i} Road, City, CN"])
        for i in range(ENTRIES)
    ]
    content = csl_csv(rows)
    first = f"import {ENTRIES:,} entries (first import)"
    timed(first, lambda: screening_list_import(content=content, file_name="a.csv"))
    if not SCREENING_ONLY:
        timed("re-import, unchanged", lambda: screening_list_import(content=content, file_name="b.csv"))
        for row in rows[::100]:
            row["remarks"] = "changed"
        changed = csl_csv(rows)
        timed("re-import, 1 % changed", lambda: screening_list_import(content=changed, file_name="c.csv"))

    anchor = Organization.objects.create(name="Bench Anchor", slug="bench-anchor", country_id="US")
    consortium = Consortium.objects.create(name="Bench", slug="bench", anchor=anchor)
    # One organization in ten bears a listed name (with another legal form), so the screening finds hits.
    organizations = Organization.objects.bulk_create(
        Organization(
            name=(rows[i * 7]["name"] if i % 10 == 0 else fake_name(rng)).replace("Co., Ltd.", "Inc."),
            slug=f"bench-{i}",
            country_id="US",
        )
        for i in range(ORGANIZATIONS)
    )
    ConsortiumMember.objects.bulk_create(
        ConsortiumMember(consortium=consortium, organization=o, status="accepted") for o in organizations
    )
    ids = [o.pk for o in organizations]
    pg = timed(
        f"screen {ORGANIZATIONS} organizations (pg_trgm + GIN)",
        lambda: screening_screen_organizations(organization_ids=ids),
    )
    again = f"screen the {ORGANIZATIONS} again (hits unchanged)"
    timed(again, lambda: screening_screen_organizations(organization_ids=ids))
    matcher_py = timed("build the Python trigram index of all names", lambda: screening_matcher(in_python=True))
    names = list(Organization.objects.filter(pk__in=ids).values_list("name", flat=True))
    py = timed(
        f"match {ORGANIZATIONS} names with the Python index", lambda: matcher_py.many([(n, "US") for n in names])
    )
    hits = ScreeningHit.objects.count()
    print(f"hits: {hits}; names matched by the Python index: {sum(1 for found in py if found)}", flush=True)
    assert pg == ORGANIZATIONS and len(py) == ORGANIZATIONS


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    TIMINGS.append((label, seconds))
    print(f"{label:55s} {seconds:8.2f} s", flush=True)
    return result


if __name__ == "__main__":
    sys.exit(main())
