"""Rebuild the near-duplicate campaign groups of every notice (or of the notices named)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rfi.duplicates import campaigns_recompute
from rfi.models import Notice


class Command(BaseCommand):
    help = "Recompute the campaign groups (near-identical responses) of RFI notices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dockets", nargs="*", help="docket ids (default: every notice)")
        parser.add_argument("--threshold", type=float, default=None, help="Jaccard threshold (default 0.8)")

    def handle(self, *args: Any, dockets: list[str], threshold: float | None, **options: Any) -> None:
        if threshold is not None and not 0 < threshold <= 1:
            raise CommandError("--threshold must be in (0, 1]")
        notices = Notice.objects.order_by("docket_id")
        if dockets:
            notices = notices.filter(docket_id__in=dockets)
            missing = set(dockets) - set(notices.values_list("docket_id", flat=True))
            if missing:
                raise CommandError(f"no such notice: {', '.join(sorted(missing))}")
        for notice in notices:
            groups = campaigns_recompute(notice=notice, threshold=threshold)
            self.stdout.write(f"{notice.docket_id}: {groups} campaign groups")
