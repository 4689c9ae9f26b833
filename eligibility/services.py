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

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError, InvalidTransition
from aiexports.tasks_enqueue import enqueue, enqueue_on_commit
from catalog.cache import bump as catalog_version_bump
from catalog.choices import Layer, PackageStatus
from catalog.models import Country, Package

from . import engine
from .choices import CheckStatus, CheckTrigger, RuleSetStatus
from .models import CountryTier, EligibilityCheck, EligibilityResult, ProgramEligibility, Rule, RuleSet, Tier
from .selectors import headquarters_license_countries, ruleset_active, ruleset_engine_data
from .selectors_results import ruleset_reference

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    return timedelta(seconds=settings.AIX_ELIGIBILITY_LEASE_SECONDS)


def _enqueue_checks(check_ids: Sequence[int]) -> None:
    """Send check ids to the broker in chunks. A broker outage is logged (``enqueue``): the sweeper re-sends."""
    if len(check_ids) == 1:
        enqueue("eligibility.tasks.eligibility_check_run", check_ids[0])
        return
    chunk = settings.AIX_ELIGIBILITY_FANOUT_CHUNK
    for start in range(0, len(check_ids), chunk):
        # The broker refused one chunk: the rest would fail alike; the rows are durable, the sweeper resends.
        if not enqueue("eligibility.tasks.eligibility_checks_enqueue", list(check_ids[start : start + chunk])):
            return


def _on_commit_enqueue(check_ids: Sequence[int]) -> None:
    ids = list(check_ids)
    if ids:
        transaction.on_commit(lambda: _enqueue_checks(ids), robust=True)


# --- Check requests ---------------------------------------------------------------------------------


def eligibility_check_request(
    *,
    package_id: int,
    actor: User | None = None,
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


def eligibility_checks_rerun_failed(*, ruleset: RuleSet, actor: User | None) -> int:
    """Put the rule set's failed checks back to pending with fresh attempts, and enqueue them."""
    with transaction.atomic():
        ids = list(ruleset.checks.filter(status=CheckStatus.FAILED).values_list("pk", flat=True))
        EligibilityCheck.objects.filter(pk__in=ids).update(
            status=CheckStatus.PENDING, attempts=0, last_error="", lease_expires_at=timezone.now() + _lease()
        )
        audit_record(actor=actor, action="eligibility.rerun_failed", target=ruleset, changes={"checks": len(ids)})
        _on_commit_enqueue(ids)
    return len(ids)


def eligibility_recheck_all(*, ruleset: RuleSet | None = None, actor: User | None = None) -> int:
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


def ruleset_clone(*, ruleset: RuleSet, new_version: str, actor: User, name: str | None = None) -> RuleSet:
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
                license_exception=r.license_exception,
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
    first_missing = list(missing[:10])
    if first_missing:
        raise DomainError(
            _("Every country needs a tier before activation; missing: %(codes)s.")
            % {"codes": ", ".join(first_missing)},
            code="ruleset_incomplete",
        )


def ruleset_activate(*, ruleset: RuleSet, actor: User) -> int:
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


def program_evaluate(package: Package, *, evaluation: engine.PackageEvaluation | None = None) -> engine.ProgramResult:
    """The program's own eligibility (call for proposals) of ``package``.

    ``evaluation`` (the export-control evaluation of the same check) says whether the package holds
    advanced-computing items, which the headquarters rule is about; without it the rule flags conservatively.
    """
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
            unit_value_usd=c.unit_value_usd,  # Decimals: the U.S.-share rule compares exact figures
            quantity=c.quantity,
            us_origin_share=c.us_origin_share,
        )
        for c in Component.objects.filter(package=package, layer=Layer.HARDWARE)
    ]
    advanced = None
    if evaluation is not None:
        advanced = any(engine.ADVANCED_COMPUTING in c.classes for c in evaluation.classifications.values())
    return engine.evaluate_program(
        members, hardware, license_headquarters=headquarters_license_countries(), advanced_computing=advanced
    )


