"""The staff second factor on /admin/ (issue 10): enrolment, verification, recovery codes, throttling and
lockout, the reset command, the demo loader and the system check.

The requirement is off in the test settings (so the admin tests of every branch can use ``admin_client``);
every test here turns it on.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aiexports.accounts.two_factor import demo as two_factor_demo
from aiexports.accounts.two_factor.checks import second_factor_required_outside_debug
from aiexports.audit.models import AuditEvent
from aiexports.portal import demo as portal_demo
from tests.accounts.otp import code_for, recovery_codes, totp_device, verified_client, wrong_code_for
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

VERIFY, SETUP, CODES = reverse("mfa:verify"), reverse("mfa:setup"), reverse("mfa:recovery_codes")
ADMIN = reverse("admin:index")


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.AIX_ADMIN_REQUIRE_OTP = True


@pytest.fixture
def staff():
    return StaffFactory(email="reviewer@example.gov", password="correct-horse-battery")


def password_only(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def verify_with(client: Client, code: str, next_url: str = ADMIN):
    return client.post(VERIFY, {"code": code, "next": next_url})


def rewind_failures(user, seconds: float) -> None:
    """Move the last failed attempt back in time (instead of waiting out django-otp's back-off)."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=seconds))


# --- The admin refuses a password-only session ------------------------------------------------------


def test_a_password_only_staff_session_is_sent_from_the_admin_to_the_second_factor(staff):
    client = password_only(staff)
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    # Without an authenticator app yet, verification sends on to enrolment (same next).
    response = client.get(response["Location"])
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:rfi_submission_export"),  # a custom view of the project (RFI admin get_urls)
        reverse("admin:accounts_user_changelist"),
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:password_change"),
    ],
)
def test_admin_pages_including_custom_admin_views_refuse_a_password_only_staff_session(staff, url):
    totp_device(staff)
    response = password_only(staff).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert verified_client(staff).get(url).status_code == 200


def test_with_the_requirement_off_a_password_only_staff_session_uses_the_admin(staff, settings):
    settings.AIX_ADMIN_REQUIRE_OTP = False
    assert password_only(staff).get(ADMIN).status_code == 200


def test_the_admin_sign_in_goes_on_to_the_second_factor_after_the_password(staff):
    client = Client()
    response = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": "correct-horse-battery", "next": "/admin/accounts/user/"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert client.get("/admin/accounts/user/").status_code == 302


def test_django_axes_still_locks_the_admin_sign_in_after_five_wrong_passwords(staff):
    client = Client()
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": staff.email, "password": "wrong"})
    assert response.status_code == 429
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


# --- Enrolment -------------------------------------------------------------------------------------


def test_first_sign_in_enrols_an_authenticator_app_and_shows_ten_recovery_codes_once(staff):
    client = password_only(staff)
    page = client.get(f"{SETUP}?next=/admin/audit/auditevent/")
    assert page.status_code == 200
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert '<svg role="img"' in body and "<title>QR code for your authenticator app</title>" in body
    assert "data-aix-otp-secret" in body
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/audit/auditevent/"})
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2Faudit%2Fauditevent%2F"
    shown = client.get(response["Location"]).content.decode()
    tokens = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(tokens) == 10
    assert all(f"{t[:4]}-{t[4:]}" in shown for t in tokens)
    assert 'href="/admin/audit/auditevent/"' in shown
    again = client.get(CODES).content.decode()
    assert not any(f"{t[:4]}-{t[4:]}" in again for t in tokens)
    assert "You have 10 unused recovery codes." in again
    assert client.get("/admin/audit/auditevent/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.get(action="mfa.enrolled", actor=staff)
    assert event.changes == {
        "authenticator_apps": {"before": 0, "after": 1},
        "recovery_codes_left": {"before": 0, "after": 10},
    }
    assert AuditEvent.objects.filter(action="mfa.enrolment_started", actor=staff).count() == 1


def test_reloading_the_enrolment_page_keeps_the_same_key(staff):
    client = password_only(staff)
    first = client.get(SETUP).content.decode()
    second = client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    secret = first.split("data-aix-otp-secret>")[1].split("<")[0]
    assert secret in second


def test_a_wrong_enrolment_code_is_refused_with_a_field_error_and_enrols_nothing(staff):
    client = password_only(staff)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff)
    response = client.post(SETUP, {"code": wrong_code_for(device)})
    assert response.status_code == 400
    assert "This code is not correct. Check that the app shows this account" in response.content.decode()
    assert "data-aix-error-summary" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and not StaticDevice.objects.filter(user=staff).exists()
    assert client.get(ADMIN).status_code == 302
    assert AuditEvent.objects.filter(action="mfa.verification_failed", actor=staff).exists()


def test_an_empty_code_gets_a_clear_field_error(staff):
    client = password_only(staff)
    response = client.post(SETUP, {"code": ""})
    assert response.status_code == 400
    assert "Enter the 6-digit code from your authenticator app." in response.content.decode()
    totp_device(staff)
    response = client.post(VERIFY, {"code": "  "})
    assert response.status_code == 400
    assert "Enter the code from your authenticator app, or a recovery code." in response.content.decode()


