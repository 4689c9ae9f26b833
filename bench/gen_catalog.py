#!/usr/bin/env python
"""Generate a large published catalog in PostgreSQL for the catalog benchmark.

Creates N published packages (default 10,000) with about 9 components each (one or more in every layer),
sectors, target regions and countries, spread over a few hundred organizations and about a hundred
consortia, with ``bulk_create`` (packages) and ``COPY`` (the rest) in chunks of 5,000 packages, and one
search-vector refresh at the end. Re-running with the same N is a no-op; ``--force`` deletes the generated
rows first. Generated slugs start with ``bench-``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aix_bench .venv/bin/python bench/gen_catalog.py -n 10000

Use a dedicated database (``bench/bench_catalog.py`` creates ``aix_bench_catalog_<N>``): never a real one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiexports.settings.base")
os.environ.setdefault("AIX_EMBEDDED", "1")

ADJECTIVES = [
    "Sovereign",
    "Secure",
    "Regional",
    "National",
    "Green",
    "Edge",
    "Hybrid",
    "Multilingual",
    "Federated",
    "Resilient",
    "Open",
    "Trusted",
    "Scalable",
    "Clinical",
    "Coastal",
    "Desert",
    "Alpine",
    "Tropical",
]
SUBJECTS = [
    "AI cloud",
    "compute campus",
    "language model stack",
    "telemedicine platform",
    "smart grid analytics",
    "precision farming suite",
    "fraud detection service",
    "e-government assistant",
    "port logistics AI",
    "weather forecasting cluster",
    "education tutor",
    "manufacturing vision system",
    "genomics pipeline",
    "satellite imagery service",
    "customer service agents",
    "supply-chain optimizer",
]
PLACES = [
    "for the Gulf",
    "for West Africa",
    "for Southeast Asia",
    "for the Andes",
    "for island states",
    "for Central Europe",
    "for the Nordics",
    "for East Africa",
    "for the Caribbean",
    "for South Asia",
]
COMPONENTS = {
    "accelerator": [
        ("H-class accelerator", "3A090.a", 4800.0, 5.9),
        ("Inference accelerator card", "3A090.b", 1200.0, 1.8),
        ("Edge AI module", "5A992.c", 120.0, 0.3),
    ],
    "server": [("8-GPU training server", "4A090.a", None, None), ("Inference server", "5A992.c", None, None)],
    "storage": [("All-flash storage array", "EAR99", None, None), ("Object storage cluster", "EAR99", None, None)],
    "networking": [("400G InfiniBand fabric", "5A991", None, None), ("Ethernet spine switches", "5A991", None, None)],
    "datacenter": [("Modular data hall (2 MW)", "EAR99", None, None), ("Liquid cooling plant", "EAR99", None, None)],
    "foundation_model": [("General foundation model (70B)", "EAR99", None, None)],
    "finetuned_model": [
        ("Arabic clinical language model", "EAR99", None, None),
        ("Swahili speech model", "EAR99", None, None),
    ],
    "framework": [("MLOps platform", "5D992.c", None, None), ("Distributed training framework", "EAR99", None, None)],
    "application": [("Citizen services assistant", "EAR99", None, None), ("Radiology triage app", "EAR99", None, None)],
    "cloud_service": [("Managed Kubernetes for AI", "5D992.c", None, None)],
    "pipeline": [("Streaming ingestion pipeline", "EAR99", None, None), ("Document OCR pipeline", "EAR99", None, None)],
    "labeling": [("Human-in-the-loop labeling service", "EAR99", None, None)],
    "data_governance": [("Data catalog and lineage", "EAR99", None, None)],
    "dataset": [("Regional speech corpus", "EAR99", None, None), ("Satellite imagery archive", "EAR99", None, None)],
    "cybersecurity": [
        ("Zero-trust access gateway", "5D002", None, None),
        ("Security operations center", "EAR99", None, None),
    ],
    "model_safety": [("Red-teaming and evaluation suite", "EAR99", None, None)],
    "supply_chain": [("Hardware provenance attestation", "EAR99", None, None)],
    "privacy": [
        ("Confidential computing enclave", "5D002", None, None),
        ("Differential privacy toolkit", "EAR99", None, None),
    ],
}
ORG_WORDS = [
    "Atlas",
    "Boreal",
    "Cedar",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Orion",
    "Pioneer",
    "Quartz",
    "Redwood",
    "Summit",
    "Tidal",
]
ORG_KINDS = ["Systems", "Compute", "Networks", "Analytics", "Data Works", "Security", "Cloud", "Labs", "Semiconductors"]
COUNTRIES = ["US", "US", "US", "CA", "GB", "DE", "FR", "JP", "KR", "IN", "AE", "SA", "KE", "NG", "BR", "MX", "SG", "AU"]
TARGETS = ["AE", "SA", "QA", "KE", "NG", "GH", "IN", "ID", "VN", "PH", "BR", "CL", "PE", "MX", "PL", "RO", "EG", "MA"]


def setup() -> None:
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("gen_catalog.py needs PostgreSQL: set DATABASE_URL=postgres://... (a dedicated database)")
    if "bench" not in connection.settings_dict["NAME"] and "--any-database" not in sys.argv:
        sys.exit(f"refusing to fill {connection.settings_dict['NAME']!r}: use a database whose name contains "
                 "'bench' (or pass --any-database; generated rows are then deleted one by one)")  # fmt: skip


def copy_rows(cursor, model, rows: list[dict]) -> int:
    """Insert rows (dicts of attribute name → plain value; other fields take their default) with PostgreSQL
    ``COPY``, ids from the sequence: no model instances, several times faster than ``bulk_create`` for the
    million component and link rows of a 100,000-package catalog."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    }
    prepped = {f.attname: f.get_db_prep_save(defaults[f.attname], connection) for f in fields}
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] if name in row else prepped[name] for name in names])
    return len(rows)


