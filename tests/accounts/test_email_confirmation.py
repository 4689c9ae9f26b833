"""E-mail confirmation (issue 10): the signed, expiring, single-use link, and the gate it opens."""

from __future__ import annotations

import re
import time
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from aiexports.accounts import services, tokens
from aiexports.accounts.services import EmailNotConfirmed, require_confirmed_email
from aiexports.audit.models import AuditEvent
from catalog import services as catalog_services
from catalog.choices import OrganizationRole, PackageStatus
from catalog.models import Consortium, ConsortiumMember, Country, Organization
from catalog.services.organizations import organization_create
from tests.catalog.factories import company, complete_package
from tests.factories import MembershipFactory, OrganizationFactory, UnconfirmedUserFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "a-Long-and-unusual-passphrase"
LINK = re.compile(r"https?://[^\s\"<]+/accounts/confirm-email/[^\s\"<]+/")


def _sign_up(client, django_capture_on_commit_callbacks, email="ada@example.com"):
    data = {"email": email, "full_name": "Ada Lovelace", "password1": GOOD, "password2": GOOD}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/accounts/sign-up/", data)


def _link(message) -> str:
    return LINK.search(message.body).group(0)


def _path(url: str) -> str:
    return urlsplit(url).path


# --- the e-mail -------------------------------------------------------------------------------------


