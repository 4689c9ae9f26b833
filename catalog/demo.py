"""Demo data of the catalog: fictional companies and consortia, ~30 published packages (several of them also in
Japanese, Spanish and French), packages in every stage of review and a revision waiting for review. Idempotent:
running it twice leaves the same rows."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from catalog.choices import ConsortiumRole, Layer, MemberStatus, OrganizationRole, PackageStatus
from catalog.demo_translations import load_translations
from catalog.models import Component, Consortium, ConsortiumMember, OrganizationMembership, Package
from catalog.sample_data import build_packages, ensure_consortia, ensure_organizations
from catalog.services.packages import component_values
from catalog.services.search import packages_search_refresh

if TYPE_CHECKING:
    from aiexports.accounts.models import User

DEMO_COMPANY_EMAIL = "company@aiexports.example"
DEMO_STAFF_EMAIL = "staff@aiexports.example"
PUBLISHED_COUNT = 30


# A pending invitation for the demo company's organization, so a newcomer sees the invitations page.
DEMO_INVITING_CONSORTIUM = "redwood-edge-ai"


def invite_demo_company(consortia: list[Consortium]) -> None:
    """Redwood's consortium invites the demo company's organization (once: an answer given is kept)."""
    inviting = next((c for c in consortia if c.slug == DEMO_INVITING_CONSORTIUM), None)
    if inviting is None:
        return
    ConsortiumMember.objects.get_or_create(
        consortium=inviting,
        organization=consortia[0].anchor,
        defaults={
            "status": MemberStatus.PENDING,
            "role": ConsortiumRole.OPERATOR,
            "layers": [Layer.HARDWARE.value],
            "invited_at": timezone.now(),
        },
    )


REVISION_SUMMARY_NOTE = " Revised: a second 20 MW data hall and a Swahili speech model are added."


def ensure_pending_revision(consortium: Consortium, *, created_by: User | None = None) -> Package | None:
    """A revision of the consortium's first published package, submitted and waiting for review (once): the
    public keeps seeing the published version; staff see the revision and its diff."""
    original = (
        Package.objects.filter(consortium=consortium, status=PackageStatus.PUBLISHED, revision_of=None)
        .order_by("pk")
        .first()
    )
    if original is None:
        return None
    existing = original.revisions.first()
    if existing is not None:
        return existing
    fields = {name: getattr(original, name) for name in ("title", "description", "builder", "owner", "operator",
              "business_model", "federal_support", "federal_support_details", "us_content_statement")}  # fmt: skip
    revision = Package.objects.create(
        consortium=consortium, revision_of=original, slug=f"{original.slug}-revision"[:220],
        status=PackageStatus.SUBMITTED, submitted_at=timezone.now(), created_by=created_by,
        summary=(original.summary + REVISION_SUMMARY_NOTE)[:500], **fields,
    )  # fmt: skip
    for name in ("sectors", "target_countries", "target_regions"):
        getattr(revision, name).set(getattr(original, name).all())
    for component in original.components.all():
        values = component_values(component)
        if component.category == "datacenter":
            values["quantity"] = component.quantity + 1
        Component.objects.create(package=revision, revision_source=component, **values)
    return revision


def load(stdout: IO[str]) -> None:
    """Create the demo catalog. The demo company user becomes admin of the anchor of the first consortium."""
    User = get_user_model()
    orgs = ensure_organizations()
    consortia = ensure_consortia(orgs)
    company = User.objects.filter(email=DEMO_COMPANY_EMAIL).first()
    staff = User.objects.filter(email=DEMO_STAFF_EMAIL).first()
    own = consortia[0]
    if company is not None:
        OrganizationMembership.objects.get_or_create(
            organization=own.anchor, user=company, defaults={"role": OrganizationRole.ADMIN}
        )
    invite_demo_company(consortia)
    if staff is not None:
        # The demo reviewer answers for every consulted office, so one account can try the whole designation.
        staff.groups.add(*Group.objects.filter(consulted_offices__isnull=False))
    published = build_packages(PUBLISHED_COUNT, status=PackageStatus.PUBLISHED, consortia=consortia)
    # The demo company's own pipeline, numbered apart from the published ones so the slugs never collide.
    stages = [
        (100, 2, PackageStatus.DRAFT, (), ""),
        (102, 1, PackageStatus.DRAFT, (Layer.SECURITY, Layer.DATA), ""),
        (110, 2, PackageStatus.SUBMITTED, (), ""),
        (120, 2, PackageStatus.IN_REVIEW, (), ""),
        (130, 1, PackageStatus.CHANGES_REQUESTED, (),
         "Please state the U.S.-origin share of the networking equipment and add a model evaluation."),
    ]  # fmt: skip
    pipeline: list[Package] = []
    for start, count, status, omit, feedback in stages:
        pipeline += build_packages(
            count, status=status, consortia=[own], start=start, omit_layers=omit, unique_suffix=True,
            created_by=company, reviewer=staff if status == PackageStatus.IN_REVIEW else None,
            reviewer_feedback=feedback,
        )  # fmt: skip
    revision = ensure_pending_revision(own, created_by=company)
    versions = load_translations()
    packages_search_refresh()  # the packages and components above were bulk-created, without signals
    stdout.write(
        f"Catalog: {len(orgs)} organizations, {len(consortia)} consortia, "
        f"{len(published)} published and {len(pipeline)} other packages created "
        f"({Package.objects.count()} packages in all); "
        f"{'a revision pending review' if revision else 'no revision'}; {versions} language versions (ja, es, fr)."
    )
