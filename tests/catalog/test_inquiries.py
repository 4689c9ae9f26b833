"""Buyers' "express interest" form: stored, audited, e-mailed to the consortium's managers, rate-limited, honeypot."""

from __future__ import annotations

import pytest
from django.core import mail

from aiexports.audit.models import AuditEvent
from aiexports.errors import NotAllowed
from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import Inquiry
from catalog.services.inquiries import inquiry_create, inquiry_notify
from tests.catalog.factories_public import consortium_with_manager, ensure_reference_data, published_package
from tests.conftest import send_queued_mail
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory, assert_honeypot_refused

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Aiko Tanaka",
    "organization": "Osaka Smart City Office",
    "country": "JP",
    "email": "aiko@example.jp",
    "message": "We would like a proposal for 200 accelerators.",
    "website": "",
}


@pytest.fixture
def reference_data():
    ensure_reference_data()


@pytest.fixture
def package():
    return published_package(consortium=consortium_with_manager(email="lead-admin@example.com"))


def post(client, package, **overrides):
    return client.post(f"/catalog/{package.slug}/contact/", {**VALID, **overrides})


def test_the_package_page_links_to_its_inquiry_page_and_carries_no_inquiry_form(client, package):
    html = client.get(f"/catalog/{package.slug}/").content.decode()
    assert f'href="/catalog/{package.slug}/contact/"' in html
    assert 'name="message"' not in html
    assert client.post(f"/catalog/{package.slug}/", VALID).status_code == 405
    contact = client.get(f"/catalog/{package.slug}/contact/")
    assert contact.status_code == 200
    body = contact.content.decode()
    assert 'name="message"' in body and 'name="csrfmiddlewaretoken"' in body and package.title in body


def test_a_valid_inquiry_is_stored_audited_and_redirects_with_a_confirmation(client, package):
    response = post(client, package)
    assert response.status_code == 302
    assert response["Location"] == f"/catalog/{package.slug}/"
    inquiry = Inquiry.objects.get()
    assert (inquiry.package, inquiry.country_id, inquiry.email) == (package, "JP", "aiko@example.jp")
    assert inquiry.ip_address == "127.0.0.1"
    event = AuditEvent.objects.get(action="catalog.inquiry.create")
    assert event.target_id == str(inquiry.pk)
    assert "aiko@example.jp" in event.actor_repr
    page = client.get(response["Location"]).content.decode()
    assert "Your message was sent to the consortium" in page


def test_the_e_mail_is_enqueued_only_after_commit_and_reaches_the_managers(
    client, package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, package)
    assert len(callbacks) == 2  # the managers' e-mail, and the buyer's copy
    assert mail.outbox == [], "nothing is sent before the transaction commits"
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["aiko@example.jp", "lead-admin@example.com"]
    message = next(m for m in mail.outbox if m.to == ["lead-admin@example.com"])
    assert message.reply_to == ["aiko@example.jp"]
    assert package.title in message.subject
    assert "200 accelerators" in message.body
    assert "Osaka Smart City Office" in message.body
    assert Inquiry.objects.get().notified_at is not None


def test_only_the_admins_of_the_anchor_organization_are_managers(package):
    anchor = package.consortium.anchor
    MembershipFactory(organization=anchor, user__email="editor@example.com", role=OrganizationRole.EDITOR)
    MembershipFactory(organization=anchor, user=UserFactory(email="gone@example.com", is_active=False))
    MembershipFactory(organization=OrganizationFactory(), user__email="elsewhere@example.com")
    inquiry_create(package=package, name="A", organization="B", country_code="fr", email="a@b.fr", message="Hi")
    assert send_queued_mail() == 2  # queued with the inquiry: the managers' mail and the buyer's copy
    assert [m.to for m in mail.outbox] == [["lead-admin@example.com"], ["a@b.fr"]]


def test_the_notification_is_idempotent_and_ignores_a_missing_inquiry(package):
    inquiry = inquiry_create(
        package=package, name="A", organization="B", country_code="FR", email="a@b.fr", message="Hi"
    )
    assert inquiry_notify(inquiry_id=inquiry.pk) == 0, "queued with the inquiry: a second call queues nothing"
    assert send_queued_mail() == 2  # the managers' mail and the buyer's copy, once each
    assert send_queued_mail() == 0
    assert len(mail.outbox) == 2
    assert inquiry_notify(inquiry_id=999_999) == 0


def test_bad_input_re_renders_the_form_with_errors_and_keeps_what_was_typed(client, package):
    response = post(client, package, email="not-an-email", message="", country="")
    html = response.content.decode()
    assert response.status_code == 400
    assert Inquiry.objects.count() == 0
    assert 'href="#id_email"' in html and 'href="#id_message"' in html and 'href="#id_country"' in html
    assert 'value="Aiko Tanaka"' in html
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error_1"' in html