def test_a_staff_member_with_an_app_is_not_offered_a_new_key(staff):
    totp_device(staff)
    response = password_only(staff).get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


# --- Verification ----------------------------------------------------------------------------------


def test_a_code_computed_from_the_device_key_opens_the_admin(staff):
    device = totp_device(staff)
    client = password_only(staff)
    response = verify_with(client, code_for(device))
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    assert AuditEvent.objects.filter(action="mfa.verified", actor=staff).exists()


def test_the_same_code_cannot_be_replayed_in_another_session(staff):
    device = totp_device(staff)
    code = code_for(device)
    assert verify_with(password_only(staff), code).status_code == 302
    assert verify_with(password_only(staff), code).status_code == 400


def test_a_wrong_code_is_refused_with_a_clear_error_and_the_admin_stays_closed(staff):
    device = totp_device(staff)
    client = password_only(staff)
    response = verify_with(client, wrong_code_for(device))
    assert response.status_code == 400
    body = response.content.decode()
    assert "This code is not correct. Check it and try again, or use one of your recovery codes." in body
    assert 'aria-describedby="id_code_helptext id_code_error_1"' in body
    assert client.get(ADMIN).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_recovery_code_opens_the_admin_once_and_its_use_is_audited(staff):
    totp_device(staff)
    recovery_codes(staff, ["abcd2345", "efgh6789"])
    client = password_only(staff)
    response = verify_with(client, "ABCD-2345")  # as printed, typed in capitals
    assert response.status_code == 302
    assert response["Location"] == f"{CODES}?next=%2Fadmin%2F"
    page = client.get(response["Location"]).content.decode()
    assert "1 recovery code is left" in page and "You have 1 unused recovery code." in page
    assert client.get(ADMIN).status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6789"]
    event = AuditEvent.objects.get(action="mfa.recovery_code_used", actor=staff)
    assert event.changes == {"recovery_codes_left": {"before": 2, "after": 1}}
    assert verify_with(password_only(staff), "abcd-2345").status_code == 400


def test_a_second_attempt_right_after_a_wrong_code_is_throttled_even_when_correct(staff):
    device = totp_device(staff)
    client = password_only(staff)
    verify_with(client, wrong_code_for(device))
    response = verify_with(client, code_for(device))
    assert response.status_code == 429
    assert "Too many wrong codes in a row: wait 1 second, then try again." in response.content.decode()
    assert client.get(ADMIN).status_code == 302
    rewind_failures(staff, 2)  # django-otp's back-off after one failure is 1 second
    assert verify_with(client, code_for(device)).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_five_wrong_codes_in_a_row_lock_verification_for_fifteen_minutes_and_are_audited(staff):
    device = totp_device(staff)
    client = password_only(staff)
    for attempt in range(1, 6):
        response = verify_with(client, wrong_code_for(device))
        rewind_failures(staff, 2 ** (attempt - 1) + 1)  # past the back-off, well inside the lockout
    assert response.status_code == 429
    assert "codes are refused until" in response.content.decode()
    assert AuditEvent.objects.filter(action="mfa.locked_out", actor=staff).count() == 1
    assert AuditEvent.objects.filter(action="mfa.verification_failed", actor=staff).count() == 5
    # Locked: a correct code and a recovery code are refused too.
    recovery_codes(staff, ["abcd2345"])
    for code in (code_for(device), "abcd2345"):
        response = verify_with(client, code)
        assert response.status_code == 429, code
        assert "ask an operator to reset your second factor" in response.content.decode()
    assert client.get(ADMIN).status_code == 302
    rewind_failures(staff, 15 * 60 + 1)
    assert verify_with(client, code_for(device)).status_code == 302


@pytest.mark.parametrize("next_url", ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"])
def test_the_next_parameter_never_leads_off_the_site(staff, next_url):
    device = totp_device(staff)
    client = password_only(staff)
    page = client.get(VERIFY, {"next": next_url}).content.decode()
    assert '<input type="hidden" name="next" value="/admin/">' in page
    response = verify_with(client, code_for(device), next_url=next_url)
    assert response["Location"] == ADMIN
    response = client.get(VERIFY, {"next": next_url})  # already verified: straight on, but not off-site
    assert response["Location"] == ADMIN


def test_the_verification_form_needs_its_csrf_token(staff):
    device = totp_device(staff)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 403


def test_the_second_factor_pages_are_for_staff_only(client):
    client.force_login(UserFactory())
    for url in (VERIFY, SETUP, CODES):
        assert client.get(url).status_code == 403
    anonymous = Client().get(VERIFY)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))


# --- Recovery codes --------------------------------------------------------------------------------


