"""The checked-in sample in the published CSL layout: license requirement and policy reach the hit page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from screening.importer import CSV_COLUMNS, parse_screening_file
from screening.models import ScreeningHit
from screening.services import organization_screen, screening_list_import
from tests.factories import StaffFactory
from tests.screening.conftest import DATA

pytestmark = pytest.mark.django_db

PUBLISHED_HEADER = (
    "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
    "standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,"
    "vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,"
    "places_of_birth,source_information_url,ids"
)


def test_the_sample_has_exactly_the_published_header_and_the_importer_expects_it():
    assert (DATA / "csl-sample.csv").read_text("utf-8").splitlines()[0] == PUBLISHED_HEADER
    assert ",".join(CSV_COLUMNS) == PUBLISHED_HEADER


@pytest.mark.parametrize("name", ["csl-sample.csv", "csl-sample.json"])
def test_both_sample_files_give_the_license_requirement_and_policy_of_each_entry(name):
    parsed = parse_screening_file((DATA / name).read_bytes(), file_format=name.rsplit(".", 1)[1])
    northwind = next(e for e in parsed.entries if e.name == "NORTHWIND TRADING CO., LTD.")
    assert northwind.raw["license_requirement"] == "For all items subject to the EAR."
    assert northwind.raw["license_policy"] == "Presumption of denial."
    assert "Northwind Traders" in northwind.alt_names and len(northwind.addresses) == 2


def test_a_hit_shows_the_listed_license_requirement_and_policy(client, member):
    client.force_login(StaffFactory())
    screening_list_import(content=(DATA / "csl-sample.csv").read_bytes(), file_name="consolidated.csv")
    organization, _ = member("Northwind Traders")
    organization_screen(organization_id=organization.pk)
    hit = ScreeningHit.objects.get(organization=organization, entry__name="NORTHWIND TRADING CO., LTD.")
    body = client.get(reverse("admin:screening_screeninghit_change", args=[hit.pk])).content.decode()
    assert "For all items subject to the EAR." in body and "Presumption of denial." in body
