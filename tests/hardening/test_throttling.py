"""Throttling and lockout, proven: sign-in (axes), RFI responses (form and API), inquiries and the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from rfi.models import Submission
from tests.catalog.factories_public import published_package
from tests.factories import UserFactory
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


def assert_json_429(response) -> None:
    assert response.status_code == 429, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# --- sign-in lockout (django-axes) --------------------------------------------------------------------


def test_after_five_failed_sign_ins_even_the_right_password_is_locked_out(client, settings):
    user = UserFactory(email="target@example.com", password="correct-horse-battery")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/sign-in/", {"username": user.email, "password": "wrong-guess"})
        assert response.status_code in {200, 400}  # the form again, with its error
    # The failure that reaches the limit is answered with the lockout page already.
    assert client.post("/accounts/sign-in/", {"username": user.email, "password": "wrong"}).status_code == 429
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()
    assert "_auth_user_id" not in client.session


def test_a_failed_sign_in_below_the_limit_does_not_lock_out(client, settings):
    user = UserFactory(email="typo@example.com", password="correct-horse-battery")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/accounts/sign-in/", {"username": user.email, "password": "wrong-guess"})
    response = client.post("/accounts/sign-in/", {"username": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def _fail(client, email, remote="127.0.0.1"):
    return client.post("/accounts/sign-in/", {"username": email, "password": "wrong-guess"}, REMOTE_ADDR=remote)


def _sign_in(client, email, password, remote="127.0.0.1"):
    response = client.post("/accounts/sign-in/", {"username": email, "password": password}, REMOTE_ADDR=remote)
    return response.status_code


def test_five_failures_with_made_up_e_mails_do_not_lock_out_other_accounts_from_that_address(client, settings):
    user = UserFactory(email="real@example.com", password="correct-horse-battery")
    staff = UserFactory(email="staff@example.com", password="staff-horse-battery", is_staff=True)
    for n in range(settings.AXES_FAILURE_LIMIT * 2):
        assert _fail(client, f"made-up-{n}@example.com").status_code in {200, 400}
    assert _sign_in(client, user.email, "correct-horse-battery") == 302
    client.logout()
    assert _sign_in(client, staff.email, "staff-horse-battery") == 302


def test_an_account_locked_from_one_address_can_still_sign_in_from_another(client, settings):
    user = UserFactory(email="target@example.com", password="correct-horse-battery")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, user.email, remote="203.0.113.1")
    assert _sign_in(client, user.email, "correct-horse-battery", remote="203.0.113.1") == 429
    assert _sign_in(client, user.email, "correct-horse-battery", remote="203.0.113.2") == 302


def test_an_account_guessed_at_from_many_addresses_is_locked_everywhere_at_the_account_limit(client, settings):
    settings.AIX_LOGIN_ACCOUNT_FAILURE_LIMIT = 6
    user = UserFactory(email="target@example.com", password="correct-horse-battery")
    for n in range(6):
        _fail(client, user.email, remote=f"203.0.113.{n + 1}")  # below the per-address-and-account limit each
    assert _sign_in(client, user.email, "correct-horse-battery", remote="198.51.100.1") == 429
    other = UserFactory(email="other@example.com", password="other-horse-battery")
    assert _sign_in(client, other.email, "other-horse-battery", remote="198.51.100.1") == 302


def test_one_address_spraying_many_accounts_is_locked_at_the_softer_address_limit(client, settings):
    settings.AIX_LOGIN_ADDRESS_FAILURE_LIMIT = 12
    user = UserFactory(email="real@example.com", password="correct-horse-battery")
    for n in range(11):
        _fail(client, f"made-up-{n}@example.com", remote="203.0.113.9")
    assert _sign_in(client, user.email, "correct-horse-battery", remote="203.0.113.9") == 302
    client.logout()
    _fail(client, "made-up-last@example.com", remote="203.0.113.9")
    assert _sign_in(client, user.email, "correct-horse-battery", remote="203.0.113.9") == 429
    assert _sign_in(client, user.email, "correct-horse-battery", remote="203.0.113.10") == 302


def test_a_lockout_is_audited_and_staff_can_lift_it_by_deleting_the_attempts(client, settings):
    from axes.models import AccessAttempt

    from aiexports.audit.models import AuditEvent

    user = UserFactory(email="target@example.com", password="correct-horse-battery")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, user.email)
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_repr=user.email).exists()
    assert _sign_in(client, user.email, "correct-horse-battery") == 429
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, user.email, "correct-horse-battery") == 302


# --- RFI responses ------------------------------------------------------------------------------------


def test_the_rfi_response_form_answers_429_after_the_rate(client, settings):
    settings.AIX_RATE_RFI_SUBMIT = "2/h"
    notice = notice_with_questions(questions=1, topics=1)
    url = f"/rfi/{notice.docket_id}/respond/"
    for _ in range(2):
        assert client.post(url, {"respondent_type": "anonymous"}).status_code == 400
    response = client.post(url, {"respondent_type": "anonymous"})
    assert response.status_code == 429
    assert client.get(url).status_code == 200  # reading the form is never limited
    assert Submission.objects.count() == 0


def test_the_rfi_api_answers_429_with_json_after_the_submission_rate(client, throttle_rates):
    throttle_rates(submissions="2/hour")
    notice = notice_with_questions(questions=1, topics=1)
    url = f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"
    for _ in range(2):
        assert client.post(url, {"respondent_type": "x"}, content_type="application/json").status_code == 400
    assert_json_429(client.post(url, {"respondent_type": "x"}, content_type="application/json"))
    assert ScopedRateThrottle.THROTTLE_RATES["submissions"] == "2/hour"


# --- inquiries ("express interest") -------------------------------------------------------------------


def test_the_express_interest_form_answers_429_after_the_rate(client, settings):
    settings.AIX_RATE_INQUIRY = "2/h"
    package = published_package()
    url = f"/catalog/{package.slug}/contact/"  # the form's own page
    for _ in range(2):
        assert client.post(url, {"name": ""}).status_code == 400
    assert client.post(url, {"name": ""}).status_code == 429
    assert client.get(url).status_code == 200


# --- the API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/packages/", "/api/v1/rfi/notices/", "/catalog/download.json"])
def test_anonymous_api_clients_get_429_with_json_and_retry_after_past_the_rate(client, throttle_rates, url):
    throttle_rates(anon="3/min")
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert_json_429(response)
    assert int(response["Retry-After"]) > 0
    assert AnonRateThrottle.THROTTLE_RATES["anon"] == "3/min"


def test_signed_in_api_clients_are_held_to_the_user_rate_not_the_anonymous_one(client, throttle_rates):
    throttle_rates(anon="1/min", user="3/min")
    client.force_login(UserFactory())
    for _ in range(3):
        assert client.get("/api/v1/packages/").status_code == 200
    assert_json_429(client.get("/api/v1/packages/"))
