"""``manage.py recheck_eligibility``: re-check packages' export-control eligibility (operators)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.choices import PackageStatus
from catalog.models import Package
from eligibility import services
from eligibility.choices import CheckTrigger
from eligibility.models import RuleSet
from eligibility.selectors import ruleset_active


class Command(BaseCommand):
    help = (
        "Re-check eligibility of every non-draft package (or the given slugs) under the active rule set: "
        "queue checks for the workers, or compute them here with --sync. --failed re-runs failed checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="package slugs (default: every non-draft package)")
        parser.add_argument("--ruleset", help="rule-set version (default: the active one)")
        parser.add_argument("--sync", action="store_true", help="compute in this process instead of queueing")
        parser.add_argument("--failed", action="store_true", help="re-run the rule set's failed checks only")
        parser.add_argument("--sweep", action="store_true", help="run the sweeper once (re-enqueue stuck checks)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sweep"]:
            self.stdout.write(str(services.eligibility_sweep()))
            return
        ruleset = RuleSet.objects.filter(version=options["ruleset"]).first() if options["ruleset"] else ruleset_active()
        if ruleset is None:
            raise CommandError("No such rule set (and none is active).")
        if options["failed"]:
            count = services.eligibility_checks_rerun_failed(ruleset=ruleset, actor=None)
            self.stdout.write(self.style.SUCCESS(f"{count} failed checks queued again under {ruleset.version}."))
            return
        packages = Package.objects.exclude(status=PackageStatus.DRAFT)
        if options["slugs"]:
            packages = Package.objects.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(packages.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown package slugs: {', '.join(sorted(missing))}")
        ids = list(packages.order_by("pk").values_list("pk", flat=True))
        if options["sync"]:
            rows = sum(services.eligibility_compute_now(package_id=pk, ruleset=ruleset) for pk in ids)
            self.stdout.write(self.style.SUCCESS(f"{len(ids)} packages checked, {rows} results written."))
            return
        if not options["slugs"]:
            count = services.eligibility_recheck_all(ruleset=ruleset, actor=None)  # audited
            self.stdout.write(self.style.SUCCESS(f"{count} checks queued under {ruleset.version}."))
            return
        from django.db import transaction

        with transaction.atomic():
            created = services.eligibility_checks_create(ruleset=ruleset, package_ids=ids, trigger=CheckTrigger.STAFF)
        self.stdout.write(self.style.SUCCESS(f"{len(created)} checks queued under {ruleset.version}."))
