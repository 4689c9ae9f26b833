"""Impact preview: what activating a draft (or replacing any version by another) would move, before it happens."""

from __future__ import annotations

import pytest

from aiexports.audit.models import AuditEvent
from catalog.choices import Category, PackageStatus
from eligibility import impact, services
from eligibility.choices import CheckStatus, RuleSetStatus
from eligibility.models import EligibilityResult, RuleSet, RuleSetImpact
from eligibility.seeding import AID_VERSION, EAR_LANE_VERSION, EAR_VERSION
from tests.factories import ComponentFactory, PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db


def catalog():
    """A small catalog: an H200-class package (moves for CN/HK/MO), a B200-class one and software (no move)."""
    lane = PackageFactory(status=PackageStatus.PUBLISHED, title="Lane")
    ComponentFactory(package=lane, category=Category.ACCELERATOR, tpp=15_832, dram_bandwidth=4_800)
    above = PackageFactory(status=PackageStatus.SUBMITTED, title="Above")
    ComponentFactory(package=above, category=Category.ACCELERATOR, tpp=36_000, dram_bandwidth=8_000)
    soft = PackageFactory(status=PackageStatus.PUBLISHED, title="Software")
    ComponentFactory(package=soft, category=Category.FRAMEWORK, eccn="EAR99")
    PackageFactory(status=PackageStatus.DRAFT, title="Draft")  # drafts are not previewed
    return lane, above, soft


def test_previewing_the_draft_counts_the_moves_without_touching_any_result(ear, django_capture_on_commit_callbacks):
    lane_pkg, _above, _soft = catalog()
    for p in (lane_pkg, _above, _soft):
        services.eligibility_compute_now(package_id=p.pk)
    before = list(EligibilityResult.objects.order_by("pk").values_list("pk", "outcome", "reasons", "computed_at"))
    draft = RuleSet.objects.get(version=EAR_LANE_VERSION)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        preview = impact.impact_preview_request(ruleset=draft, actor=staff)
    preview.refresh_from_db()
    assert preview.status == CheckStatus.DONE and preview.baseline.version == EAR_VERSION
    assert (preview.packages_done, preview.packages_total) == (3, 3)
    assert preview.transitions == {"prohibited→license_required": 3}
    assert preview.countries == {"CN": 1, "HK": 1, "MO": 1}
    assert preview.packages == [{"slug": lane_pkg.slug, "title": "Lane", "moved": 3}]
    assert {(c["country"], c["before"], c["after"]) for c in preview.changes} == {
        (code, "prohibited", "license_required") for code in ("CN", "HK", "MO")
    }
    assert preview.outcomes_moved == 3 and preview.outcomes_compared >= 3 * 200
    # Nothing else changed: results, statuses.
    after = list(EligibilityResult.objects.order_by("pk").values_list("pk", "outcome", "reasons", "computed_at"))
    assert after == before
    assert RuleSet.objects.get(version=EAR_LANE_VERSION).status == RuleSetStatus.DRAFT
    assert AuditEvent.objects.filter(action="ruleset.impact_requested", actor=staff).exists()


def test_any_two_versions_can_be_compared(ear, django_capture_on_commit_callbacks):
    catalog()
    aid = RuleSet.objects.get(version=AID_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        preview = impact.impact_preview_request(ruleset=ear, baseline=aid, actor=None)
    preview.refresh_from_db()
    assert preview.status == CheckStatus.DONE and preview.outcomes_moved > 0
    assert sum(preview.transitions.values()) == preview.outcomes_moved == sum(preview.countries.values())


def test_a_rule_set_cannot_be_compared_with_itself(ear):
    with pytest.raises(Exception, match="two different"):
        impact.impact_preview_request(ruleset=ear, actor=None)


def test_a_finished_preview_is_not_recomputed_by_a_redelivered_message(ear, django_capture_on_commit_callbacks):
    catalog()
    draft = RuleSet.objects.get(version=EAR_LANE_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        preview = impact.impact_preview_request(ruleset=draft, actor=None)
    assert impact.impact_preview_execute(impact_id=preview.pk) == "skipped"


def test_staff_preview_a_draft_from_the_rule_set_list_and_read_the_result(
    client, ear, django_capture_on_commit_callbacks
):
    catalog()
    client.force_login(StaffFactory(is_superuser=True))
    draft = RuleSet.objects.get(version=EAR_LANE_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/eligibility/ruleset/", {"action": "preview_impact", "_selected_action": [draft.pk]}
        )
    preview = RuleSetImpact.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/rulesetimpact/{preview.pk}/change/")
    page = client.get(response["Location"]).content.decode()
    assert "prohibited→license_required" in page and "3 / 3" in page
    refused = client.post(
        "/admin/eligibility/ruleset/", {"action": "compare_two", "_selected_action": [draft.pk]}, follow=True
    )
    assert "Select exactly two rule sets to compare." in refused.content.decode()


@pytest.mark.worker
def test_a_real_worker_computes_the_preview_of_a_small_catalog_with_progress(reference_data, celery_worker_factory):
    from tests.conftest import wait_until

    for i in range(5):
        package = PackageFactory(status=PackageStatus.PUBLISHED, title=f"Lane {i}")
        ComponentFactory(package=package, category=Category.ACCELERATOR, tpp=15_832, dram_bandwidth=4_800)
    celery_worker_factory()
    draft = RuleSet.objects.get(version=EAR_LANE_VERSION)
    preview = impact.impact_preview_request(ruleset=draft, actor=None)
    done = wait_until(lambda: RuleSetImpact.objects.filter(pk=preview.pk, status=CheckStatus.DONE).first(), timeout=90)
    assert (done.packages_done, done.packages_total) == (5, 5)
    assert done.transitions == {"prohibited→license_required": 15}
    assert done.countries == {"CN": 5, "HK": 5, "MO": 5}
    assert not EligibilityResult.objects.filter(ruleset=draft).exists()


def test_staff_see_a_packages_outcomes_under_an_older_version_without_changing_its_results(client, ear, aid):
    lane_pkg, _above, _soft = catalog()
    services.eligibility_compute_now(package_id=lane_pkg.pk)
    before = list(EligibilityResult.objects.order_by("pk").values_list("pk", "outcome", "computed_at"))
    client.force_login(StaffFactory(is_superuser=True))
    url = f"/admin/eligibility/ruleset/{aid.pk}/package-outcomes/"
    page = client.get(url, {"package": lane_pkg.slug}).content.decode()
    assert "Outcomes under ai-diffusion-2025-01" in page and "tier3" in page and "tier2" in page
    assert "90 FR 4544" in page
    missing = client.get(url, {"package": "no-such-package"}).content.decode()
    assert "No package with this slug." in missing
    assert list(EligibilityResult.objects.order_by("pk").values_list("pk", "outcome", "computed_at")) == before
    assert "package-outcomes" in client.get(f"/admin/eligibility/ruleset/{aid.pk}/change/").content.decode()
    client.force_login(StaffFactory(is_superuser=False))
    assert client.get(url).status_code in (302, 403)
