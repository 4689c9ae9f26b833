"""Data sets shared by several benchmark scripts (call after ``django.setup()``)."""

from __future__ import annotations


def eligibility_packages(label: str, slug: str, n: int, *, batch: int = 2000) -> list[int]:
    """N published packages of one consortium, each with the four components that exercise the eligibility
    engine (an accelerator with TPP, a 4A090 server, a frontier model with open or closed weights, an EAR99
    security service); returns their ids. Bulk-created in batches."""
    from catalog.choices import Category, PackageStatus
    from catalog.models import Component, Consortium, ConsortiumMember, Organization, Package

    org = Organization.objects.create(name=f"{label} Org", slug=f"{slug}-org", country_id="US")
    consortium = Consortium.objects.create(name=label, slug=slug, anchor=org)
    ConsortiumMember.objects.create(consortium=consortium, organization=org, role="anchor", status="accepted")
    ids: list[int] = []
    for start in range(0, n, batch):
        packages = Package.objects.bulk_create(
            Package(consortium=consortium, title=f"{label} {i}", slug=f"{slug}-{i}", status=PackageStatus.PUBLISHED)
            for i in range(start, min(n, start + batch))
        )
        components = []
        for p in packages:
            components += [
                Component(package=p, layer="hardware", category=Category.ACCELERATOR, name="GPU", tpp=15832.0,
                          quantity=(p.pk % 5000) + 1),
                Component(package=p, layer="hardware", category=Category.SERVER, name="Server", eccn="4A090.a"),
                Component(package=p, layer="software", category=Category.FOUNDATION_MODEL, name="LLM",
                          training_operations=2e26, weights_published=bool(p.pk % 2)),
                Component(package=p, layer="security", category=Category.CYBERSECURITY, name="SOC", eccn="EAR99"),
            ]  # fmt: skip
        Component.objects.bulk_create(components, batch_size=5000)
        ids += [p.pk for p in packages]
    return ids
