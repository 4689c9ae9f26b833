"""Staff sign in to the admin with a second factor, in a real browser (issue 10): password, enrolment (QR code,
key, a code computed from the device key stored in the database), recovery codes shown once, the admin; then
again with a recovery code, and once more with the authenticator app. axe-core on every page of the flow."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.otp import code_for
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-Long-and-unusual-passphrase"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.AIX_ADMIN_REQUIRE_OTP = True  # the live server runs in this process: it sees the override


def admin_sign_in(page, email: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.goto("/admin/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("#login-form [type=submit]").click()


def test_a_staff_member_enrols_then_signs_in_with_a_recovery_code_and_with_the_app(page, assert_accessible):
    staff = StaffFactory(email="reviewer@example.gov", password=PASSWORD)
    admin_sign_in(page, staff.email)
    page.wait_for_url("**/accounts/second-factor/set-up/?next=%2Fadmin%2F")
    assert page.get_by_role("heading", name="Set up your second factor").is_visible()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    shown_key = page.locator("[data-aix-otp-secret]").inner_text().replace(" ", "")
    assert shown_key and len(shown_key) == 32
    page.get_by_label("Code from your authenticator app").fill(code_for(device))
    page.get_by_role("button", name="Confirm and show my recovery codes").click()

    page.wait_for_url("**/accounts/second-factor/recovery-codes/**")
    codes = page.locator("[data-aix-recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page)
    page.get_by_role("link", name="Continue to the admin").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Review and administration").is_visible()

    # Sign out, and in again with a recovery code (after a wrong one).
    page.locator("#logout-form [type=submit]").click()
    admin_sign_in(page, staff.email)
    page.wait_for_url("**/accounts/second-factor/?next=%2Fadmin%2F")
    page.get_by_label("Code").fill("zzzz-zzzz")
    page.get_by_role("button", name="Verify").click()
    assert "This code is not correct" in page.locator("#error-summary").inner_text()
    assert_accessible(page)
    # django-otp's back-off after one wrong code is one second: move the failure back instead of waiting.
    StaticDevice.objects.filter(user=staff).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=2))
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/accounts/second-factor/recovery-codes/**")
    assert "9 recovery codes are left" in page.content()
    page.get_by_role("link", name="Continue to the admin").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Review and administration").is_visible()

    # And once more with the app (the next 30-second code: the one used at enrolment cannot be replayed).
    page.locator("#logout-form [type=submit]").click()
    admin_sign_in(page, staff.email)
    page.wait_for_url("**/accounts/second-factor/?next=%2Fadmin%2F")
    page.get_by_label("Code").fill(code_for(TOTPDevice.objects.get(user=staff), steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Review and administration").is_visible()


def test_the_demo_staff_account_signs_in_with_the_demo_key_printed_by_the_demo_loader(page):
    from aiexports.accounts.two_factor.demo import DEMO_TOTP_KEY_HEX
    from aiexports.portal import demo

    demo.load(io.StringIO())
    admin_sign_in(page, demo.DEMO_STAFF[0], demo.DEMO_STAFF[1])
    page.wait_for_url("**/accounts/second-factor/?next=%2Fadmin%2F")
    page.get_by_label("Code").fill(f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Review and administration").is_visible()