def test_recovery_codes_can_be_regenerated_and_the_old_ones_stop_working(staff):
    recovery_codes(staff, ["abcd2345"])
    client = verified_client(staff)
    response = client.post(CODES, {"next": "/admin/"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    tokens = list(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(tokens) == 10 and "abcd2345" not in tokens
    assert all(f"{t[:4]}-{t[4:]}" in page for t in tokens)
    assert "The previous ones no longer work." in page
    assert verify_with(password_only(staff), "abcd2345").status_code == 400
    event = AuditEvent.objects.get(action="mfa.recovery_codes_regenerated", actor=staff)
    assert event.changes == {"recovery_codes_left": {"before": 1, "after": 10}}


def test_the_recovery_codes_page_asks_for_the_second_factor_first(staff):
    totp_device(staff)
    client = password_only(staff)
    response = client.get(CODES)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(CODES).status_code == 302
    assert not StaticDevice.objects.filter(user=staff).exists()


def test_the_admin_links_to_the_recovery_codes_page(staff):
    assert f'href="{CODES}"' in verified_client(staff).get(ADMIN).content.decode()


# --- Reset command ---------------------------------------------------------------------------------


def test_reset_staff_otp_removes_every_device_prints_what_it_did_and_audits(staff):
    totp_device(staff)
    recovery_codes(staff, ["abcd2345", "efgh6789"])
    client = verified_client(staff)
    out = StringIO()
    call_command("reset_staff_otp", "REVIEWER@example.gov", "--reason", "ticket 42", stdout=out)
    assert "Removed the second factor of reviewer@example.gov: 1 authenticator app(s), 2 unused recovery" in (
        out.getvalue()
    )
    assert not TOTPDevice.objects.filter(user=staff).exists() and not StaticDevice.objects.filter(user=staff).exists()
    event = AuditEvent.objects.get(action="mfa.reset")
    assert event.target_id == str(staff.pk) and "ticket 42" in event.message
    assert event.changes["authenticator_apps"] == {"before": 1, "after": 0}
    assert event.changes["recovery_codes_left"] == {"before": 2, "after": 0}
    # The session verified with the removed device is no longer verified; the next sign-in enrols.
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert client.get(VERIFY)["Location"].startswith(SETUP)


def test_reset_staff_otp_refuses_an_unknown_e_mail_with_a_clear_message_and_exit_code():
    with pytest.raises(CommandError, match="No account has the e-mail address 'nobody@example.gov'") as error:
        call_command("reset_staff_otp", "nobody@example.gov")
    assert error.value.returncode == 1
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_reset_staff_otp_says_so_when_there_was_nothing_to_remove(staff):
    out = StringIO()
    call_command("reset_staff_otp", staff.email, stdout=out)
    assert "had no second-factor device; nothing to remove" in out.getvalue()


# --- Demo loader -----------------------------------------------------------------------------------


def test_the_demo_loader_gives_the_demo_staff_a_fixed_demo_factor_idempotently():
    out = StringIO()
    portal_demo.load(out)  # the part of ``load_demo_data`` that creates the demo accounts
    portal_demo.load(out)
    staff = get_user_model().objects.get(email=portal_demo.DEMO_STAFF[0])
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed and device.key == two_factor_demo.DEMO_TOTP_KEY_HEX
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    printed = out.getvalue()
    assert "MFUWK6DQN5ZHI4ZNMRSW23ZNN5XGY6JB" in printed and "demo-0001" in printed
    assert two_factor_demo.demo_totp_secret() == "MFUWK6DQN5ZHI4ZNMRSW23ZNN5XGY6JB"
    # The printed key and codes sign the demo staff in; a used code comes back with the next demo load.
    assert f"{totp(bytes.fromhex(two_factor_demo.DEMO_TOTP_KEY_HEX)):06d}" == code_for(device)
    assert verify_with(password_only(staff), "demo-0001").status_code == 302
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    portal_demo.load(StringIO())
    assert StaticToken.objects.filter(device__user=staff).count() == 10
    assert TOTPDevice.objects.filter(user=staff).count() == 1
    assert AuditEvent.objects.filter(action="mfa.demo_devices_loaded").count() == 2  # first load, and the restore


# --- System check ----------------------------------------------------------------------------------


def test_the_system_check_warns_when_the_second_factor_is_off_outside_debug(settings):
    settings.AIX_ADMIN_REQUIRE_OTP, settings.DEBUG = False, False
    assert [w.id for w in second_factor_required_outside_debug()] == ["aiexports.W001"]
    settings.DEBUG = True
    assert second_factor_required_outside_debug() == []
    settings.AIX_ADMIN_REQUIRE_OTP, settings.DEBUG = True, False
    assert second_factor_required_outside_debug() == []


def test_the_deploy_check_fails_when_production_turns_the_second_factor_off():
    from tests.platform.test_settings import PRODUCTION

    env = {"PATH": "/usr/bin:/bin", **PRODUCTION, "AIX_ADMIN_REQUIRE_OTP": "false"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "aiexports.W001" in result.stderr + result.stdout
