"""Services against the real database: rule-set versions, check requests, running checks, the sweeper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, InvalidTransition
from catalog.choices import Category, PackageStatus
from catalog.models import Country, Package
from eligibility import services
from eligibility.choices import CheckStatus, Outcome, RuleSetStatus
from eligibility.models import (
    CountryGroup,
    CountryTier,
    EligibilityCheck,
    EligibilityResult,
    ProgramEligibility,
    RuleSet,
)
from eligibility.selectors import packages_available_in, ruleset_progress
from tests.factories import ComponentFactory, OrganizationFactory, PackageFactory, StaffFactory

pytestmark = pytest.mark.django_db


def submitted_package(**kwargs) -> Package:
    package = PackageFactory(status=PackageStatus.SUBMITTED, **kwargs)
    ComponentFactory(package=package, name="H100 cluster", category=Category.ACCELERATOR, tpp=15832, quantity=8)
    ComponentFactory(package=package, name="LLM platform", category=Category.FRAMEWORK, eccn="EAR99")
    return package


def test_the_data_migration_loads_the_ear_country_groups_from_the_projects_csv():
    assert set(CountryGroup.objects.get(code="E:1").countries.values_list("code", flat=True)) == {"IR", "KP", "SY"}
    assert CountryGroup.objects.get(code="A:5").countries.filter(code="AE").exists()
    assert not CountryGroup.objects.get(code="AI-DIFFUSION-2025-TIER1").is_ear_group


def test_the_seeded_rule_sets_give_every_country_a_tier(ear, aid):
    assert ear.status == RuleSetStatus.ACTIVE and aid.status == RuleSetStatus.ARCHIVED
    countries = Country.objects.count()
    assert ear.country_tiers.count() == countries == aid.country_tiers.count()
    tier = {ct.country_id: ct.tier.code for ct in ear.country_tiers.select_related("tier")}
    assert (tier["JP"], tier["AE"], tier["VN"], tier["CN"], tier["HK"], tier["MO"], tier["CU"]) == (
        "allied", "allied", "license_review", "arms_embargoed", "arms_embargoed", "arms_embargoed", "embargoed",
    )  # fmt: skip
    tier = {ct.country_id: ct.tier.code for ct in aid.country_tiers.select_related("tier")}
    assert (tier["US"], tier["FR"], tier["IN"], tier["KH"], tier["MO"], tier["IR"]) == (
        "tier1", "tier1", "tier2", "tier3", "tier3", "embargoed",
    )  # fmt: skip
    assert ear.sources and aid.sources and all(r.explanation for r in ear.rules.all())


def test_the_database_refuses_a_second_active_rule_set(ear):
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(name="x", version="x", effective_from=timezone.localdate(), status="active")


def test_cloning_copies_tiers_countries_and_rules_into_a_draft(ear):
    staff = StaffFactory()
    clone = services.ruleset_clone(ruleset=ear, new_version="ear-clone-1", actor=staff)
    assert clone.status == RuleSetStatus.DRAFT
    assert clone.tiers.count() == ear.tiers.count()
    assert clone.country_tiers.count() == ear.country_tiers.count()
    assert clone.rules.count() == ear.rules.count()
    assert all(r.tier.ruleset_id == clone.pk for r in clone.rules.select_related("tier"))
    assert AuditEvent.objects.filter(action="ruleset.cloned", target_id=str(clone.pk)).exists()
    with pytest.raises(DomainError):
        services.ruleset_clone(ruleset=ear, new_version="ear-clone-1", actor=staff)


def test_activating_archives_the_previous_one_records_who_and_when_and_fans_out_after_commit(
    ear, aid, django_capture_on_commit_callbacks, monkeypatch
):
    staff = StaffFactory()
    packages = [submitted_package() for _ in range(3)]
    PackageFactory(status=PackageStatus.DRAFT)
    sent: list[list[int]] = []
    monkeypatch.setattr(services, "_enqueue_checks", lambda ids: sent.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        created = services.ruleset_activate(ruleset=aid, actor=staff)
        assert sent == []  # nothing leaves before the commit
    assert created == 3
    aid.refresh_from_db()
    ear.refresh_from_db()
    assert (aid.status, ear.status) == (RuleSetStatus.ACTIVE, RuleSetStatus.ARCHIVED)
    assert aid.activated_by == staff and aid.activated_at is not None
    assert RuleSet.objects.filter(status=RuleSetStatus.ACTIVE).count() == 1
    event = AuditEvent.objects.get(action="ruleset.activated")
    assert event.actor == staff and event.changes["archived"] == [ear.version]
    checks = EligibilityCheck.objects.filter(ruleset=aid)
    assert sorted(checks.values_list("package_id", flat=True)) == sorted(p.pk for p in packages)
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(sent[0]) == sorted(checks.values_list("pk", flat=True))


def test_activating_the_active_rule_set_again_is_refused(ear):
    with pytest.raises(InvalidTransition):
        services.ruleset_activate(ruleset=ear, actor=StaffFactory())


def test_a_rule_set_missing_a_countrys_tier_cannot_be_activated(ear):
    draft = services.ruleset_clone(ruleset=ear, new_version="incomplete", actor=None)
    CountryTier.objects.filter(ruleset=draft, country_id="JP").delete()
    with pytest.raises(DomainError, match="JP"):
        services.ruleset_activate(ruleset=draft, actor=None)
    assert RuleSet.objects.get(status=RuleSetStatus.ACTIVE) == ear


def test_submitting_requests_one_pending_check_enqueued_after_commit(ear, django_capture_on_commit_callbacks):
    package = submitted_package()
    with django_capture_on_commit_callbacks(execute=True):
        check = services.eligibility_check_request(package_id=package.pk)
    check.refresh_from_db()
    assert check.status == CheckStatus.DONE and check.attempts == 1
    assert EligibilityResult.objects.filter(package=package).count() == Country.objects.count()


def test_a_repeated_request_reuses_the_pending_check(ear, django_capture_on_commit_callbacks):
    package = submitted_package()
    with django_capture_on_commit_callbacks(execute=False):
        first = services.eligibility_check_request(package_id=package.pk)
        second = services.eligibility_check_request(package_id=package.pk)
    assert first == second


def test_a_check_writes_one_result_per_country_with_reasons_and_the_rule_set_version(ear):
    package = submitted_package()
    check = EligibilityCheck.objects.create(package=package, ruleset=ear)
    assert services.eligibility_check_execute(check_id=check.pk) == "done"
    results = {r.country_id: r for r in EligibilityResult.objects.filter(package=package)}
    assert len(results) == Country.objects.count()
    assert (results["JP"].outcome, results["VN"].outcome, results["CN"].outcome, results["CU"].outcome) == (
        Outcome.ELIGIBLE, Outcome.LICENSE_REQUIRED, Outcome.PROHIBITED, Outcome.PROHIBITED,
    )  # fmt: skip
    assert results["VN"].ruleset_version == ear.version
    assert "H100 cluster" in results["VN"].reasons[0]["text"]
    assert "derived from TPP 15,832" in results["VN"].reasons[0]["text"]
    assert ProgramEligibility.objects.get(package=package).eligible


def test_running_a_check_twice_gives_the_same_rows(ear):
    package = submitted_package()
    first = EligibilityCheck.objects.create(package=package, ruleset=ear)
    services.eligibility_check_execute(check_id=first.pk)
    before = list(EligibilityResult.objects.filter(package=package).order_by("pk").values_list("pk", "outcome"))
    assert services.eligibility_check_execute(check_id=first.pk) == "skipped"  # already done
    second = EligibilityCheck.objects.create(package=package, ruleset=ear)
    services.eligibility_check_execute(check_id=second.pk)
    after = list(EligibilityResult.objects.filter(package=package).order_by("pk").values_list("pk", "outcome"))
    assert after == before


def test_a_running_check_with_a_live_lease_cannot_be_claimed_twice(ear):
    check = EligibilityCheck.objects.create(package=submitted_package(), ruleset=ear)
    assert services.eligibility_check_claim(check_id=check.pk)
    assert not services.eligibility_check_claim(check_id=check.pk)
    EligibilityCheck.objects.filter(pk=check.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert services.eligibility_check_claim(check_id=check.pk)
    check.refresh_from_db()
    assert check.attempts == 2


def test_a_check_under_a_rule_set_no_longer_active_does_not_overwrite_results(ear, aid):
    package = submitted_package()
    check = EligibilityCheck.objects.create(package=package, ruleset=aid)
    assert services.eligibility_check_execute(check_id=check.pk) == "superseded"
    assert not EligibilityResult.objects.filter(package=package).exists()


def test_a_member_from_a_country_of_concern_makes_the_package_ineligible_for_the_program(ear):
    package = submitted_package()
    package.consortium.members.create(
        organization=OrganizationFactory(country_id="HK"), role="technology", status="accepted"
    )
    services.eligibility_compute_now(package_id=package.pk)
    program = ProgramEligibility.objects.get(package=package)
    assert not program.eligible
    assert program.issues[0]["code"] == "member_location"


@pytest.mark.parametrize(
    ("country", "controlling", "basis"),
    [("RU", None, "headquarters"), ("MO", None, "headquarters"), ("SG", "RU", "parent"), ("SG", "JP", None)],
)
def test_a_member_headquartered_in_d5_or_macau_flags_the_package_result(ear, country, controlling, basis):
    package = submitted_package()  # an H100 cluster: advanced-computing items
    org = OrganizationFactory(
        country_id=country, foreign_controlled=bool(controlling), controlling_country_id=controlling
    )
    package.consortium.members.create(organization=org, role="technology", status="accepted")
    services.eligibility_compute_now(package_id=package.pk)
    issues = [i for i in ProgramEligibility.objects.get(package=package).issues
              if i["code"] == "member_headquarters_license"]  # fmt: skip
    if basis is None:
        assert issues == []
        return
    (issue,) = issues
    assert issue["severity"] == "warning" and issue["citation"] == "15 CFR 742.6(a)(6)(iii)(A)"
    assert issue["params"] == {"member": org.name, "country": controlling or country, "basis": basis}
    assert "needs a license wherever it is located" in issue["text"]


def test_the_headquarters_rule_is_not_raised_for_a_package_without_advanced_computing_items(ear):
    package = PackageFactory(status=PackageStatus.SUBMITTED)
    ComponentFactory(package=package, name="LLM platform", category=Category.FRAMEWORK, eccn="EAR99")
    org = OrganizationFactory(country_id="RU")
    package.consortium.members.create(organization=org, role="technology", status="accepted")
    services.eligibility_compute_now(package_id=package.pk)
    codes = [i["code"] for i in ProgramEligibility.objects.get(package=package).issues]
    assert "member_headquarters_license" not in codes


def test_a_failed_attempt_goes_back_to_pending_until_the_last_which_fails(ear, settings):
    settings.AIX_ELIGIBILITY_MAX_ATTEMPTS = 2
    check = EligibilityCheck.objects.create(package=submitted_package(), ruleset=ear)
    services.eligibility_check_claim(check_id=check.pk)
    assert services.eligibility_check_fail(check_id=check.pk, error="boom") == CheckStatus.PENDING
    assert services.eligibility_check_claim(check_id=check.pk)
    assert services.eligibility_check_fail(check_id=check.pk, error="boom") == CheckStatus.FAILED
    check.refresh_from_db()
    assert (check.status, check.attempts, check.last_error) == (CheckStatus.FAILED, 2, "boom")


def test_the_sweeper_requeues_expired_rows_and_fails_rows_out_of_attempts(
    ear, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.AIX_ELIGIBILITY_MAX_ATTEMPTS = 3
    past = timezone.now() - timedelta(minutes=1)
    future = timezone.now() + timedelta(minutes=5)
    lost = EligibilityCheck.objects.create(package=submitted_package(), ruleset=ear, lease_expires_at=past)
    crashed = EligibilityCheck.objects.create(
        package=submitted_package(), ruleset=ear, status=CheckStatus.RUNNING, attempts=1, lease_expires_at=past
    )
    busy = EligibilityCheck.objects.create(
        package=submitted_package(), ruleset=ear, status=CheckStatus.RUNNING, attempts=1, lease_expires_at=future
    )
    exhausted = EligibilityCheck.objects.create(
        package=submitted_package(), ruleset=ear, status=CheckStatus.RUNNING, attempts=3, lease_expires_at=past
    )
    sent: list[int] = []
    monkeypatch.setattr(services, "_enqueue_checks", lambda ids: sent.extend(ids))
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.eligibility_sweep()
    assert summary == {"requeued": 2, "failed": 1}
    assert sorted(sent) == sorted([lost.pk, crashed.pk])
    statuses = dict(EligibilityCheck.objects.values_list("pk", "status"))
    assert statuses[busy.pk] == CheckStatus.RUNNING
    assert statuses[exhausted.pk] == CheckStatus.FAILED
    assert statuses[crashed.pk] == CheckStatus.PENDING


def test_rerunning_failed_checks_resets_them_and_shows_in_the_progress(ear, monkeypatch):
    monkeypatch.setattr(services, "_enqueue_checks", lambda ids: None)
    EligibilityCheck.objects.create(package=submitted_package(), ruleset=ear, status=CheckStatus.FAILED, attempts=5)
    EligibilityCheck.objects.create(package=submitted_package(), ruleset=ear, status=CheckStatus.DONE, attempts=1)
    assert ruleset_progress(ear) == {"total": 2, "pending": 0, "running": 0, "done": 1, "failed": 1}
    assert services.eligibility_checks_rerun_failed(ruleset=ear, actor=StaffFactory()) == 1
    assert ruleset_progress(ear)["pending"] == 1
    assert EligibilityCheck.objects.get(status=CheckStatus.PENDING).attempts == 0


def test_packages_available_in_a_country_follow_the_current_results(ear):
    chips, software = submitted_package(), PackageFactory(status=PackageStatus.PUBLISHED)
    ComponentFactory(package=software, category=Category.FRAMEWORK, eccn="EAR99")
    for package in (chips, software):
        services.eligibility_compute_now(package_id=package.pk)
    qs = Package.objects.all()
    assert set(packages_available_in(qs, country="VN")) == {software}
    assert set(packages_available_in(qs, country="vn", include_license_required=True)) == {chips, software}
    assert set(packages_available_in(qs, country="JP")) == {chips, software}
    assert set(packages_available_in(qs, country="CN", include_license_required=True)) == {software}