def test_signing_up_sends_a_confirmation_e_mail_with_an_absolute_link_in_a_text_and_an_html_part(
    client, settings, django_capture_on_commit_callbacks
):
    settings.AIX_SITE_URL = "https://portal.example.gov"
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert user.email_confirmed_at is None and not user.email_confirmed
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Confirm your e-mail address" in message.subject
    assert "Please confirm that ada@example.com is your e-mail address" in message.body
    link = _link(message)
    assert link.startswith("https://portal.example.gov/accounts/confirm-email/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html and "<html" in html
    # The welcome message says where the link went.
    assert "ada@example.com" in client.get(reverse("catalog:dashboard")).content.decode()


def test_the_subject_helper_keeps_a_subject_on_one_line():
    from aiexports.mail import mail_subject as one_line

    assert one_line("Confirm\r\nBcc: evil@example.com\tnow") == "Confirm Bcc: evil@example.com now"


def test_no_confirmation_e_mail_goes_to_an_account_already_confirmed_or_gone():
    from aiexports.accounts.services import email_confirmation_send
    from tests.conftest import send_queued_mail

    assert email_confirmation_send(user=UserFactory()) is False
    assert email_confirmation_send(user=UnconfirmedUserFactory(is_active=False)) is False
    assert email_confirmation_send(user=UnconfirmedUserFactory()) is True
    assert send_queued_mail() == 1
    assert len(mail.outbox) == 1


# --- the link -----------------------------------------------------------------------------------------


def test_opening_the_link_asks_first_and_pressing_the_button_confirms_with_an_audit_row(client):
    user = UnconfirmedUserFactory()
    url = reverse("accounts:email_confirm", args=[tokens.make_token(user)])
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirm my e-mail address" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None  # a GET (a mail scanner) confirms nothing
    response = client.post(url)
    assert response.status_code == 200
    assert "your e-mail address is confirmed" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    event = AuditEvent.objects.get(action="account.email_confirm", target_id=str(user.pk))
    assert event.changes["email_confirmed_at"]["before"] is None
    assert event.changes["email_confirmed_at"]["after"] is not None


def test_a_used_link_replayed_says_so_and_changes_nothing(client):
    user = UnconfirmedUserFactory()
    url = reverse("accounts:email_confirm", args=[tokens.make_token(user)])
    assert client.post(url).status_code == 200
    user.refresh_from_db()
    confirmed_at = user.email_confirmed_at
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "already been used" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at == confirmed_at
    assert AuditEvent.objects.filter(action="account.email_confirm").count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature edited
        lambda t: "x" + t,  # the payload edited
        lambda t: t.split(":")[0],  # the signature cut off
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_link_is_refused_and_changes_nothing(client, tamper):
    user = UnconfirmedUserFactory()
    url = reverse("accounts:email_confirm", args=[tamper(tokens.make_token(user))])
    response = client.post(url)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    assert not AuditEvent.objects.filter(action="account.email_confirm").exists()


def test_a_forged_link_for_another_account_is_refused(client):
    victim = UnconfirmedUserFactory()
    # The same payload shape, signed without the server's key and salt.
    forged = signing.dumps({"u": victim.pk, "e": tokens._digest(victim.email), "s": ""}, key="guess", salt="x")
    response = client.post(reverse("accounts:email_confirm", args=[forged]))
    assert response.status_code == 400
    victim.refresh_from_db()
    assert victim.email_confirmed_at is None


def test_an_expired_link_says_so_and_changes_nothing(client, settings):
    settings.AIX_EMAIL_CONFIRM_MAX_AGE = 3600
    user = UnconfirmedUserFactory()
    url = reverse("accounts:email_confirm", args=[tokens.make_token(user)])
    later = time.time() + 3601
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is None
    # Just inside the limit the same link still works.
    with mock.patch("django.core.signing.time.time", return_value=later - 2):
        assert client.post(url).status_code == 200


def test_a_link_sent_to_an_address_the_account_no_longer_uses_is_refused(client):
    user = UnconfirmedUserFactory(email="old@example.com")
    token = tokens.make_token(user)
    services.user_email_change(actor=user, user=user, email="new@example.com")
    assert tokens.check_token(token).state is tokens.TokenState.INVALID
    assert client.post(reverse("accounts:email_confirm", args=[token])).status_code == 400
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_changing_the_e_mail_address_needs_a_new_confirmation(django_capture_on_commit_callbacks):
    user = UserFactory(email="before@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_email_change(actor=user, user=user, email="After@Example.com")
    user.refresh_from_db()
    assert (user.email, user.email_confirmed_at) == ("after@example.com", None)
    assert mail.outbox[0].to == ["after@example.com"]
    event = AuditEvent.objects.get(action="account.email_change")
    assert event.changes["email"] == {"before": "before@example.com", "after": "after@example.com"}
    assert event.changes["email_confirmed_at"]["after"] is None


def test_staff_changing_an_address_in_the_admin_goes_through_the_same_service(
    client, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory(email="person@example.com", full_name="Per Son")
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {"email": "person@new.example.com", "full_name": "Per Son", "preferred_language": "", "is_active": "on",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert (user.email, user.email_confirmed_at) == ("person@new.example.com", None)
    assert AuditEvent.objects.filter(action="account.email_change", actor=staff).exists()
    assert mail.outbox[0].to == ["person@new.example.com"]
    assert 'name="email_confirmed_at"' not in client.get(url).content.decode()  # read-only


# --- sending the link again -----------------------------------------------------------------------------


def test_an_unconfirmed_user_can_ask_for_the_link_again_and_it_is_rate_limited(
    client, settings, django_capture_on_commit_callbacks
):
    settings.AIX_RATE_EMAIL_CONFIRM_RESEND = "2/h"
    user = UnconfirmedUserFactory()
    client.force_login(user)
    page = reverse("accounts:email_confirmation")
    assert "Send the confirmation e-mail again" in client.get(page).content.decode()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(page, follow=True)
        assert "We have sent a new confirmation link" in response.content.decode()
    assert client.post(page).status_code == 429
    assert len(mail.outbox) == 2
    # Each new link works (once).
    assert client.post(_path(_link(mail.outbox[1]))).status_code == 200


def test_asking_again_once_confirmed_sends_nothing(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:email_confirmation"), follow=True)
    assert "already confirmed" in response.content.decode()
    assert mail.outbox == []


def test_the_resend_page_needs_sign_in():
    from django.test import Client

    response = Client().post(reverse("accounts:email_confirmation"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the gate ---------------------------------------------------------------------------------------------


def test_the_gate_is_a_domain_error_and_a_permission_denied():
    with pytest.raises(EmailNotConfirmed) as refused:
        require_confirmed_email(UnconfirmedUserFactory())
    assert isinstance(refused.value, PermissionDenied)
    assert refused.value.status_code == 403 and refused.value.code == "email_unconfirmed"
    require_confirmed_email(UserFactory())  # no exception


def test_an_unconfirmed_user_can_sign_in(client):
    UnconfirmedUserFactory(email="new@example.com", password="correct-horse-battery")
    response = client.post("/accounts/sign-in/", {"username": "new@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    dashboard = client.get(reverse("catalog:dashboard")).content.decode()
    assert "Confirm your e-mail address" in dashboard


def test_the_services_refuse_an_unconfirmed_user_and_change_nothing():
    user = UnconfirmedUserFactory()
    with pytest.raises(EmailNotConfirmed):
        organization_create(actor=user, name="Unconfirmed Ltd", country=Country.objects.get(pk="US"))
    assert not Organization.objects.filter(name="Unconfirmed Ltd").exists()

    org = OrganizationFactory()
    MembershipFactory(user=user, organization=org, role=OrganizationRole.ADMIN)  # added by a colleague
    with pytest.raises(EmailNotConfirmed):
        catalog_services.consortium_create(actor=user, name="Unconfirmed Alliance", anchor=org)
    assert not Consortium.objects.filter(name="Unconfirmed Alliance").exists()

    _owner, _org, consortium = company()
    MembershipFactory(user=user, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    other = OrganizationFactory()
    with pytest.raises(EmailNotConfirmed):
        catalog_services.consortium_member_invite(actor=user, consortium=consortium, organization=other)
    assert not ConsortiumMember.objects.filter(organization=other).exists()

    package = complete_package(consortium)
    with pytest.raises(EmailNotConfirmed):
        catalog_services.package_submit(actor=user, package=package)
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_the_organization_form_tells_an_unconfirmed_user_why_and_offers_the_link_again(client):
    client.force_login(UnconfirmedUserFactory())
    url = reverse("organizations:create")
    for response in (client.get(url), client.post(url, {"name": "X Ltd", "country": "US"})):
        assert response.status_code == 403
        html = response.content.decode()
        assert "Confirm your e-mail address first" in html
        assert "Send the confirmation e-mail again" in html
        assert reverse("accounts:email_confirmation") in html
    assert not Organization.objects.filter(name="X Ltd").exists()


def test_the_consortium_pages_refuse_an_unconfirmed_manager(client):
    user = UnconfirmedUserFactory()
    _owner, _org, consortium = company()
    MembershipFactory(user=user, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    client.force_login(user)
    url = reverse("catalog:manage_consortium_create")
    assert client.get(url).status_code == 403
    response = client.post(url, {"name": "Blocked Alliance", "anchor": consortium.anchor.pk})
    assert response.status_code == 403 and not Consortium.objects.filter(name="Blocked Alliance").exists()
    target = OrganizationFactory(name="Kestrel Networks")
    members = reverse("catalog:manage_consortium_members", args=[consortium.slug])
    response = client.post(members, {"organization": target.slug, "role": "operator", "layers": ["data"]})
    assert response.status_code == 403
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not ConsortiumMember.objects.filter(organization=target).exists()


def test_submitting_from_the_review_step_is_refused_until_confirmed(client):
    user = UnconfirmedUserFactory()
    _owner, _org, consortium = company()
    MembershipFactory(user=user, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    package = complete_package(consortium)
    client.force_login(user)
    response = client.post(reverse("catalog:manage_package_submit", args=[package.slug]))
    assert response.status_code == 403
    assert "Send the confirmation e-mail again" in response.content.decode()
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT


def test_the_api_answers_403_json_to_an_unconfirmed_submitter():
    user = UnconfirmedUserFactory()
    _owner, _org, consortium = company()
    MembershipFactory(user=user, organization=consortium.anchor, role=OrganizationRole.ADMIN)
    package = complete_package(consortium)
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(f"/api/v1/packages/{package.slug}/submit/")
    assert response.status_code == 403
    assert response.json()["code"] == "email_unconfirmed"
    assert "Confirm your e-mail address" in response.json()["detail"]
    package.refresh_from_db()
    assert package.status == PackageStatus.DRAFT
    # Drafting stays open to them.
    drafting = api.patch(f"/api/v1/drafts/{package.slug}/", {"summary": "Still drafting."}, format="json")
    assert drafting.status_code == 200


def test_once_confirmed_the_same_user_creates_an_organization(client):
    user = UnconfirmedUserFactory()
    client.force_login(user)
    assert client.get(reverse("organizations:create")).status_code == 403
    client.post(reverse("accounts:email_confirm", args=[tokens.make_token(user)]))
    assert client.get(reverse("organizations:create")).status_code == 200
    response = client.post(reverse("organizations:create"), {"name": "Now Ltd", "country": "US", "website": ""})
    assert response.status_code == 302
    assert Organization.objects.filter(name="Now Ltd", memberships__user=user).exists()


# --- accounts that count as confirmed ----------------------------------------------------------------------


def test_the_demo_accounts_and_command_line_superusers_count_as_confirmed():
    from aiexports.portal import demo

    demo.load(StringIO())
    for email, _password in (demo.DEMO_STAFF, demo.DEMO_COMPANY):
        assert User.objects.get(email=email).email_confirmed
    assert User.objects.create_superuser("root@example.com", "x").email_confirmed
    assert not User.objects.create_user("plain@example.com", "x").email_confirmed


def test_the_data_migration_confirms_every_account_that_existed_before():
    from importlib import import_module

    from django.apps import apps

    before = UnconfirmedUserFactory()
    import_module("aiexports.accounts.migrations.0003_confirm_existing_users").confirm_existing(apps, None)
    before.refresh_from_db()
    assert before.email_confirmed_at is not None