def eligibility_results_write(
    *, package_id: int, ruleset: RuleSet, evaluation: engine.PackageEvaluation, program: engine.ProgramResult
) -> int:
    """Upsert one package's results (call inside a transaction); see ``eligibility_results_write_many``."""
    return eligibility_results_write_many(ruleset=ruleset, batch=[(package_id, evaluation, program)])


def eligibility_results_write_many(
    *, ruleset: RuleSet, batch: Sequence[tuple[int, engine.PackageEvaluation, engine.ProgramResult]]
) -> int:
    """Upsert one result per package × country for several packages (call inside a transaction).

    Exactly one current result per package × country (the unique constraint), and a result of a rule set that
    is no longer active never replaces one of the active rule set (a check that lost a race with an activation
    cannot overwrite the new results). On PostgreSQL the rows of the whole batch go through one ``COPY`` into
    a temporary table, one ``INSERT … ON CONFLICT`` and one ``DELETE`` of countries no longer in the rule set;
    elsewhere through ``bulk_create``. Returns the row count.
    """
    if not batch:
        return 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        count = _results_copy(ruleset=ruleset, batch=batch, now=now)
    else:
        count = sum(
            _results_bulk_create(package_id=pk, ruleset=ruleset, evaluation=ev, now=now) for pk, ev, _p in batch
        )
    ProgramEligibility.objects.bulk_create(
        [
            ProgramEligibility(
                package_id=pk, eligible=program.eligible, issues=[i.as_dict() for i in program.issues], computed_at=now
            )
            for pk, _ev, program in batch
        ],
        update_conflicts=True,
        unique_fields=["package"],
        update_fields=["eligible", "issues", "computed_at"],
    )
    # Cached facet counts ("available in") and package pages show these results: bumped once committed.
    catalog_version_bump()
    # New results (a publication's check, a rule-set activation's re-check) may make them match saved alerts.
    for package_id, _evaluation, _program in batch:
        enqueue_on_commit("alerts.tasks.alerts_match_package", package_id)
    return count


_RESULT_COLUMNS = ("package_id", "country_id", "ruleset_id", "ruleset_version", "tier_code", "outcome", "reasons",
                   "computed_at")  # fmt: skip
_STAGE = "aix_eligibility_result_stage"


def _results_copy(
    *, ruleset: RuleSet, batch: Sequence[tuple[int, engine.PackageEvaluation, engine.ProgramResult]], now: Any
) -> int:
    table = EligibilityResult._meta.db_table
    ruleset_table = RuleSet._meta.db_table
    columns = ", ".join(_RESULT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _RESULT_COLUMNS[2:])
    reasons_json: dict[tuple, str] = {}  # many countries share the same reasons: serialise each once
    rows = 0
    with connection.cursor() as cursor:
        # Per session, emptied at every commit or rollback; same column types as the results table.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {_STAGE}")  # a savepoint rolled back earlier in this transaction left nothing
        with cursor.cursor.copy(f"COPY {_STAGE} ({columns}) FROM STDIN") as copy:
            for package_id, evaluation, _program in batch:
                for code, o in evaluation.outcomes.items():
                    reasons = tuple(o.reasons)
                    text = reasons_json.get(reasons)
                    if text is None:
                        text = reasons_json[reasons] = json.dumps([r.as_dict() for r in o.reasons])
                    copy.write_row((package_id, code, ruleset.pk, ruleset.version, o.tier, o.outcome, text, now))
                    rows += 1
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
            f"DELETE FROM {table} AS t WHERE t.package_id = ANY(%s) AND NOT EXISTS "  # noqa: S608
            f"(SELECT 1 FROM {_STAGE} AS s WHERE s.package_id = t.package_id AND s.country_id = t.country_id)",
            [[package_id for package_id, _e, _p in batch]],
        )
        cursor.execute(f"TRUNCATE {_STAGE}")
    return rows


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
    return eligibility_checks_claim(check_ids=[check_id]) == [check_id]


