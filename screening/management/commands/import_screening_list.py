"""Import the Consolidated Screening List (CSV or JSON) and queue the re-screening of every consortium member."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aiexports.errors import DomainError
from screening.choices import ListFormat
from screening.services import screening_list_import


class Command(BaseCommand):
    help = (
        "Replace the restricted-party screening list with a Consolidated Screening List file (CSV or JSON), "
        "then re-screen every consortium member organization in Celery."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the CSL file (consolidated.csv or the API's JSON)")
        parser.add_argument("--format", choices=ListFormat.values, help="default: from the file's extension")
        parser.add_argument("--date", type=date.fromisoformat, help="the list's date, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            record = screening_list_import(
                content=content, file_name=path.name, file_format=options["format"], list_date=options["date"]
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {record.row_count} entries from {record.file_name} (list of {record.list_date:%Y-%m-%d}: "
                f"{record.added_count} added, {record.changed_count} changed, {record.removed_count} removed). "
                "Re-screening of consortium members has been queued."
            )
        )
