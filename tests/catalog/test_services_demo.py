from __future__ import annotations

import io

import pytest

from aiexports.portal import demo as portal_demo
from catalog import demo
from catalog.choices import Layer, MemberStatus, PackageStatus
from catalog.models import Component, Consortium, ConsortiumMember, Package
from catalog.readiness import package_missing
from catalog.sample_data import build_packages, ensure_consortia

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """Requests in Japanese leave it active in this thread: later tests expect the default language."""
    yield
    from django.utils import translation

    translation.activate("en")


def test_the_demo_loader_is_idempotent_and_gives_the_company_user_a_consortium(client):
    portal_demo.load(io.StringIO())
    demo.load(io.StringIO())
    counts = (Package.objects.count(), Component.objects.count(), Consortium.objects.count())
    demo.load(io.StringIO())
    assert (Package.objects.count(), Component.objects.count(), Consortium.objects.count()) == counts
    assert Package.objects.filter(status=PackageStatus.PUBLISHED).count() == 30
    assert set(Package.objects.values_list("status", flat=True)) >= {"draft", "submitted", "in_review",
                                                                     "changes_requested", "published"}  # fmt: skip
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email=portal_demo.DEMO_COMPANY[0]))
    html = client.get("/dashboard/").content.decode()
    assert "Meridian Full-Stack AI Consortium" in html and "Changes requested" in html
    assert "1 consortium invitation is waiting for your answer" in html


def test_the_demo_members_are_accepted_and_the_company_has_one_pending_invitation():
    portal_demo.load(io.StringIO())
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    pending = ConsortiumMember.objects.exclude(status=MemberStatus.ACCEPTED)
    assert [(m.consortium.slug, m.organization.slug, m.status) for m in pending] == [
        (demo.DEMO_INVITING_CONSORTIUM, "meridian-compute", "pending")
    ]
    # Every demo component's supplier is an accepted member of its package's consortium.
    for component in Component.objects.filter(supplier__isnull=False).select_related("package")[:500]:
        assert (
            ConsortiumMember.objects.accepted()
            .filter(consortium_id=component.package.consortium_id, organization_id=component.supplier_id)
            .exists()
        )


def test_every_published_demo_package_is_complete_with_countries_from_several_countries():
    demo.load(io.StringIO())
    for package in Package.objects.filter(status=PackageStatus.PUBLISHED):
        assert package_missing(package) == []
    layers = set(Component.objects.values_list("layer", flat=True))
    assert layers == {layer.value for layer in Layer}
    countries = set(Consortium.objects.values_list("organizations__country", flat=True))
    assert len(countries) >= 6


def test_build_packages_makes_n_packages_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    consortia = ensure_consortia()
    with django_assert_max_num_queries(60):  # a few per batch of 100, never one per package
        created = build_packages(150, consortia=consortia, unique_suffix=True, batch_size=100)
    assert len(created) == 150
    assert Component.objects.count() == 150 * 8
    again = build_packages(150, consortia=consortia, unique_suffix=True, batch_size=100)
    assert again == []


def test_the_demo_reviewer_answers_for_every_consulted_office():
    from django.contrib.auth import get_user_model

    from catalog.models import ConsultedOffice
    from catalog.review_panel import offices_of

    portal_demo.load(io.StringIO())
    demo.load(io.StringIO())
    staff = get_user_model().objects.get(email=portal_demo.DEMO_STAFF[0])
    assert {o.pk for o in offices_of(staff)} == set(ConsultedOffice.objects.values_list("pk", flat=True))


def test_no_demo_package_lists_the_same_component_twice():
    demo.load(io.StringIO())
    for package in Package.objects.prefetch_related("components"):
        names = [c.name for c in package.components.all()]
        assert len(names) == len(set(names)), (package.slug, names)


def test_the_demo_has_a_revision_waiting_for_review_and_the_public_keeps_the_published_version(client):
    portal_demo.load(io.StringIO())
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    revisions = Package.objects.filter(revision_of__isnull=False)
    assert [r.status for r in revisions] == [PackageStatus.SUBMITTED]
    revision = revisions.get()
    assert revision.revision_of.status == PackageStatus.PUBLISHED
    assert revision.summary != revision.revision_of.summary
    assert client.get(f"/catalog/{revision.slug}/").status_code == 404


def test_several_demo_packages_have_japanese_spanish_and_french_versions(client):
    from catalog.models import PackageTranslation

    demo.load(io.StringIO())
    demo.load(io.StringIO())
    by_language = {lang: PackageTranslation.objects.filter(language=lang).count() for lang in ("ja", "es", "fr")}
    assert all(n >= 3 for n in by_language.values()), by_language
    ja = PackageTranslation.objects.filter(language="ja").order_by("package__pk").first()
    html = client.get(f"/catalog/{ja.package.slug}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'<h1 lang="ja">{ja.title}</h1>' in html
    # The search hint's own example finds a package (n-grams on PostgreSQL, substrings on SQLite).
    listing = client.get("/catalog/", {"q": "ソブリンクラウド"}, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "ソブリンクラウド" in listing and "aix-package-card" in listing


def test_the_rfi_demo_has_a_mass_comment_campaign():
    from rfi import demo as rfi_demo
    from rfi.models import CampaignGroup, Submission

    rfi_demo.load(io.StringIO())
    rfi_demo.load(io.StringIO())
    assert Submission.objects.filter(tracking_number__startswith="AIX-DEM3-CA").count() == rfi_demo.CAMPAIGN_SIZE
    groups = CampaignGroup.objects.filter(notice__docket_id=rfi_demo.OPEN_DOCKET)
    assert groups.count() == 1
    assert Submission.objects.filter(campaign_group=groups.get()).count() == rfi_demo.CAMPAIGN_SIZE