def test_a_filled_in_honeypot_is_refused_keeps_the_input_and_stores_and_sends_nothing(client, package):
    response = post(client, package, website="http://spam.example")
    assert_honeypot_refused(response, kept=VALID["message"])
    assert Inquiry.objects.count() == 0
    assert mail.outbox == []
    assert post(client, package).status_code == 302 and Inquiry.objects.count() == 1


def test_the_form_is_rate_limited_per_ip_address(client, package, settings):
    settings.AIX_RATE_CONTACT = "2/h"
    assert post(client, package).status_code == 302
    assert post(client, package).status_code == 302
    response = post(client, package)
    assert response.status_code == 429
    assert Inquiry.objects.count() == 2
    other_ip = client.post(f"/catalog/{package.slug}/contact/", VALID, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302, "another address has its own budget"
    assert client.get(f"/catalog/{package.slug}/contact/").status_code == 200, "reading is never limited"


@pytest.mark.parametrize("status", [PackageStatus.DRAFT, PackageStatus.IN_REVIEW, PackageStatus.WITHDRAWN])
def test_nobody_can_send_an_inquiry_about_a_package_that_is_not_published(client, status):
    package = published_package(status=status)
    assert post(client, package).status_code == 404
    with pytest.raises(NotAllowed):
        inquiry_create(package=package, name="A", organization="B", country_code="FR", email="a@b.fr", message="Hi")
    assert Inquiry.objects.count() == 0


def test_the_form_requires_a_csrf_token(package):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(f"/catalog/{package.slug}/contact/", VALID)
    assert response.status_code == 403
    assert Inquiry.objects.count() == 0


def test_staff_can_find_inquiries_in_the_admin_but_not_edit_them(client, package):
    from tests.factories import StaffFactory

    inquiry = inquiry_create(
        package=package, name="Aiko", organization="Osaka", country_code="JP", email="a@b.jp", message="Hi"
    )
    client.force_login(StaffFactory())
    listing = client.get("/admin/catalog/inquiry/?q=osaka")
    assert listing.status_code == 200
    assert "Aiko" in listing.content.decode()
    page = client.get(f"/admin/catalog/inquiry/{inquiry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_without_managers_the_program_inbox_receives_the_inquiry(settings):
    settings.AIX_STAFF_INBOX_EMAIL = "inbox@program.example"
    package = published_package()
    inquiry_create(package=package, name="A", organization="B", country_code="FR", email="a@b.fr", message="Hi")
    assert send_queued_mail() == 2  # to the program inbox, and the buyer's copy
    assert mail.outbox[0].to == ["inbox@program.example"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_e_mails_the_managers_after_commit(celery_worker, reference_data):
    from tests.conftest import wait_until

    package = published_package(consortium=consortium_with_manager(email="worker-manager@example.com"))
    inquiry = inquiry_create(
        package=package, name="Aiko", organization="Osaka", country_code="JP", email="a@b.jp", message="Proposal?"
    )
    # Two e-mails leave in either order: the managers' and the buyer's copy.
    to_managers = wait_until(
        lambda: next((m for m in celery_worker.sent_mail() if "worker-manager@example.com" in m), None), timeout=60
    )
    assert "Proposal?" in to_managers
    wait_until(lambda: any("To: a@b.jp" in m for m in celery_worker.sent_mail()), timeout=60)
    wait_until(lambda: Inquiry.objects.filter(pk=inquiry.pk, notified_at__isnull=False).exists(), timeout=30)


def test_the_buyer_gets_a_copy_of_what_was_sent_and_to_whom_in_their_language_once(
    client, package, django_capture_on_commit_callbacks
):
    from catalog.services.inquiries import inquiry_copy_send

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/catalog/{package.slug}/contact/", {**VALID, "message": "Please quote 200 accelerators.\nThanks."},
            HTTP_ACCEPT_LANGUAGE="fr",
        )  # fmt: skip
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.language == "fr" and inquiry.copy_sent_at is not None
    (copy,) = [m for m in mail.outbox if m.to == ["aiko@example.jp"]]
    assert "Please quote 200 accelerators." in copy.body and package.consortium.name in copy.body
    assert package.title in copy.subject and f"/catalog/{package.slug}/" in copy.body
    assert "lead-admin@example.com" not in copy.body  # the managers' addresses stay private
    assert copy.reply_to == []
    html = copy.alternatives[0][0]
    assert package.consortium.name in html and "Please quote 200 accelerators.<br>Thanks." in html
    assert inquiry_copy_send(inquiry_id=inquiry.pk) == 0  # idempotent
    assert inquiry_copy_send(inquiry_id=inquiry.pk + 999) == 0


def test_a_bot_caught_by_the_honeypot_gets_no_copy_mailed(client, package, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, package, website="http://spam.example")
    assert mail.outbox == [] and not Inquiry.objects.exists()
