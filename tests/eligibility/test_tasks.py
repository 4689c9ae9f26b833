"""Tasks called directly with a primary key (eager), the management command and the demo loader."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from catalog.choices import Category, PackageStatus
from catalog.models import Component, Country
from eligibility import demo, tasks
from eligibility.choices import CheckStatus
from eligibility.models import EligibilityCheck, EligibilityResult, RuleSet
from tests.factories import ComponentFactory, PackageFactory

pytestmark = pytest.mark.django_db


def package_with_chip(status=PackageStatus.SUBMITTED, tpp=15832.0):
    package = PackageFactory(status=status)
    ComponentFactory(package=package, category=Category.ACCELERATOR, tpp=tpp)
    return package


def test_the_task_takes_a_check_id_and_is_idempotent(ear):
    check = EligibilityCheck.objects.create(package=package_with_chip(), ruleset=ear)
    assert tasks.eligibility_check_run(check.pk) == "done"
    rows = list(EligibilityResult.objects.order_by("pk").values_list("pk", "country_id", "outcome"))
    assert tasks.eligibility_check_run(check.pk) == "skipped"
    assert list(EligibilityResult.objects.order_by("pk").values_list("pk", "country_id", "outcome")) == rows
    assert len(rows) == Country.objects.count()


def test_the_task_returns_early_when_the_check_is_gone(ear):
    assert tasks.eligibility_check_run(999_999) == "skipped"


def test_a_failing_check_records_its_error_through_on_failure(ear, settings):
    settings.AIX_ELIGIBILITY_MAX_ATTEMPTS = 1
    package = package_with_chip()
    Component.objects.filter(package=package).update(tpp=float("inf"))
    check = EligibilityCheck.objects.create(package=package, ruleset=ear)
    result = tasks.eligibility_check_run.apply(args=[check.pk], throw=False)
    assert result.failed()
    check.refresh_from_db()
    assert check.status == CheckStatus.FAILED and "finite" in check.last_error
    assert not EligibilityResult.objects.filter(package=package).exists()


def test_only_transient_database_errors_are_retried_with_backoff_and_bounded():
    task = tasks.eligibility_check_run
    assert set(task.autoretry_for) == set(tasks.TRANSIENT_ERRORS)
    assert task.max_retries == 3 and task.retry_backoff and task.acks_late


def test_before_a_retry_the_running_row_goes_back_to_pending_for_the_retried_message(ear):
    from django.db import OperationalError

    from eligibility import services

    check = EligibilityCheck.objects.create(package=package_with_chip(), ruleset=ear)
    assert services.eligibility_check_claim(check_id=check.pk)
    tasks.eligibility_check_run.on_retry(OperationalError("gone away"), "task-id", (check.pk,), {}, None)
    check.refresh_from_db()
    assert check.status == CheckStatus.PENDING and "gone away" in check.last_error
    assert tasks.eligibility_check_run(check.pk) == "done"


def test_the_sweeper_is_scheduled_with_celery_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["eligibility-sweep"]["task"] == "eligibility.sweep"


def test_recheck_eligibility_computes_every_non_draft_package_synchronously(ear):
    submitted, draft = package_with_chip(), package_with_chip(status=PackageStatus.DRAFT)
    out = io.StringIO()
    call_command("recheck_eligibility", "--sync", stdout=out)
    assert "1 packages checked" in out.getvalue()
    assert EligibilityResult.objects.filter(package=submitted).count() == Country.objects.count()
    assert not EligibilityResult.objects.filter(package=draft).exists()


def test_recheck_eligibility_queues_checks_and_refuses_unknown_slugs(ear, django_capture_on_commit_callbacks):
    package = package_with_chip()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recheck_eligibility", package.slug, stdout=io.StringIO())
    assert EligibilityCheck.objects.get(package=package).status == CheckStatus.DONE
    with pytest.raises(CommandError):
        call_command("recheck_eligibility", "no-such-package")


def test_the_demo_loader_is_idempotent(ear):
    package = package_with_chip(status=PackageStatus.PUBLISHED)
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    # ear-2026-07 (active), ai-diffusion-2025-01 and its correction 01r2 (archived), ear-2026-12 and 12r2 (drafts)
    assert RuleSet.objects.count() == 5
    assert EligibilityResult.objects.filter(package=package).count() == Country.objects.count()


def test_recheck_eligibility_of_everything_is_audited(ear, django_capture_on_commit_callbacks):
    from aiexports.audit.models import AuditEvent

    package = package_with_chip()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recheck_eligibility", stdout=io.StringIO())
    assert EligibilityCheck.objects.get(package=package).status == CheckStatus.DONE
    assert AuditEvent.objects.filter(action="eligibility.recheck_all").exists()


# --- batches: several checks in one transaction ---------------------------------------------------------


def test_a_batch_runs_its_checks_in_one_go_and_reports_each(ear, aid):
    from eligibility import services

    packages = [package_with_chip(tpp=tpp) for tpp in (15832.0, 100.0, 4800.0)]
    checks = [EligibilityCheck.objects.create(package=p, ruleset=ear) for p in packages]
    stale = EligibilityCheck.objects.create(package=packages[0], ruleset=aid)  # aid is not active
    assert services.eligibility_check_execute(check_id=checks[2].pk) == "done"  # already done: skipped below
    ids = [c.pk for c in checks] + [stale.pk, 999_999]
    outcomes = services.eligibility_checks_execute(check_ids=ids)
    assert outcomes == {
        checks[0].pk: "done", checks[1].pk: "done", checks[2].pk: "skipped", stale.pk: "superseded", 999_999: "skipped"
    }  # fmt: skip
    for package in packages:
        assert EligibilityResult.objects.filter(package=package, ruleset=ear).count() == Country.objects.count()
    assert EligibilityResult.objects.filter(ruleset=aid).count() == 0
    assert set(EligibilityCheck.objects.values_list("status", flat=True)) == {CheckStatus.DONE}
    # the batch gives each package exactly what a check of its own gives
    by_batch = list(EligibilityResult.objects.filter(package=packages[0]).order_by("country_id").values_list(
        "country_id", "outcome", "tier_code", "reasons"
    ))  # fmt: skip
    again = EligibilityCheck.objects.create(package=packages[0], ruleset=ear)
    assert services.eligibility_check_execute(check_id=again.pk) == "done"
    assert by_batch == list(EligibilityResult.objects.filter(package=packages[0]).order_by("country_id").values_list(
        "country_id", "outcome", "tier_code", "reasons"
    ))  # fmt: skip


def test_the_fan_out_sends_batches_of_the_configured_size(ear, settings, monkeypatch):
    settings.AIX_ELIGIBILITY_BATCH = 3
    sent: list[list[int]] = []
    from aiexports import tasks_enqueue

    monkeypatch.setattr(tasks_enqueue, "_publish", lambda task, args, kwargs: sent.append(args[0]))
    assert tasks.eligibility_checks_enqueue(list(range(1, 8))) == 7
    assert sent == [[1, 2, 3], [4, 5, 6], [7]]
    assert tasks.eligibility_checks_run.max_retries == 3 and tasks.eligibility_checks_run.acks_late


def test_one_bad_package_fails_only_its_own_check_in_a_batch(ear, settings):
    settings.AIX_ELIGIBILITY_MAX_ATTEMPTS = 1
    good, bad = package_with_chip(), package_with_chip()
    Component.objects.filter(package=bad).update(tpp=float("inf"))
    checks = [EligibilityCheck.objects.create(package=p, ruleset=ear) for p in (good, bad)]
    assert tasks.eligibility_checks_run([c.pk for c in checks]) == {"done": 1, "failed": 1}
    assert EligibilityResult.objects.filter(package=good).count() == Country.objects.count()
    assert not EligibilityResult.objects.filter(package=bad).exists()
    checks[1].refresh_from_db()
    assert checks[1].status == CheckStatus.FAILED and "finite" in checks[1].last_error
