"""The demo loader imports the synthetic sample and screens every organization, idempotently."""

from __future__ import annotations

import io

import pytest

from screening.demo import load_screening_demo
from screening.models import OrganizationScreening, ScreeningHit, ScreeningListImport
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_imports_the_sample_once_and_screens_all_organizations():
    OrganizationFactory(name="Northwind Traders")
    OrganizationFactory(name="Woodgrove Bank")
    out = io.StringIO()
    load_screening_demo(out)
    load_screening_demo(out)
    assert ScreeningListImport.objects.count() == 1
    assert OrganizationScreening.objects.count() == 2
    assert list(ScreeningHit.objects.values_list("matched_name", flat=True)) == ["Northwind Traders"]
    assert "Imported the synthetic screening list (30 fictional entries)." in out.getvalue()
    assert "1 with possible matches to review" in out.getvalue()
