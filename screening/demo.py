"""Demo data of screening: the synthetic sample list, and every organization screened against it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

from catalog.models import Organization

from .choices import BLOCKING_STATUSES
from .selectors import screening_current_import
from .services import screening_list_import, screening_screen_organizations

SAMPLE_CSV = Path(__file__).resolve().parent / "data" / "csl-sample.csv"


def load_screening_demo(stdout: IO[str]) -> None:
    """Import the sample list unless it is already the current one, then screen all organizations.

    Idempotent: the same sample is not imported twice, and screening the same names gives the same hits.
    """
    content = SAMPLE_CSV.read_bytes()
    current = screening_current_import()
    if current is None or current.sha256 != hashlib.sha256(content).hexdigest():
        record = screening_list_import(content=content, file_name=SAMPLE_CSV.name)
        stdout.write(f"Imported the synthetic screening list ({record.row_count} fictional entries).\n")
    screened = screening_screen_organizations(organization_ids=Organization.objects.values_list("pk", flat=True))
    hits = Organization.objects.filter(screening_hits__status__in=BLOCKING_STATUSES).distinct().count()
    stdout.write(f"Screened {screened} organizations; {hits} with possible matches to review.\n")
