"""Fictional but realistic catalog data: companies, consortia, and a generator of N full-stack packages.

Used by the demo loader (``catalog.demo``), and reusable by benchmarks and other apps' tests:
``build_packages(10_000, status=PackageStatus.PUBLISHED)`` bulk-creates packages with about 8 components
each in a handful of queries per batch. Every name here is invented; chip figures are plausible values of
the TPP (2 × MacTOPS × bit length) and performance density (TPP / die mm²) that the export rules read.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from catalog.choices import Category, ConsortiumRole, Layer, MemberStatus, PackageStatus, SectorChoice
from catalog.models import Component, Consortium, ConsortiumMember, Organization, Package

# (slug, name, country, description)
ORGANIZATIONS: list[tuple[str, str, str, str]] = [
    ("meridian-compute", "Meridian Compute Inc.", "US", "Builds and operates GPU data centers."),
    ("bluewater-cloud", "Bluewater Cloud Corp.", "US", "Sovereign cloud regions for governments."),
    ("redwood-silicon", "Redwood Silicon Inc.", "US", "Designs AI accelerators and servers."),
    ("cascade-ai-labs", "Cascade AI Labs LLC", "US", "Trains foundation models for regulated sectors."),
    ("lakeshore-secure", "Lakeshore Secure Systems", "US", "Cybersecurity and model-safety evaluations."),
    ("kilima-data", "Kilima Data Services Ltd", "KE", "Data pipelines and Swahili-language labeling."),
    ("sakura-networks", "Sakura Optical Networks K.K.", "JP", "Data-center optical networking."),
    ("rheinwerk-storage", "Rheinwerk Storage GmbH", "DE", "High-throughput storage systems."),
    ("ipanema-analytics", "Ipanema Analytics Ltda.", "BR", "Agricultural data and satellite imagery."),
    ("deccan-labelworks", "Deccan Labelworks Pvt Ltd", "IN", "Multilingual data labeling at scale."),
    ("falcon-gulf-infra", "Falcon Gulf Infrastructure LLC", "AE", "Develops and finances data-center campuses."),
    ("hanbit-power", "Hanbit Power Systems Co.", "KR", "Power and cooling for data centers."),
    ("lumiere-privacy", "Lumière Privacy SAS", "FR", "Privacy engineering and data governance."),
    ("thames-assurance", "Thames Supply Assurance Ltd", "GB", "Hardware supply-chain assurance."),
    ("merlion-mlops", "Merlion MLOps Pte. Ltd.", "SG", "MLOps platforms and model hosting."),
]

# (slug, name, anchor slug, description, website, [(member slug, role, layers)])
CONSORTIA: list[tuple[str, str, str, str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "meridian-full-stack-ai", "Meridian Full-Stack AI Consortium", "meridian-compute",
        "GPU capacity, models and data services delivered as one turnkey national AI platform.",
        "https://meridian.example",
        [("redwood-silicon", ConsortiumRole.TECHNOLOGY, ["hardware"]),
         ("cascade-ai-labs", ConsortiumRole.TECHNOLOGY, ["software"]),
         ("kilima-data", ConsortiumRole.TECHNOLOGY, ["data"]),
         ("lakeshore-secure", ConsortiumRole.TECHNOLOGY, ["security"]),
         ("falcon-gulf-infra", ConsortiumRole.FINANCE, [])],
    ),
    (
        "bluewater-sovereign-cloud", "Bluewater Sovereign Cloud Alliance", "bluewater-cloud",
        "In-country cloud regions with local data residency and managed AI services.",
        "https://bluewater.example",
        [("sakura-networks", ConsortiumRole.TECHNOLOGY, ["hardware"]),
         ("rheinwerk-storage", ConsortiumRole.TECHNOLOGY, ["hardware", "data"]),
         ("merlion-mlops", ConsortiumRole.INTEGRATOR, ["software"]),
         ("lumiere-privacy", ConsortiumRole.TECHNOLOGY, ["security", "data"])],
    ),
    (
        "redwood-edge-ai", "Redwood Edge AI Partnership", "redwood-silicon",
        "Edge inference for agriculture, transport and energy grids.",
        "https://redwood.example",
        [("ipanema-analytics", ConsortiumRole.TECHNOLOGY, ["data"]),
         ("hanbit-power", ConsortiumRole.OPERATOR, ["hardware"]),
         ("thames-assurance", ConsortiumRole.TECHNOLOGY, ["security"]),
         ("cascade-ai-labs", ConsortiumRole.TECHNOLOGY, ["software"])],
    ),
    (
        "cascade-health-ai", "Cascade Health AI Consortium", "cascade-ai-labs",
        "Clinical AI models with the compute and governance to run them safely.",
        "https://cascade.example",
        [("deccan-labelworks", ConsortiumRole.TECHNOLOGY, ["data"]),
         ("lakeshore-secure", ConsortiumRole.TECHNOLOGY, ["security"]),
         ("meridian-compute", ConsortiumRole.OPERATOR, ["hardware"])],
    ),
    (
        "lakeshore-trusted-ai", "Lakeshore Trusted AI Group", "lakeshore-secure",
        "Secure-by-design AI for government services and finance.",
        "https://lakeshore.example",
        [("bluewater-cloud", ConsortiumRole.OPERATOR, ["hardware", "software"]),
         ("lumiere-privacy", ConsortiumRole.TECHNOLOGY, ["data"]),
         ("thames-assurance", ConsortiumRole.TECHNOLOGY, ["security"])],
    ),
]  # fmt: skip


@dataclass(frozen=True)
class Part:
    """A component template: category, name, ECCN and the export-control figures."""

    category: str
    name: str
    eccn: str
    tpp: float | None = None
    density: float | None = None
    unit_value: int | None = None
    us_share: int | None = None
    training_ops: float | None = None
    weights_published: bool | None = None
    quantity: tuple[int, int] = (1, 1)
    dram_bandwidth: float | None = None  # GB/s per unit (the January 2026 China/Macau lane reads it)


CHIPS = [
    Part(
        Category.ACCELERATOR,
        "Redwood RX-900 accelerator",
        "3A090.a",
        15832,
        19.4,
        31000,
        92,
        quantity=(256, 4096),
        dram_bandwidth=4800,
    ),
    Part(
        Category.ACCELERATOR,
        "Redwood RX-500 accelerator",
        "3A090.a",
        4992,
        6.0,
        14000,
        88,
        quantity=(128, 2048),
        dram_bandwidth=2039,
    ),
    Part(
        Category.ACCELERATOR,
        "Helix L40 inference card",
        "3A090.b",
        5864,
        9.6,
        9000,
        75,
        quantity=(64, 1024),
        dram_bandwidth=864,
    ),
    Part(Category.ACCELERATOR, "Sprout E2 edge module", "5A992.c", 2200, 4.9, 1900, 61, quantity=(500, 20000)),
    Part(Category.ACCELERATOR, "Pika N1 vision accelerator", "EAR99", 400, 1.1, 300, 45, quantity=(1000, 50000)),
]
HARDWARE = [
    Part(Category.SERVER, "8-GPU training server", "4A090.a", unit_value=120000, us_share=85, quantity=(32, 512)),
    Part(Category.NETWORKING, "800G optical spine switch", "5A992.c", unit_value=48000, us_share=30, quantity=(8, 64)),
    Part(Category.STORAGE, "All-flash parallel storage, 10 PB", "5A992.c", unit_value=2500000, us_share=40),
    Part(Category.DATACENTER, "20 MW modular data hall", "EAR99", unit_value=90000000, us_share=55),
]
SOFTWARE = [
    Part(
        Category.FOUNDATION_MODEL,
        "Cascade-70B multilingual model",
        "4E091",
        training_ops=6.3e24,
        weights_published=False,
    ),
    Part(
        Category.FOUNDATION_MODEL, "Cascade-400B frontier model", "4E091", training_ops=3.8e26, weights_published=False
    ),
    Part(
        Category.FINETUNED_MODEL,
        "Open agronomy assistant (fine-tuned)",
        "EAR99",
        training_ops=2.0e22,
        weights_published=True,
    ),
    Part(Category.FRAMEWORK, "Merlion MLOps platform", "5D992.c"),
    Part(Category.APPLICATION, "Clinical triage assistant", "EAR99"),
    Part(Category.CLOUD_SERVICE, "Managed inference service", "EAR99"),
]
DATA = [
    Part(Category.PIPELINE, "Streaming ingestion pipeline", "EAR99"),
    Part(Category.LABELING, "Multilingual labeling service", "EAR99"),
    Part(Category.DATA_GOVERNANCE, "Data residency and lineage vault", "5D992.c"),
    Part(Category.DATASET, "Regional satellite imagery dataset", "EAR99"),
]
SECURITY = [
    Part(Category.CYBERSECURITY, "24/7 security operations center", "5D992.c"),
    Part(Category.MODEL_SAFETY, "Red-teaming and model evaluation", "EAR99"),
    Part(Category.SUPPLY_CHAIN, "Hardware provenance attestation", "EAR99"),
    Part(Category.PRIVACY, "Differential-privacy toolkit", "5D992.c"),
]
LAYER_PARTS = {Layer.HARDWARE: HARDWARE, Layer.SOFTWARE: SOFTWARE, Layer.DATA: DATA, Layer.SECURITY: SECURITY}

TARGETS = ["KE", "NG", "GH", "RW", "IN", "ID", "VN", "PH", "TH", "MY", "BR", "MX", "CL", "CO", "SA", "AE", "PL",
           "EG", "MA", "KZ"]  # fmt: skip
REGIONS = ["gcc", "asean", "eu", "mercosur", "ecowas"]
ADJECTIVES = ["Sovereign", "National", "Regional", "Turnkey", "Trusted", "Open", "Secure", "Green"]
STACKS = ["AI Cloud", "AI Factory", "Compute Platform", "AI Stack", "Inference Network"]
SECTOR_WORDS = {
    SectorChoice.AGRICULTURE: "Agriculture", SectorChoice.EDUCATION: "Education", SectorChoice.ENERGY: "Energy",
    SectorChoice.FINANCE: "Finance", SectorChoice.GOVERNMENT: "Government", SectorChoice.HEALTH: "Health",
    SectorChoice.MANUFACTURING: "Manufacturing", SectorChoice.SOFTWARE_ENGINEERING: "Developer",
    SectorChoice.TELECOM: "Telecom", SectorChoice.TRANSPORTATION: "Transport", SectorChoice.RESEARCH: "Research",
    SectorChoice.OTHER: "Multi-sector",
}  # fmt: skip
SECTORS = list(SECTOR_WORDS)


def ensure_organizations() -> dict[str, Organization]:
    """The fictional companies, created once (idempotent)."""
    orgs = {}
    for slug, name, country, description in ORGANIZATIONS:
        orgs[slug], _ = Organization.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "country_id": country, "description": description, "verified": True,
                      "website": f"https://{slug}.example"},
        )  # fmt: skip
    return orgs


def ensure_consortia(orgs: dict[str, Organization] | None = None) -> list[Consortium]:
    """The fictional consortia with their members (idempotent)."""
    orgs = orgs or ensure_organizations()
    result = []
    for slug, name, anchor, description, website, members in CONSORTIA:
        consortium, _ = Consortium.objects.get_or_create(
            slug=slug, defaults={"name": name, "anchor": orgs[anchor], "description": description, "website": website}
        )
        # The sample members have all accepted their invitations (a created row is otherwise pending).
        accepted = {"status": MemberStatus.ACCEPTED, "invited_at": timezone.now(), "responded_at": timezone.now()}
        ConsortiumMember.objects.get_or_create(
            consortium=consortium,
            organization=orgs[anchor],
            defaults={"role": ConsortiumRole.ANCHOR, "layers": ["hardware", "software"], **accepted},
        )
        for member, role, layers in members:
            ConsortiumMember.objects.get_or_create(
                consortium=consortium,
                organization=orgs[member],
                defaults={"role": role, "layers": layers, **accepted},
            )
        result.append(consortium)
    return result


def package_spec(index: int) -> dict[str, Any]:
    """Deterministic content of package number ``index``: title, summary, sectors, target markets."""
    rng = random.Random(index)
    sector = SECTORS[index % len(SECTORS)]
    country = TARGETS[(index * 7) % len(TARGETS)]
    from django_countries import countries

    title = f"{ADJECTIVES[index % len(ADJECTIVES)]} {SECTOR_WORDS[sector]} {STACKS[index % len(STACKS)]}"
    title += f" for {countries.name(country)}"
    extra = rng.sample([t for t in TARGETS if t != country], k=rng.randint(0, 2))
    return {
        "title": title,
        "summary": f"GPU compute, models, data services and security for {SECTOR_WORDS[sector].lower()} use in "
        f"{countries.name(country)}, built, financed and operated with local partners.",
        "sectors": [sector] + ([SECTORS[(index + 5) % len(SECTORS)]] if rng.random() < 0.4 else []),
        "countries": [country, *extra],
        "regions": [rng.choice(REGIONS)] if rng.random() < 0.3 else [],
        "federal_support": rng.sample(["loans", "equity", "feasibility", "advocacy", "licensing"], k=2),
        "rng": rng,
    }


def _components_for(package: Package, rng: random.Random, suppliers: dict[str, list[int]], count: int,
                    omit_layers: Sequence[str]) -> list[Component]:  # fmt: skip
    chip = CHIPS[rng.randrange(len(CHIPS))]
    parts: list[tuple[str, Part]] = [(Layer.HARDWARE, chip)]
    parts += [
        (Layer.SOFTWARE, rng.choice(SOFTWARE[:3])),
        (Layer.DATA, rng.choice(DATA)),
        (Layer.SECURITY, rng.choice(SECURITY)),
    ]
    # More parts, never one already listed: a package names each component once (with its quantity).
    unused = [(layer, part) for layer, layer_parts in LAYER_PARTS.items() for part in layer_parts]
    unused = [(layer, part) for layer, part in unused if part.name not in {p.name for _layer, p in parts}]
    parts += rng.sample(unused, k=min(max(count - len(parts), 0), len(unused)))
    components = []
    for position, (layer, part) in enumerate(parts):  # type: ignore[assignment]  # Layer is a str
        if layer in omit_layers:
            continue
        candidates = suppliers.get(layer) or suppliers["any"]
        components.append(
            Component(
                package=package, layer=layer, category=part.category, name=part.name, position=position,
                description=f"{part.name}, supplied and supported for the life of the project.",
                supplier_id=rng.choice(candidates), quantity=rng.randint(*part.quantity), eccn=part.eccn,
                tpp=part.tpp, performance_density=part.density, dram_bandwidth=part.dram_bandwidth,
                unit_value_usd=Decimal(part.unit_value) if part.unit_value else None,
                us_origin_share=Decimal(part.us_share) if part.us_share is not None else None,
                training_operations=part.training_ops, weights_published=part.weights_published,
            )
        )  # fmt: skip
    return components


def _suppliers(consortium: Consortium) -> dict[str, list[int]]:
    by_layer: dict[str, list[int]] = {"any": []}
    for member in consortium.members.accepted():
        by_layer["any"].append(member.organization_id)
        for layer in member.layers or []:
            by_layer.setdefault(layer, []).append(member.organization_id)
    return by_layer


@transaction.atomic
def build_packages(
    count: int,
    *,
    status: str = PackageStatus.PUBLISHED,
    consortia: Sequence[Consortium] | None = None,
    start: int = 0,
    components_per_package: int = 8,
    unique_suffix: bool = False,
    omit_layers: Sequence[str] = (),
    created_by: Any = None,
    reviewer: Any = None,
    reviewer_feedback: str = "",
    batch_size: int = 1000,
) -> list[Package]:
    """Create ``count`` packages (numbers ``start`` … ``start + count - 1``) with their components.

    Idempotent per number: a package whose slug exists is skipped. ``unique_suffix`` appends the number to
    every slug (for data sets of thousands, whose titles repeat). Returns the packages created.
    """
    consortia = list(consortia or ensure_consortia())
    suppliers = {c.pk: _suppliers(c) for c in consortia}
    now = timezone.now()
    created: list[Package] = []
    for batch_start in range(start, start + count, batch_size):
        numbers = range(batch_start, min(batch_start + batch_size, start + count))
        specs = {i: package_spec(i) for i in numbers}
        slugs = {i: slugify(s["title"])[:200] + (f"-{i}" if unique_suffix else "") for i, s in specs.items()}
        existing = set(Package.objects.filter(slug__in=slugs.values()).values_list("slug", flat=True))
        packages = []
        for i, spec in specs.items():
            if slugs[i] in existing:
                continue
            existing.add(slugs[i])
            age = timedelta(days=i % 365, hours=i % 24)
            packages.append(
                Package(
                    consortium=consortia[i % len(consortia)], title=spec["title"], slug=slugs[i],
                    summary=spec["summary"], status=status, created_by=created_by, reviewer=reviewer,
                    reviewer_feedback=reviewer_feedback,
                    description=spec["summary"] + " The consortium trains local staff and hands over operations.",
                    builder="The consortium's anchor member with a local construction partner",
                    owner="A joint venture of the buyer and the consortium's finance partner",
                    operator="The anchor member for five years, then the buyer",
                    business_model="Capacity sold as reserved and on-demand compute; models licensed per seat.",
                    federal_support=spec["federal_support"],
                    us_content_statement="Accelerators and servers are designed and assembled in the United States.",
                    submitted_at=None if status == PackageStatus.DRAFT else now - age,
                    published_at=now - age if status == PackageStatus.PUBLISHED else None,
                )
            )  # fmt: skip
        Package.objects.bulk_create(packages)
        by_slug = {p.slug: p for p in Package.objects.filter(slug__in=[p.slug for p in packages])}
        components: list[Component] = []
        sector_rows, country_rows, region_rows = [], [], []
        for i, spec in specs.items():
            package = by_slug.get(slugs[i])
            if package is None:
                continue
            created.append(package)
            components += _components_for(
                package, spec["rng"], suppliers[package.consortium_id], components_per_package, omit_layers
            )
            sector_rows += [Package.sectors.through(package_id=package.pk, sector_id=s) for s in spec["sectors"]]
            country_rows += [
                Package.target_countries.through(package_id=package.pk, country_id=c) for c in spec["countries"]
            ]
            region_rows += [Package.target_regions.through(package_id=package.pk, region_id=r) for r in spec["regions"]]
        Component.objects.bulk_create(components, batch_size=batch_size)
        Package.sectors.through.objects.bulk_create(sector_rows, ignore_conflicts=True)
        Package.target_countries.through.objects.bulk_create(country_rows, ignore_conflicts=True)
        Package.target_regions.through.objects.bulk_create(region_rows, ignore_conflicts=True)
    return created
