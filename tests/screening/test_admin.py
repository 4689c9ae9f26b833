"""Staff admin: upload of a list, the entries list, the hits queue and its audited clear/confirm actions."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from screening.choices import HitStatus
from screening.models import (
    OrganizationScreening,
    ScreeningEntry,
    ScreeningHit,
    ScreeningListImport,
)
from screening.services import organization_screen
from tests.factories import StaffFactory, UserFactory

from .conftest import DATA, csl_row

pytestmark = pytest.mark.django_db

ADD = reverse("admin:screening_screeninglistimport_add")
HITS = reverse("admin:screening_screeninghit_changelist")


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def test_staff_upload_a_list_and_see_how_many_entries_it_had(staff_client, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("consolidated.csv", (DATA / "csl-sample.csv").read_bytes(), "text/csv")
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(ADD, {"file": upload, "file_format": "", "list_date": "2026-11-27"}, follow=True)
    assert response.status_code == 200
    assert "Imported 30 entries" in response.content.decode()
    record = ScreeningListImport.objects.get()
    assert (record.row_count, str(record.list_date), record.imported_by) == (30, "2026-11-27", staff_client.staff)
    assert AuditEvent.objects.get(action="screening.list_imported").actor == staff_client.staff
    assert len(callbacks) == 1  # the re-screening, after commit


def test_a_bad_upload_is_refused_on_the_form_with_the_reason_and_nothing_is_imported(staff_client):
    upload = SimpleUploadedFile("list.csv", b"name,source\nAcme,EL\n", "text/csv")
    response = staff_client.post(ADD, {"file": upload, "list_date": "2026-11-27"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "The file was not imported" in body
    assert "the columns _id, type, alt_names, addresses are missing" in body
    assert 'value="2026-11-27"' in body
    assert not ScreeningListImport.objects.exists()


def test_an_upload_over_the_size_limit_or_of_another_type_is_refused(staff_client, settings):
    settings.AIX_SCREENING_UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("list.csv", b"x" * 101, "text/csv")
    response = staff_client.post(ADD, {"file": big, "list_date": "2026-11-27"})
    assert response.status_code == 400
    assert "“list.csv” was refused: it is 101\xa0bytes; the limit is 100\xa0bytes." in response.content.decode()
    other = SimpleUploadedFile("list.xlsx", b"x", "application/octet-stream")
    response = staff_client.post(ADD, {"file": other, "list_date": "2026-11-27"})
    assert "“list.xlsx” was refused: its name ends in .xlsx but its content is TXT." in response.content.decode()
    text = SimpleUploadedFile("list.txt", b"x", "text/plain")
    response = staff_client.post(ADD, {"file": text, "list_date": "2026-11-27"})
    assert "“list.txt” was refused: upload a .csv or .json file, or choose the format." in response.content.decode()
    assert not ScreeningListImport.objects.exists()


def test_people_who_are_not_staff_cannot_reach_the_upload(client):
    client.force_login(UserFactory())
    response = client.get(ADD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.fixture
def hits(import_rows, member):
    import_rows(
        [
            csl_row("nw", "NORTHWIND TRADING CO., LTD.", alt_names=["Northwind Traders"], addresses=["Kowloon, HK"]),
            csl_row("cp", "Contoso Pharmaceuticals JSC", addresses=["Moscow, RU"]),
        ]
    )
    found = []
    for name in ("Northwind Traders", "Contoso Pharmaceutical"):
        organization, _ = member(name)
        organization_screen(organization_id=organization.pk)
        found.append(ScreeningHit.objects.get(organization=organization))
    return found


def test_the_hits_queue_shows_list_matched_name_and_score_and_filters_by_status(
    staff_client, hits, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = staff_client.get(HITS)
    body = response.content.decode()
    assert "Northwind Traders" in body and "Entity List (EL)" in body and "1.0" in body
    response = staff_client.get(HITS, {"status__exact": "cleared"})
    assert "0 screening hits" in response.content.decode()
    response = staff_client.get(HITS, {"q": "Contoso"})
    assert "1 screening hit" in response.content.decode()


def test_the_hits_queue_query_count_does_not_grow_with_the_number_of_hits(
    staff_client, import_rows, member, django_assert_max_num_queries
):
    import_rows([csl_row(f"e{i}", f"Example Listed Company {i}") for i in range(30)])
    for i in range(30):
        organization, _ = member(f"Example Listed Company {i}")
        organization_screen(organization_id=organization.pk)
    with django_assert_max_num_queries(12):
        assert staff_client.get(HITS).status_code == 200


def test_clearing_asks_for_a_reason_first_then_clears_and_audits(staff_client, hits):
    northwind = hits[0]
    form = {"action": "clear_hits", ACTION_CHECKBOX_NAME: [northwind.pk], "index": 0}
    response = staff_client.post(HITS, form)
    assert response.status_code == 200
    assert "Reason" in response.content.decode() and "Clear screening hits" in response.content.decode()
    assert ScreeningHit.objects.get(pk=northwind.pk).status == HitStatus.OPEN

    confirm = {"action": "clear_hits", ACTION_CHECKBOX_NAME: [northwind.pk], "apply": "1", "reason": ""}
    response = staff_client.post(HITS, confirm)
    assert "This field is required." in response.content.decode()
    assert ScreeningHit.objects.get(pk=northwind.pk).status == HitStatus.OPEN

    confirm["reason"] = "Checked the registry: a different company."
    response = staff_client.post(HITS, confirm, follow=True)
    assert "1 hit decided." in response.content.decode()
    northwind.refresh_from_db()
    assert (northwind.status, northwind.decided_by, northwind.reason) == (
        HitStatus.CLEARED,
        staff_client.staff,
        "Checked the registry: a different company.",
    )
    event = AuditEvent.objects.get(action="screening.hit_cleared")
    assert event.actor == staff_client.staff and event.message == "Checked the registry: a different company."


def test_confirming_several_hits_confirms_each_and_reports_those_refused(staff_client, hits):
    ScreeningHit.objects.filter(pk=hits[1].pk).update(status=HitStatus.WITHDRAWN)
    confirm = {"action": "confirm_hits", ACTION_CHECKBOX_NAME: [h.pk for h in hits], "apply": "1", "reason": "Same."}
    body = staff_client.post(HITS, confirm, follow=True).content.decode()
    assert "1 hit decided." in body and "was withdrawn" in body
    assert ScreeningHit.objects.get(pk=hits[0].pk).status == HitStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="screening.hit_confirmed").count() == 1


def test_a_hit_page_is_read_only(staff_client, hits):
    response = staff_client.get(reverse("admin:screening_screeninghit_change", args=[hits[0].pk]))
    body = response.content.decode()
    assert response.status_code == 200 and 'name="_save"' not in body
    assert "NORTHWIND TRADING CO., LTD." in body


def test_entries_can_be_searched_and_filtered_by_list_type_and_country(staff_client, hits):
    url = reverse("admin:screening_screeningentry_changelist")
    assert "1 screening list entry" in staff_client.get(url, {"q": "Northwind Traders"}).content.decode()
    body = staff_client.get(url, {"country": "RU"}).content.decode()
    assert "Contoso Pharmaceuticals JSC" in body and "NORTHWIND" not in body
    assert "2 screening list entries" in staff_client.get(url, {"entry_type__exact": "Entity"}).content.decode()
    assert ScreeningEntry.objects.count() == 2


def test_staff_can_screen_selected_organizations_again(staff_client, hits):
    url = reverse("admin:screening_organizationscreening_changelist")
    ids = list(OrganizationScreening.objects.values_list("pk", flat=True))
    response = staff_client.post(url, {"action": "screen_again", ACTION_CHECKBOX_NAME: ids, "index": 0}, follow=True)
    assert "2 organizations screened." in response.content.decode()


def test_the_upload_form_renders_for_staff(staff_client):
    response = staff_client.get(ADD)
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()
