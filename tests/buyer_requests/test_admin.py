"""The staff triage queue in the admin: filters, assignment, status, notes, replies, matches, CSV export."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from aiexports.audit.models import AuditEvent
from buyer_requests.models import RequestMatch
from tests.factories import StaffFactory, UserFactory

from .factories import make_request, published_for

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:buyer_requests_packagerequest_changelist")


@pytest.fixture
def staff_client(client):
    staff = StaffFactory(email="triage@example.gov")
    client.force_login(staff)
    client.staff = staff
    return client


def _listed(client, query: str = "") -> set[str]:
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {r.reference for r in response.context["cl"].result_list}


def test_the_queue_filters_by_country_sector_status_and_assignment(staff_client):
    mine = make_request(assigned_to=staff_client.staff)
    other = make_request(country_id="NG", sector_id="energy", status="in_review", assigned_to=StaffFactory())
    nobody = make_request()
    assert _listed(staff_client) == {mine.reference, other.reference, nobody.reference}
    assert _listed(staff_client, "?assigned=me") == {mine.reference}
    assert _listed(staff_client, "?assigned=none") == {nobody.reference}
    assert _listed(staff_client, "?assigned=any") == {mine.reference, other.reference}
    assert _listed(staff_client, "?country__code__exact=NG") == {other.reference}
    assert _listed(staff_client, "?sector__code__exact=energy") == {other.reference}
    assert _listed(staff_client, "?status__exact=in_review") == {other.reference}
    assert _listed(staff_client, f"?q={nobody.reference}") == {nobody.reference}


def test_actions_assign_and_change_the_status_through_the_audited_services(staff_client):
    row = make_request()
    data = {"_selected_action": [row.pk], "action": "assign_to_me"}
    assert staff_client.post(CHANGELIST, data).status_code == 302
    staff_client.post(CHANGELIST, {**data, "action": "mark_referred"})
    row.refresh_from_db()
    assert row.assigned_to == staff_client.staff and row.status == "referred"
    actions = set(AuditEvent.objects.filter(action__startswith="package_request.").values_list("action", flat=True))
    assert actions == {"package_request.assign", "package_request.status"}


def test_the_change_page_saves_status_a_note_and_a_reply_that_is_e_mailed(
    staff_client, django_capture_on_commit_callbacks
):
    row = make_request()
    url = reverse("admin:buyer_requests_packagerequest_change", args=[row.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and "Budget ceiling" in page.content.decode()  # staff see confidential details
    data = {
        "status": "in_review", "assigned_to": "",
        "replies-TOTAL_FORMS": "1", "replies-INITIAL_FORMS": "0", "replies-0-text": "We are looking for packages.",
        "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-0-text": "Check with USTDA.",
        "matches-TOTAL_FORMS": "0", "matches-INITIAL_FORMS": "0",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    row.refresh_from_db()
    assert row.status == "in_review"
    assert row.notes.get().text == "Check with USTDA." and row.replies.get().sent_at is not None
    (message,) = mail.outbox
    assert "We are looking for packages." in message.body and "USTDA" not in message.body
    assert {"package_request.status", "package_request.note", "package_request.reply"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_the_matches_page_suggests_fitting_packages_and_confirming_notifies_the_consortium(
    staff_client, django_capture_on_commit_callbacks
):
    fits, manager = published_for("KE", title="Kestrel health stack")
    published_for("NG", title="Elsewhere")
    row = make_request()
    url = reverse("admin:buyer_requests_packagerequest_matches", args=[row.pk])
    page = staff_client.get(url).content.decode()
    assert "Kestrel health stack" in page and "Elsewhere" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, {"packages": [fits.pk]})
    assert response.status_code == 302
    assert RequestMatch.objects.get().package == fits
    assert mail.outbox[0].to == [manager.email]
    assert staff_client.post(url, {"packages": []}).status_code == 400  # nothing chosen: says so


def test_the_csv_export_streams_the_selected_requests_and_is_audited(staff_client):
    row = make_request(organization_name="=HYPERLINK(evil)")
    response = staff_client.post(CHANGELIST, {"_selected_action": [row.pk], "action": "export_selected_csv"})
    body = b"".join(response.streaming_content).decode()
    assert row.reference in body and "'=HYPERLINK(evil)" in body
    assert AuditEvent.objects.get(action="package_request.export").changes["rows"] == {"before": None, "after": 1}


def test_the_queue_is_staff_only_and_has_no_add_or_delete(client):
    client.force_login(UserFactory())
    assert client.get(CHANGELIST).status_code == 302
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("admin:buyer_requests_packagerequest_add")).status_code == 403
    assert "delete_selected" not in client.get(CHANGELIST).content.decode()