BULK_TABLES = [
    "catalog_package",
    "catalog_component",
    "catalog_package_sectors",
    "catalog_package_target_regions",
    "catalog_package_target_countries",
]


def drop_secondary_indexes(cursor) -> list[str]:
    """Drop the indexes of the bulk-loaded tables that back no constraint; return their definitions.

    Loading a million rows and then building each index once is much faster than updating every index row by
    row (the GIN index above all). The definitions are read from the live database, so they match the
    migrations exactly; ``generate`` recreates them in the same transaction.
    """
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes AS i
           WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)""",
        [BULK_TABLES],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def generate(n: int, *, force: bool, seed: int = 7, chunk: int = 5000) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.cache import bump as catalog_version_bump
    from catalog.choices import CATEGORY_LAYER, Layer, SectorChoice
    from catalog.models import Component, Consortium, ConsortiumMember, Organization, Package, Region
    from catalog.services.search import packages_search_refresh

    existing = Package.objects.filter(slug__startswith="bench-", status="published").count()
    if existing == n and not force:
        print(f"{n} generated packages already present; nothing to do (use --force to regenerate)")
        return
    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        if "bench" in connection.settings_dict["NAME"]:
            # A dedicated database: empty the catalog at once. A row-by-row delete would fire the search and
            # cache signals for every component (minutes at 100,000 packages).
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE catalog_package, catalog_consortium, catalog_organization CASCADE")
        else:
            Package.objects.filter(slug__startswith="bench-").delete()
            Consortium.objects.filter(slug__startswith="bench-").delete()
            Organization.objects.filter(slug__startswith="bench-").delete()

        orgs = Organization.objects.bulk_create(
            Organization(name=f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} {i}", slug=f"bench-org-{i}",
                         country_id=rng.choice(COUNTRIES), website=f"https://org{i}.example.com")
            for i in range(300)
        )  # fmt: skip
        consortia = Consortium.objects.bulk_create(
            Consortium(name=f"{ORG_WORDS[i % 20]} {rng.choice(['Alliance', 'Consortium', 'Partners'])} {i}",
                       slug=f"bench-consortium-{i}", anchor=orgs[i], description="A generated consortium.")
            for i in range(120)
        )  # fmt: skip
        members = []
        for i, consortium in enumerate(consortia):
            others = rng.sample(orgs[120:], 3)
            members.append(
                ConsortiumMember(
                    consortium=consortium, organization=orgs[i], role="anchor", layers=["hardware"], status="accepted"
                )
            )
            members += [ConsortiumMember(consortium=consortium, organization=o, role="technology", status="accepted",
                                         layers=[rng.choice(Layer.values)]) for o in others]  # fmt: skip
        ConsortiumMember.objects.bulk_create(members)

        now = timezone.now()
        categories_by_layer = {
            layer: [c for c, lay in CATEGORY_LAYER.items() if lay == layer] for layer in Layer.values
        }
        sectors = Package.sectors.through
        regions = Package.target_regions.through
        countries = Package.target_countries.through
        region_codes = list(Region.objects.values_list("code", flat=True))
        total_components = 0
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor  # psycopg's own cursor, for COPY
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                # Rows are consistent by construction: skip the per-row foreign-key triggers (a superuser
                # setting, for this transaction only; without it the checks simply run at commit).
                cursor.execute("SET LOCAL session_replication_role = replica")
            index_definitions = drop_secondary_indexes(cursor)
            for first in range(0, n, chunk):
                packages = Package.objects.bulk_create(
                    Package(
                        consortium=consortia[i % len(consortia)],
                        title=f"{rng.choice(ADJECTIVES)} {rng.choice(SUBJECTS)} {rng.choice(PLACES)} #{i}",
                        slug=f"bench-{i}",
                        summary=f"A full-stack {rng.choice(SUBJECTS)} with {rng.choice(ADJECTIVES).lower()} "
                        "operations.",
                        description="Generated for the benchmark. " * 8,
                        status="published",
                        published_at=now - timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)),
                        builder="The consortium's integrator",
                        operator="A local operator",
                    )
                    for i in range(first, min(n, first + chunk))
                )
                components = []
                for package in packages:
                    chosen = [rng.choice(categories_by_layer[layer]) for layer in Layer.values]
                    chosen += rng.choices(list(CATEGORY_LAYER), k=rng.randint(2, 6))
                    for position, category in enumerate(chosen):
                        name, eccn, tpp, density = rng.choice(COMPONENTS[category])
                        components.append({
                            "package_id": package.pk, "layer": CATEGORY_LAYER[category], "category": category,
                            "name": name, "description": f"{name} supplied and supported by the consortium.",
                            "quantity": rng.randint(1, 500), "position": position, "eccn": eccn, "tpp": tpp,
                            "performance_density": density,
                        })  # fmt: skip
                total_components += copy_rows(cursor, Component, components)
                sector_rows, region_rows, country_rows = [], [], []
                for package in packages:
                    sector_rows += [{"package_id": package.pk, "sector_id": s}
                                    for s in rng.sample(SectorChoice.values, rng.randint(1, 3))]  # fmt: skip
                    region_rows += [{"package_id": package.pk, "region_id": r}
                                    for r in rng.sample(region_codes, rng.randint(0, 2))]  # fmt: skip
                    country_rows += [{"package_id": package.pk, "country_id": c}
                                     for c in rng.sample(TARGETS, rng.randint(1, 4))]  # fmt: skip
                copy_rows(cursor, sectors, sector_rows)
                copy_rows(cursor, regions, region_rows)
                copy_rows(cursor, countries, country_rows)
                if n > chunk:
                    print(f"  {min(n, first + chunk):,}/{n:,} packages", flush=True)
            print(f"  rows written in {time.monotonic() - started:.1f}s; rebuilding indexes", flush=True)
            gin = [d for d in index_definitions if "USING gin" in d]
            for definition in index_definitions:
                if definition not in gin:  # the search refresh looks components up by package
                    cursor.execute(definition)
            print(f"  computing the search vectors ({time.monotonic() - started:.1f}s)", flush=True)
            packages_search_refresh()
            for definition in gin:
                cursor.execute(definition)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    catalog_version_bump()  # cached facet counts of an earlier catalog must not be served
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so counts can use index-only scans as on a long-lived database.
        cursor.execute("VACUUM ANALYZE")
    print(f"generated {n:,} packages, {total_components:,} components in {time.monotonic() - started:.1f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--packages", type=int, default=10_000)
    parser.add_argument("--force", action="store_true", help="delete and regenerate the bench rows")
    parser.add_argument("--any-database", action="store_true", help="allow a database without 'bench' in its name")
    args = parser.parse_args()
    setup()
    generate(args.packages, force=args.force)


if __name__ == "__main__":
    main()
