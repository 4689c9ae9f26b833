"""Integration: an import's re-screening runs in a real Celery worker and its hits land in PostgreSQL."""

from __future__ import annotations

import pytest

from catalog.models import Country
from eligibility.selectors import publication_blockers
from screening.choices import HitStatus
from screening.models import OrganizationScreening, ScreeningHit
from screening.services import screening_list_import
from tests.conftest import wait_until

from .conftest import DATA


@pytest.mark.worker
def test_an_import_re_screens_every_member_in_a_real_worker(celery_worker, member):
    # Transactional tests that ran before may have flushed the countries loaded by the data migration.
    Country.objects.get_or_create(code="US", defaults={"name": "United States"})
    northwind, consortium = member("Northwind Traders")
    contoso, _ = member("Contoso Pharmaceutical")
    clean, clean_consortium = member("Clean Example Company")

    screening_list_import(content=(DATA / "csl-sample.csv").read_bytes(), file_name="csl-sample.csv")

    wait_until(lambda: OrganizationScreening.objects.count() == 3, timeout=60)
    hits = {(h.organization_id, h.matched_name, h.status) for h in ScreeningHit.objects.all()}
    assert hits == {
        (northwind.pk, "Northwind Traders", HitStatus.OPEN),
        (contoso.pk, "Contoso Pharmaceutical", HitStatus.OPEN),
    }, celery_worker.log()
    assert len(publication_blockers(consortium_id=consortium.pk)) == 1
    assert publication_blockers(consortium_id=clean_consortium.pk) == []
