"""Services of package requests: create, triage, replies, matches and the e-mails they cause."""

from __future__ import annotations

import pytest
from django.core import mail

from aiexports.audit.models import AuditEvent
from aiexports.errors import DomainError, NotAllowed
from buyer_requests import selectors, services
from buyer_requests.models import PackageRequest, RequestMatch
from buyer_requests.tokens import LinkState, check_status_token, make_status_token
from tests.factories import StaffFactory, UserFactory

from .factories import make_request, published_for

pytestmark = pytest.mark.django_db

CREATE = {
    "requester_type": "government", "organization_name": "Ministry of ICT", "contact_name": "Aiko Tanaka",
    "email": "aiko@example.jp", "country_code": "ke", "sector_code": "health",
    "needs": {"hardware": "GPUs", "software": "", "data": "", "security": "SOC"}, "scale": "national",
    "timeline": "12m", "financing_interest": "undecided", "consent_to_contact": True,
}  # fmt: skip


def test_a_request_is_stored_audited_and_confirmed_by_e_mail_with_its_reference_and_status_link(
    django_capture_on_commit_callbacks, settings
):
    settings.AIX_STAFF_INBOX_EMAIL = "inbox@example.gov"
    with django_capture_on_commit_callbacks(execute=True):
        row = services.package_request_create(**CREATE, language="ja", ip_address="203.0.113.9")
    assert row.reference.startswith("PR-") and row.country_id == "KE" and row.layers == ["hardware", "security"]
    event = AuditEvent.objects.get(action="package_request.create")
    assert event.changes["layers"] == {"before": None, "after": ["hardware", "security"]}
    receipt, staff = mail.outbox
    assert receipt.to == ["aiko@example.jp"] and row.reference in receipt.subject
    assert "/requests/status/" in receipt.body
    assert staff.to == ["inbox@example.gov"]
    row.refresh_from_db()
    assert row.receipt_sent_at is not None
    assert services.package_request_receipt_send(request_id=row.pk) is False  # once only
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [({"country_code": "ZZ"}, "country"), ({"sector_code": "nope"}, "sector"),
     ({"needs": {"hardware": " "}}, "needs"), ({"consent_to_contact": False}, "consent_to_contact")],
)  # fmt: skip
def test_a_request_with_an_unknown_country_or_sector_no_need_or_no_consent_is_refused_and_stores_nothing(change, field):
    with pytest.raises(services.RequestInvalid) as caught:
        services.package_request_create(**{**CREATE, **change})
    assert field in caught.value.errors
    assert not PackageRequest.objects.exists()


def test_staff_assign_and_set_status_with_audit_and_no_op_records_nothing():
    staff, other = StaffFactory(), StaffFactory()
    row = make_request()
    assert services.package_request_assign(actor=staff, request_ids=[row.pk], assignee=other) == 1
    assert services.package_request_assign(actor=staff, request_ids=[row.pk], assignee=other) == 0
    assert services.package_request_set_status(actor=staff, request_ids=[row.pk], status="in_review") == 1
    row.refresh_from_db()
    assert row.assigned_to == other and row.status == "in_review"
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["package_request.assign", "package_request.status"]
    with pytest.raises(DomainError):
        services.package_request_set_status(actor=staff, request_ids=[row.pk], status="lost")


def test_a_non_staff_user_cannot_triage_and_a_non_staff_assignee_is_refused():
    row = make_request()
    with pytest.raises(NotAllowed):
        services.package_request_set_status(actor=UserFactory(), request_ids=[row.pk], status="closed")
    with pytest.raises(NotAllowed):
        services.package_request_assign(actor=StaffFactory(), request_ids=[row.pk], assignee=UserFactory())
    row.refresh_from_db()
    assert row.status == "received" and row.assigned_to is None


def test_a_reply_is_e_mailed_once_and_a_note_is_never_e_mailed(django_capture_on_commit_callbacks):
    staff, row = StaffFactory(), make_request()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_note_add(actor=staff, request=row, text="Call the embassy first.")
        reply = services.request_reply_add(actor=staff, request=row, text="We found two packages.")
    (message,) = mail.outbox
    assert message.to == [row.email] and "We found two packages." in message.body
    assert "embassy" not in message.body
    assert services.request_reply_send(reply_id=reply.pk) is False
    with pytest.raises(DomainError):
        services.request_reply_add(actor=staff, request=row, text="x" * 10001)


def test_suggestions_are_published_packages_available_in_the_country_covering_the_layers_and_sector():
    fits, _m = published_for("KE", title="Fits")
    published_for("KE", outcome="prohibited", title="Prohibited there")
    published_for("NG", title="Other country")
    published_for("KE", sector="energy", title="Other sector")
    licensed, _m2 = published_for("KE", outcome="license_required", title="License needed")
    row = make_request()
    assert [p.title for p in selectors.match_suggestions(row)] == ["Fits", "License needed"]
    assert {p.outcome for p in selectors.match_suggestions(row)} == {"eligible", "license_required"}
    fits.components.filter(layer="software").delete()  # no longer covers "software & models"
    assert [p.pk for p in selectors.match_suggestions(row)] == [licensed.pk]


def test_confirming_a_match_marks_the_request_matched_and_tells_the_consortium_without_confidential_parts(
    django_capture_on_commit_callbacks,
):
    package, manager = published_for("KE")
    staff, row = StaffFactory(), make_request()
    services.request_note_add(actor=staff, request=row, text="INTERNAL-ONLY")
    with django_capture_on_commit_callbacks(execute=True):
        made = services.request_match_confirm(actor=staff, request=row, packages=[package])
    assert len(made) == 1
    row.refresh_from_db()
    assert row.status == "matched"
    (notice,) = mail.outbox
    assert notice.to == [manager.email] and notice.reply_to == [row.email]
    assert row.need_hardware in notice.body and row.reference in notice.body
    assert "Budget ceiling" not in notice.body and "INTERNAL-ONLY" not in notice.body
    event = AuditEvent.objects.get(action="package_request.match")
    assert event.changes["matches"] == {"before": [], "after": [package.slug]}
    assert event.changes["status"] == {"before": "received", "after": "matched"}
    assert services.request_match_confirm(actor=staff, request=row, packages=[package]) == []  # no second notice
    assert RequestMatch.objects.count() == 1 and selectors.match_suggestions(row) == []


def test_an_unpublished_package_cannot_be_matched():
    from tests.catalog.factories import company, complete_package

    _u, _o, consortium = company()
    draft = complete_package(consortium)
    with pytest.raises(DomainError):
        services.request_match_confirm(actor=StaffFactory(), request=make_request(), packages=[draft])


def test_the_requester_withdraws_once_and_a_second_withdrawal_changes_nothing():
    row = make_request()
    services.package_request_withdraw(request_id=row.pk)
    row.refresh_from_db()
    assert row.status == "closed"
    with pytest.raises(DomainError, match="already"):
        services.package_request_withdraw(request_id=row.pk)
    assert AuditEvent.objects.filter(action="package_request.withdraw").count() == 1


def test_a_status_token_is_valid_forged_or_expired(settings):
    row = make_request()
    token = make_status_token(row)
    assert check_status_token(token).request == row
    assert check_status_token(token[:-2] + "xx").state is LinkState.INVALID
    assert check_status_token("not-a-token").state is LinkState.INVALID
    settings.AIX_PACKAGE_REQUEST_LINK_MAX_AGE = -1
    assert check_status_token(token).state is LinkState.EXPIRED
