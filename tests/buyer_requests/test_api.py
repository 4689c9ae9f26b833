"""The staff API of package requests: list with filters, detail, triage, notes, replies, matches; 404 to others."""

from __future__ import annotations

import pytest
from django.core import mail

from aiexports.audit.models import AuditEvent
from tests.factories import StaffFactory, UserFactory

from .factories import make_request, published_for

pytestmark = pytest.mark.django_db
BASE = "/api/v1/staff/package-requests/"


@pytest.fixture
def staff(client):
    user = StaffFactory(email="triage@example.gov")
    client.force_login(user)
    return user


def test_anyone_but_staff_gets_a_json_404(client):
    row = make_request()
    for url in (BASE, f"{BASE}{row.reference}/"):
        assert client.get(url).status_code == 404
        client.force_login(UserFactory())
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
        client.logout()


def test_the_list_filters_and_pins_its_query_count(client, staff, django_assert_max_num_queries):
    make_request(assigned_to=staff)
    make_request(country_id="NG", status="in_review")
    for _ in range(5):
        make_request()
    with django_assert_max_num_queries(8):
        body = client.get(BASE).json()
    assert body["count"] == 7
    assert client.get(BASE + "?assigned=me").json()["count"] == 1
    assert client.get(BASE + "?assigned=none&country=ng").json()["count"] == 1
    assert client.get(BASE + "?status=in_review").json()["count"] == 1
    bad = client.get(BASE + "?status=lost&assigned=who")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "assigned"}


def test_detail_shows_confidential_parts_and_suggestions_and_patch_triages_with_audit(client, staff):
    package, _m = published_for("KE")
    row = make_request()
    body = client.get(f"{BASE}{row.reference}/").json()
    assert body["confidential_details"] == "Budget ceiling USD 40m."
    assert [s["slug"] for s in body["suggestions"]] == [package.slug]
    response = client.patch(
        f"{BASE}{row.reference}/", {"status": "in_review", "assigned_to": staff.email}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    assert response.json()["assigned_to"] == staff.email
    bad = client.patch(f"{BASE}{row.reference}/", {"assigned_to": "nobody@x.org"}, content_type="application/json")
    assert bad.status_code == 400 and "assigned_to" in bad.json()
    assert AuditEvent.objects.filter(action__startswith="package_request.").count() == 2


def test_reply_note_and_match_through_the_api(client, staff, django_capture_on_commit_callbacks):
    package, manager = published_for("KE")
    row = make_request()
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(f"{BASE}{row.reference}/replies/", {"text": "Two packages fit."},
                            content_type="application/json")  # fmt: skip
        note = client.post(f"{BASE}{row.reference}/notes/", {"text": "Internal."}, content_type="application/json")
        match = client.post(f"{BASE}{row.reference}/matches/", {"packages": [package.slug]},
                            content_type="application/json")  # fmt: skip
    assert (reply.status_code, note.status_code, match.status_code) == (201, 201, 201)
    assert [r["text"] for r in note.json()["replies"]] == ["Two packages fit."]
    assert match.json()[0]["package"] == package.slug
    assert sorted(m.to[0] for m in mail.outbox) == sorted([row.email, manager.email])
    empty = client.post(f"{BASE}{row.reference}/replies/", {"text": ""}, content_type="application/json")
    unknown = client.post(f"{BASE}{row.reference}/matches/", {"packages": ["nope"]}, content_type="application/json")
    assert empty.status_code == 400 and unknown.status_code == 400 and "packages" in unknown.json()