def eligibility_checks_claim(*, check_ids: Sequence[int]) -> list[int]:
    """Atomically move the claimable checks among ``check_ids`` to running; returns the ids this caller won.

    Claimable: pending, or running with an expired lease, and attempts left. Rows another worker holds
    locked are skipped, not waited for."""
    now = timezone.now()
    claimable = Q(status=CheckStatus.PENDING) | Q(status=CheckStatus.RUNNING, lease_expires_at__lt=now)
    with transaction.atomic():
        won = list(
            EligibilityCheck.objects.filter(claimable, pk__in=list(check_ids))
            .filter(attempts__lt=settings.AIX_ELIGIBILITY_MAX_ATTEMPTS)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        EligibilityCheck.objects.filter(pk__in=won).update(
            status=CheckStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, lease_expires_at=now + _lease()
        )
    return won


def eligibility_check_execute(*, check_id: int) -> str:
    """Claim the check, evaluate every country at once and write all results in one transaction.

    Returns what happened: ``"done"``, ``"superseded"`` or ``"skipped"`` (not claimable: gone, finished or
    taken by another worker). Exceptions propagate to the task, whose ``on_failure`` records them.
    """
    return eligibility_checks_execute(check_ids=[check_id])[check_id]


def eligibility_checks_execute(*, check_ids: Sequence[int]) -> dict[int, str]:
    """Run a batch of checks: claim them, evaluate each package, write every result in one transaction.

    One claim, one ``COPY``/upsert per rule set and one commit for the batch instead of one per package; the
    guarantees are those of a single check (a crash before the commit leaves the claimed rows running until
    their lease expires and the sweeper re-sends them; the results are upserted, so a re-run writes the same
    rows). A package whose evaluation raises records a failed attempt on its own check (retried by the sweeper,
    failed after the maximum attempts) without failing the rest of the batch. Returns ``{check id: "done" |
    "superseded" | "skipped" | "pending" | "failed"}``.
    """
    outcome = dict.fromkeys(check_ids, "skipped")
    won = eligibility_checks_claim(check_ids=check_ids)
    if not won:
        return outcome
    checks = list(EligibilityCheck.objects.filter(pk__in=won).select_related("ruleset").order_by("pk"))
    by_ruleset: dict[int, list[EligibilityCheck]] = {}
    for check in checks:
        by_ruleset.setdefault(check.ruleset_id, []).append(check)
    with transaction.atomic():
        active = set(
            RuleSet.objects.filter(pk__in=by_ruleset, status=RuleSetStatus.ACTIVE).values_list("pk", flat=True)
        )
        packages = Package.objects.in_bulk({c.package_id for c in checks})
        for ruleset_id, group in by_ruleset.items():
            ids = [c.pk for c in group]
            # A check under a rule set that is no longer active must not overwrite the current results.
            if ruleset_id not in active:
                _finish(ids, note="superseded: its rule set is no longer active")
                outcome.update(dict.fromkeys(ids, "superseded"))
                continue
            ruleset = group[0].ruleset
            tiers, rules = ruleset_engine_data(ruleset)
            reference = ruleset_reference(ruleset)
            batch, done = [], []
            for check in group:
                package = packages.get(check.package_id)
                try:
                    if package is not None:  # else deleted since: its results went with it
                        evaluation = engine.evaluate(_components(package.pk), tiers, rules, **reference)
                        batch.append((package.pk, evaluation, program_evaluate(package, evaluation=evaluation)))
                except Exception as exc:
                    if len(won) == 1:
                        raise  # a check of its own fails through its task's on_failure
                    # One bad package must not fail the others of its batch: its own attempt is recorded.
                    logger.warning("eligibility check %s failed in a batch: %s", check.pk, exc)
                    outcome[check.pk] = eligibility_check_fail(check_id=check.pk, error=f"{type(exc).__name__}: {exc}")
                else:
                    done.append(check.pk)
            eligibility_results_write_many(ruleset=ruleset, batch=batch)
            _finish(done)
            outcome.update(dict.fromkeys(done, "done"))
    return outcome


def _finish(check_ids: Sequence[int], note: str = "") -> None:
    EligibilityCheck.objects.filter(pk__in=list(check_ids)).update(
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
            package_id=package_id,
            ruleset=ruleset,
            evaluation=evaluation,
            program=program_evaluate(package, evaluation=evaluation),
        )
