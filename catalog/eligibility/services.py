"""Eligibility services: rule-set versions, check requests, and running a check (load → engine → upsert).

The catalog calls ``eligibility_check_request`` when a package is submitted. Every write happens in one
transaction with its audit row; Celery work is enqueued with ``transaction.on_commit``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, InvalidTransition
from catalog.cache import bump as catalog_version_bump
from catalog.choices import Layer, PackageStatus
from catalog.models import Country, Package

from . import engine
from .choices import CheckStatus, CheckTrigger, RuleSetStatus
from .models import CountryTier, EligibilityCheck, EligibilityResult, ProgramEligibility, Rule, RuleSet, Tier
from .selectors import ruleset_active, ruleset_engine_data
from .selectors_results import ruleset_reference

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    return timedelta(seconds=settings.AIX_ELIGIBILITY_LEASE_SECONDS)


def _enqueue_checks(check_ids: Sequence[int]) -> None:
    """Send check ids to the broker in chunks. A broker outage is logged: the sweeper re-sends later."""
    from .tasks import eligibility_check_run, eligibility_checks_enqueue

    chunk = settings.AIX_ELIGIBILITY_FANOUT_CHUNK
    try:
        if len(check_ids) == 1:
            eligibility_check_run.apply_async((check_ids[0],), retry_policy={"max_retries": 2})
            return
        for start in range(0, len(check_ids), chunk):
            eligibility_checks_enqueue.apply_async(
                (list(check_ids[start : start + chunk]),), retry_policy={"max_retries": 2}
            )
    except Exception as exc:  # noqa: BLE001 - the broker may be down; the rows are durable, the sweeper resends
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise
        logger.warning("could not enqueue %d eligibility checks (%s); the sweeper will retry", len(check_ids), exc)


def _on_commit_enqueue(check_ids: Sequence[int]) -> None:
    ids = list(check_ids)
    if ids:
        transaction.on_commit(lambda: _enqueue_checks(ids), robust=True)


# --- Check requests ---------------------------------------------------------------------------------


def eligibility_check_request(
    *,
    package_id: int,
    actor: Any = None,
    ruleset: RuleSet | None = None,
    trigger: str = CheckTrigger.SUBMISSION,
) -> EligibilityCheck | None:
    """Ask for an eligibility check of one package under the active rule set (enqueued after commit).

    A pending check of the same package and rule set is reused, so repeated requests do not pile up.
    Returns ``None`` when no rule set is active.
    """
    ruleset = ruleset or ruleset_active()
    if ruleset is None:
        logger.warning("no active rule set: eligibility check of package %s not requested", package_id)
        return None
    with transaction.atomic():
        check = EligibilityCheck.objects.filter(
            package_id=package_id, ruleset=ruleset, status=CheckStatus.PENDING
        ).first()
        if check is None:
            check = EligibilityCheck.objects.create(
                package_id=package_id, ruleset=ruleset, trigger=trigger, lease_expires_at=timezone.now() + _lease()
            )
        if trigger == CheckTrigger.STAFF:
            audit_record(
                actor=actor,
                action="eligibility.check_requested",
                target=check,
                changes={"package": package_id, "status": {"before": None, "after": check.status}},
            )
        _on_commit_enqueue([check.pk])
    return check


def eligibility_checks_create(*, ruleset: RuleSet, package_ids: Iterable[int], trigger: str) -> list[int]:
    """Create pending checks in bulk (inside the caller's transaction) and enqueue them after commit."""
    deadline = timezone.now() + _lease()
    rows = [
        EligibilityCheck(package_id=pid, ruleset=ruleset, trigger=trigger, lease_expires_at=deadline)
        for pid in package_ids
    ]
    created = EligibilityCheck.objects.bulk_create(rows, batch_size=1000)
    ids = [c.pk for c in created]
    if any(i is None for i in ids):  # backends that do not return ids from a bulk insert
        ids = list(
            EligibilityCheck.objects.filter(ruleset=ruleset, status=CheckStatus.PENDING, lease_expires_at=deadline)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    _on_commit_enqueue(ids)
    return ids


def eligibility_checks_rerun_failed(*, ruleset: RuleSet, actor: Any) -> int:
    """Put the rule set's failed checks back to pending with fresh attempts, and enqueue them."""
    with transaction.atomic():
        ids = list(ruleset.checks.filter(status=CheckStatus.FAILED).values_list("pk", flat=True))
        EligibilityCheck.objects.filter(pk__in=ids).update(
            status=CheckStatus.PENDING, attempts=0, last_error="", lease_expires_at=timezone.now() + _lease()
        )
        audit_record(actor=actor, action="eligibility.rerun_failed", target=ruleset, changes={"checks": len(ids)})
        _on_commit_enqueue(ids)
    return len(ids)


def eligibility_recheck_all(*, ruleset: RuleSet | None = None, actor: Any = None) -> int:
    """Request checks of every non-draft package under ``ruleset`` (default: the active one)."""
    ruleset = ruleset or ruleset_active()
    if ruleset is None:
        raise DomainError(_("No rule set is active."), code="no_active_ruleset")
    with transaction.atomic():
        ids = Package.objects.exclude(status=PackageStatus.DRAFT).order_by("pk").values_list("pk", flat=True)
        created = eligibility_checks_create(ruleset=ruleset, package_ids=list(ids), trigger=CheckTrigger.STAFF)
        audit_record(actor=actor, action="eligibility.recheck_all", target=ruleset, changes={"checks": len(created)})
    return len(created)


# --- Rule sets -------------------------------------------------------------------------------------


def ruleset_clone(*, ruleset: RuleSet, new_version: str, actor: Any, name: str | None = None) -> RuleSet:
    """Copy a rule set (tiers, country tiers, rules) into a new draft version."""
    if RuleSet.objects.filter(version=new_version).exists():
        raise DomainError(_("A rule set with version %(version)s already exists.") % {"version": new_version})
    with transaction.atomic():
        clone = RuleSet.objects.create(
            name=name or ruleset.name,
            version=new_version,
            effective_from=timezone.localdate(),
            status=RuleSetStatus.DRAFT,
            sources=ruleset.sources,
            notes=ruleset.notes,
        )
        tiers = {
            t.pk: Tier.objects.create(
                ruleset=clone, code=t.code, name=t.name, description=t.description, position=t.position
            )
            for t in ruleset.tiers.all()
        }
        CountryTier.objects.bulk_create(
            CountryTier(ruleset=clone, country_id=ct.country_id, tier=tiers[ct.tier_id])
            for ct in ruleset.country_tiers.all()
        )
        Rule.objects.bulk_create(
            Rule(
                ruleset=clone,
                tier=tiers[r.tier_id],
                match=r.match,
                outcome=r.outcome,
                threshold_mode=r.threshold_mode,
                threshold_tpp=r.threshold_tpp,
                figure_conditions=r.figure_conditions,
                explanation=r.explanation,
                citation=r.citation,
                priority=r.priority,
                code=r.code,
                review_policy=r.review_policy,
                conditions=r.conditions,
            )  # fmt: skip
            for r in ruleset.rules.all()
        )
        audit_record(
            actor=actor,
            action="ruleset.cloned",
            target=clone,
            changes={
                "version": {"before": None, "after": clone.version},
                "status": {"before": None, "after": clone.status},
                "cloned_from": ruleset.version,
            },
            message=f"cloned from {ruleset.version}",
        )
    return clone


def ruleset_validate(ruleset: RuleSet) -> None:
    """A rule set can be activated only when every country has a tier."""
    missing = Country.objects.exclude(pk__in=ruleset.country_tiers.values("country_id")).values_list("pk", flat=True)
    missing = list(missing[:10])
    if missing:
        raise DomainError(
            _("Every country needs a tier before activation; missing: %(codes)s.") % {"codes": ", ".join(missing)},
            code="ruleset_incomplete",
        )


def ruleset_activate(*, ruleset: RuleSet, actor: Any) -> int:
    """Make ``ruleset`` the only active one, archive the previous, and re-check every non-draft package.

    Returns the number of checks created. The checks are enqueued in chunks after commit.
    """
    with transaction.atomic():
        ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
        if ruleset.status == RuleSetStatus.ACTIVE:
            raise InvalidTransition(_("This rule set is already active."))
        ruleset_validate(ruleset)
        previous = list(RuleSet.objects.select_for_update().filter(status=RuleSetStatus.ACTIVE))
        # Archive first: the partial unique index allows only one active row at any moment.
        RuleSet.objects.filter(pk__in=[p.pk for p in previous]).update(status=RuleSetStatus.ARCHIVED)
        before = ruleset.status
        ruleset.status = RuleSetStatus.ACTIVE
        ruleset.activated_at = timezone.now()
        ruleset.activated_by = actor if getattr(actor, "is_authenticated", False) else None
        ruleset.save(update_fields=["status", "activated_at", "activated_by"])
        audit_record(
            actor=actor,
            action="ruleset.activated",
            target=ruleset,
            changes={
                "status": {"before": before, "after": RuleSetStatus.ACTIVE},
                "archived": [p.version for p in previous],
            },
        )
        package_ids = Package.objects.exclude(status=PackageStatus.DRAFT).order_by("pk").values_list("pk", flat=True)
        created = eligibility_checks_create(
            ruleset=ruleset, package_ids=list(package_ids), trigger=CheckTrigger.ACTIVATION
        )
    return len(created)


# --- Running a check -------------------------------------------------------------------------------


def _components(package_id: int) -> list[engine.ComponentData]:
    from catalog.models import Component

    from .targets import components_engine_data

    return components_engine_data(Component.objects.filter(package_id=package_id).order_by("layer", "position", "pk"))


def program_evaluate(package: Package) -> engine.ProgramResult:
    """The program's own eligibility (call for proposals) of ``package``."""
    from catalog.models import Component, ConsortiumMember

    members = [
        engine.MemberData(
            name=m.organization.name,
            country=m.organization.country_id,
            foreign_controlled=m.organization.foreign_controlled,
            controlling_country=m.organization.controlling_country_id,
        )
        for m in ConsortiumMember.objects.accepted()
        .filter(consortium_id=package.consortium_id)
        .select_related("organization")
    ]
    hardware = [
        engine.HardwareValue(
            name=c.name,
            unit_value_usd=float(c.unit_value_usd) if c.unit_value_usd is not None else None,
            quantity=c.quantity,
            us_origin_share=float(c.us_origin_share) if c.us_origin_share is not None else None,
        )
        for c in Component.objects.filter(package=package, layer=Layer.HARDWARE)
    ]
    return engine.evaluate_program(members, hardware)


def eligibility_results_write(
    *, package_id: int, ruleset: RuleSet, evaluation: engine.PackageEvaluation, program: engine.ProgramResult
) -> int:
    """Upsert one result per package × country (call inside a transaction). Returns the row count.

    Exactly one current result per package × country (the unique constraint), and a result of a rule set that
    is no longer active never replaces one of the active rule set (a check that lost a race with an activation
    cannot overwrite the new results). On PostgreSQL the rows go through ``COPY`` into a temporary table and
    one ``INSERT … ON CONFLICT``; elsewhere through ``bulk_create``.
    """
    now = timezone.now()
    if connection.vendor == "postgresql":
        count = _results_copy(package_id=package_id, ruleset=ruleset, evaluation=evaluation, now=now)
    else:
        count = _results_bulk_create(package_id=package_id, ruleset=ruleset, evaluation=evaluation, now=now)
    ProgramEligibility.objects.update_or_create(
        package_id=package_id,
        defaults={
            "eligible": program.eligible,
            "issues": [i.as_dict() for i in program.issues],
            "computed_at": now,
        },
    )
    # Cached facet counts ("available in") and package pages show these results: bumped once committed.
    catalog_version_bump()
    return count


_RESULT_COLUMNS = ("package_id", "country_id", "ruleset_id", "ruleset_version", "tier_code", "outcome", "reasons",
                   "computed_at")  # fmt: skip
_STAGE = "aix_eligibility_result_stage"


def _results_copy(*, package_id: int, ruleset: RuleSet, evaluation: engine.PackageEvaluation, now: Any) -> int:
    table = EligibilityResult._meta.db_table
    ruleset_table = RuleSet._meta.db_table
    columns = ", ".join(_RESULT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _RESULT_COLUMNS[2:])
    reasons_json: dict[tuple, str] = {}  # many countries share the same reasons: serialise each once
    with connection.cursor() as cursor:
        # Per session, emptied at every commit or rollback; same column types as the results table.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")  # a savepoint rolled back earlier in this transaction left nothing
        with cursor.cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
            for code, o in evaluation.outcomes.items():
                reasons = tuple(o.reasons)
                text = reasons_json.get(reasons)
                if text is None:
                    text = reasons_json[reasons] = json.dumps([r.as_dict() for r in o.reasons])
                copy.write_row((package_id, code, ruleset.pk, ruleset.version, o.tier, o.outcome, text, now))
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns}) SELECT {columns} FROM {_STAGE}
            ON CONFLICT (package_id, country_id) DO UPDATE SET {updates}
            WHERE {table}.ruleset_id = EXCLUDED.ruleset_id OR NOT EXISTS (
                SELECT 1 FROM {ruleset_table} AS r WHERE r.id = {table}.ruleset_id AND r.status = %s
            )
            """,  # noqa: S608 - table names from the models, values as parameters
            [RuleSetStatus.ACTIVE],
        )
        # Countries no longer in the rule set keep no stale result.
        cursor.execute(
            f"DELETE FROM {table} AS t WHERE t.package_id = %s AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {_STAGE} AS s WHERE s.country_id = t.country_id)",
            [package_id],
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
    return len(evaluation.outcomes)


def _results_bulk_create(*, package_id: int, ruleset: RuleSet, evaluation: engine.PackageEvaluation, now: Any) -> int:
    rows = [
        EligibilityResult(
            package_id=package_id,
            country_id=code,
            ruleset=ruleset,
            ruleset_version=ruleset.version,
            tier_code=o.tier,
            outcome=o.outcome,
            reasons=[r.as_dict() for r in o.reasons],
            computed_at=now,
        )  # fmt: skip
        for code, o in evaluation.outcomes.items()
    ]
    EligibilityResult.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["package", "country"],
        update_fields=["ruleset", "ruleset_version", "tier_code", "outcome", "reasons", "computed_at"],
    )
    # Countries no longer in the rule set keep no stale result.
    EligibilityResult.objects.filter(package_id=package_id).exclude(country_id__in=evaluation.outcomes).delete()
    return len(rows)


def eligibility_check_claim(*, check_id: int) -> bool:
    """Atomically move a pending (or lease-expired running) check to running. True if this caller won it."""
    now = timezone.now()
    claimable = Q(status=CheckStatus.PENDING) | Q(status=CheckStatus.RUNNING, lease_expires_at__lt=now)
    changed = (
        EligibilityCheck.objects.filter(claimable, pk=check_id)
        .filter(attempts__lt=settings.AIX_ELIGIBILITY_MAX_ATTEMPTS)
        .update(status=CheckStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, lease_expires_at=now + _lease())
    )
    return changed == 1


def eligibility_check_execute(*, check_id: int) -> str:
    """Claim the check, evaluate every country at once and write all results in one transaction.

    Returns what happened: ``"done"``, ``"superseded"`` or ``"skipped"`` (not claimable: gone, finished or
    taken by another worker). Exceptions propagate to the task, whose ``on_failure`` records them.
    """
    if not eligibility_check_claim(check_id=check_id):
        return "skipped"
    check = EligibilityCheck.objects.select_related("ruleset").get(pk=check_id)
    ruleset = check.ruleset
    with transaction.atomic():
        # A check under a rule set that is no longer active must not overwrite the current results.
        current = RuleSet.objects.filter(pk=ruleset.pk).values_list("status", flat=True).first()
        if current != RuleSetStatus.ACTIVE:
            _finish(check_id, note="superseded: its rule set is no longer active")
            return "superseded"
        package = Package.objects.get(pk=check.package_id)
        tiers, rules = ruleset_engine_data(ruleset)
        evaluation = engine.evaluate(_components(package.pk), tiers, rules, **ruleset_reference(ruleset))
        eligibility_results_write(
            package_id=package.pk, ruleset=ruleset, evaluation=evaluation, program=program_evaluate(package)
        )
        _finish(check_id)
    return "done"


def _finish(check_id: int, note: str = "") -> None:
    EligibilityCheck.objects.filter(pk=check_id).update(
        status=CheckStatus.DONE, finished_at=timezone.now(), lease_expires_at=None, last_error=note
    )


def eligibility_check_fail(*, check_id: int, error: str) -> str:
    """Record a failed attempt: back to pending (retried later by the sweeper) or failed after max attempts."""
    now = timezone.now()
    check = EligibilityCheck.objects.filter(pk=check_id).first()
    if check is None or check.status == CheckStatus.DONE:
        return "gone"
    if check.attempts >= settings.AIX_ELIGIBILITY_MAX_ATTEMPTS:
        status, lease = CheckStatus.FAILED, None
    else:
        status, lease = CheckStatus.PENDING, now + timedelta(seconds=settings.AIX_ELIGIBILITY_RETRY_SECONDS)
    EligibilityCheck.objects.filter(pk=check_id).exclude(status=CheckStatus.DONE).update(
        status=status,
        lease_expires_at=lease,
        last_error=error[:2000],
        finished_at=now if status == CheckStatus.FAILED else None,
    )
    return status


def eligibility_check_release(*, check_id: int, error: str) -> None:
    """A transient error will be retried by Celery: put the running row back to pending for that retry."""
    EligibilityCheck.objects.filter(pk=check_id, status=CheckStatus.RUNNING).update(
        status=CheckStatus.PENDING, last_error=error[:2000], lease_expires_at=timezone.now() + _lease()
    )


def eligibility_sweep() -> dict[str, int]:
    """Fail rows out of attempts; re-enqueue pending or running rows whose lease expired."""
    now = timezone.now()
    stuck = EligibilityCheck.objects.filter(
        status__in=[CheckStatus.PENDING, CheckStatus.RUNNING], lease_expires_at__lt=now
    )
    failed = stuck.filter(attempts__gte=settings.AIX_ELIGIBILITY_MAX_ATTEMPTS).update(
        status=CheckStatus.FAILED,
        finished_at=now,
        lease_expires_at=None,
        last_error=_("Gave up after the maximum number of attempts."),
    )
    with transaction.atomic():
        ids = list(
            stuck.filter(attempts__lt=settings.AIX_ELIGIBILITY_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[: settings.AIX_ELIGIBILITY_SWEEP_BATCH]
        )
        EligibilityCheck.objects.filter(pk__in=ids).update(status=CheckStatus.PENDING, lease_expires_at=now + _lease())
        _on_commit_enqueue(ids)
    return {"requeued": len(ids), "failed": failed}


def eligibility_compute_now(*, package_id: int, ruleset: RuleSet | None = None) -> int:
    """Compute a package's results synchronously (demo data, management command ``--sync``)."""
    ruleset = ruleset or ruleset_active()
    if ruleset is None:
        return 0
    with transaction.atomic():
        package = Package.objects.get(pk=package_id)
        tiers, rules = ruleset_engine_data(ruleset)
        evaluation = engine.evaluate(_components(package_id), tiers, rules, **ruleset_reference(ruleset))
        return eligibility_results_write(
            package_id=package_id, ruleset=ruleset, evaluation=evaluation, program=program_evaluate(package)
        )
