"""Impact preview: what would move if a rule set replaced another (before activation, or between any two).

``impact_preview_request`` (service: row + audit, enqueued after commit) and ``impact_preview_execute`` (run
by the ``eligibility.impact_preview`` task): every non-draft package is evaluated by the engine under both rule
sets, the package × country outcomes that differ are counted by transition, country and package, and
progress is written every chunk so staff can follow it in the admin. Results are never touched.
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aiexports.accounts.models import User
from aiexports.audit.services import audit_record
from aiexports.errors import DomainError
from aiexports.tasks_enqueue import enqueue
from catalog.choices import PackageStatus
from catalog.models import Package

from . import engine
from .choices import CheckStatus
from .models import RuleSet, RuleSetImpact
from .selectors_results import ruleset_active, ruleset_engine_data

logger = logging.getLogger(__name__)

CHUNK = 50  # packages between two progress writes
MAX_CHANGES = 1000  # changed rows kept for display (the counts cover everything)


def impact_preview_request(*, ruleset: RuleSet, actor: User, baseline: RuleSet | None = None) -> RuleSetImpact:
    """Ask for an impact preview of ``ruleset`` against ``baseline`` (default: the active rule set)."""
    baseline = baseline or ruleset_active()
    if baseline is None:
        raise DomainError(_("No rule set is active to compare with."), code="no_active_ruleset")
    if baseline.pk == ruleset.pk:
        raise DomainError(_("Choose two different rule sets to compare."), code="same_ruleset")
    with transaction.atomic():
        total = Package.objects.exclude(status=PackageStatus.DRAFT).count()
        impact = RuleSetImpact.objects.create(
            ruleset=ruleset,
            baseline=baseline,
            packages_total=total,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="ruleset.impact_requested", target=ruleset,
            changes={"impact": impact.pk, "baseline": baseline.version, "packages": total},
        )  # fmt: skip
        transaction.on_commit(functools.partial(_enqueue, impact.pk), robust=True)
    return impact


def _enqueue(impact_id: int) -> None:
    if not enqueue("eligibility.tasks.eligibility_impact_preview", impact_id):
        # The broker may be down: the row stays pending and says so.
        RuleSetImpact.objects.filter(pk=impact_id).update(last_error="could not enqueue: the task broker refused it")


def _components_of(package_ids: list[int]) -> dict[int, list[engine.ComponentData]]:
    from catalog.models import Component

    out: dict[int, list[engine.ComponentData]] = {pid: [] for pid in package_ids}
    rows = Component.objects.filter(package_id__in=package_ids).order_by("package_id", "layer", "position", "pk")
    for c in rows:
        out[c.package_id].append(
            engine.ComponentData(
                id=c.pk,
                name=c.name,
                layer=c.layer,
                category=c.category,
                eccn=c.eccn,
                tpp=c.tpp,
                pd=c.performance_density,
                quantity=c.quantity,
                training_operations=c.training_operations,
                weights_published=c.weights_published,
                dram_bandwidth=c.dram_bandwidth,
                designed_for_data_centers=c.designed_for_data_centers,
            )  # fmt: skip
        )
    return out


def compare_outcomes(
    components: list[engine.ComponentData], before: tuple[dict, list], after: tuple[dict, list]
) -> list[tuple[str, str, str]]:
    """(country, outcome before, outcome after) for every country whose outcome differs (pure)."""
    old = engine.evaluate(components, *before).outcomes
    new = engine.evaluate(components, *after).outcomes
    moved = []
    for code in sorted(set(old) | set(new)):
        a = old[code].outcome if code in old else "none"
        b = new[code].outcome if code in new else "none"
        if a != b:
            moved.append((code, a, b))
    return moved


def impact_preview_execute(*, impact_id: int) -> str:
    """Compute the preview (claimed atomically; a re-run starts over). Returns done, skipped or failed."""
    now = timezone.now()
    claimed = RuleSetImpact.objects.filter(pk=impact_id, status__in=[CheckStatus.PENDING, CheckStatus.RUNNING]).update(
        status=CheckStatus.RUNNING, started_at=now, packages_done=0, last_error=""
    )
    if not claimed:
        return "skipped"
    impact = RuleSetImpact.objects.select_related("ruleset", "baseline").get(pk=impact_id)
    try:
        before = ruleset_engine_data(impact.baseline)
        after = ruleset_engine_data(impact.ruleset)
        packages = list(
            Package.objects.exclude(status=PackageStatus.DRAFT).order_by("pk").values_list("pk", "slug", "title")
        )
        transitions: Counter[str] = Counter()
        countries: Counter[str] = Counter()
        per_package: list[dict[str, Any]] = []
        changes: list[dict[str, str]] = []
        compared = moved_total = 0
        for start in range(0, len(packages), CHUNK):
            chunk = packages[start : start + CHUNK]
            components = _components_of([pk for pk, _slug, _title in chunk])
            for pk, slug, title in chunk:
                moved = compare_outcomes(components[pk], before, after)
                compared += max(len(before[0]), len(after[0]))
                if not moved:
                    continue
                moved_total += len(moved)
                per_package.append({"slug": slug, "title": title, "moved": len(moved)})
                for code, a, b in moved:
                    transitions[f"{a}→{b}"] += 1
                    countries[code] += 1
                    if len(changes) < MAX_CHANGES:
                        changes.append({"package": slug, "country": code, "before": a, "after": b})
            RuleSetImpact.objects.filter(pk=impact_id).update(packages_done=start + len(chunk))
        RuleSetImpact.objects.filter(pk=impact_id).update(
            status=CheckStatus.DONE, packages_total=len(packages), packages_done=len(packages),
            outcomes_compared=compared, outcomes_moved=moved_total, transitions=dict(transitions.most_common()),
            countries=dict(countries.most_common()), packages=sorted(per_package, key=lambda p: -p["moved"]),
            changes=changes, finished_at=timezone.now(),
        )  # fmt: skip
    except Exception as exc:
        logger.exception("impact preview %s failed", impact_id)
        RuleSetImpact.objects.filter(pk=impact_id).update(
            status=CheckStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        return "failed"
    return "done"
