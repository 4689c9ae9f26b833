"""The client's address comes from one place (aiexports/clientip.py) and a client cannot choose it.

With no trusted proxy (the default) ``X-Forwarded-For`` is ignored; with N trusted proxies the N-th entry from the
right is the client. Throttles (DRF), form rate limits (django-ratelimit), the sign-in lockout (django-axes) and
audit rows all use it, so changing the header per request escapes none of them.
"""

from __future__ import annotations

import itertools

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import RequestFactory

from aiexports.audit.models import AuditEvent
from aiexports.clientip import client_ip
from tests.factories import UserFactory
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

_spoofed = (f"198.51.100.{n}" for n in itertools.count(1))


@pytest.fixture(autouse=True)
def fresh_counters(settings):
    settings.RATELIMIT_ENABLE = True
    cache.clear()
    yield
    cache.clear()


def _request(xff: str | None = None, remote: str = "10.0.0.1"):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


# --- the function ------------------------------------------------------------------------------------


def test_with_no_trusted_proxy_the_peer_address_is_the_client_whatever_the_header_says(settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9", remote="192.0.2.1")) == "192.0.2.1"


def test_with_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("1.2.3.4, 5.6.7.8, 203.0.113.9")) == "203.0.113.9"


def test_with_two_trusted_proxies_the_second_address_from_the_right_is_the_client(settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.2.3.4, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


def test_a_missing_or_malformed_header_behind_a_proxy_falls_back_to_a_valid_address(settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(None)) == "10.0.0.1"
    assert client_ip(_request("not-an-address")) == "10.0.0.1"
    assert client_ip(_request("2001:db8::1")) == "2001:db8::1"


def test_the_proxy_count_defaults_to_zero():
    assert django_settings.AIX_TRUSTED_PROXY_COUNT == 0


# --- throttles and rate limits -----------------------------------------------------------------------


def test_a_new_forwarded_for_per_request_does_not_escape_the_anonymous_api_limit(client, throttle_rates, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 0
    throttle_rates(anon="3/min")
    statuses = [client.get("/api/v1/packages/", HTTP_X_FORWARDED_FOR=next(_spoofed)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_new_forwarded_for_per_request_does_not_escape_the_rfi_api_submission_limit(client, throttle_rates, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 0
    throttle_rates(submissions="2/hour")
    notice = notice_with_questions(questions=1, topics=1)
    url = f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"
    statuses = [
        client.post(url, {}, content_type="application/json", HTTP_X_FORWARDED_FOR=next(_spoofed)).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_a_new_forwarded_for_per_request_does_not_escape_the_rfi_form_limit(client, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 0
    settings.AIX_RATE_RFI_SUBMIT = "2/h"
    notice = notice_with_questions(questions=1, topics=1)
    url = f"/rfi/{notice.docket_id}/respond/"
    statuses = [
        client.post(url, {"respondent_type": "anonymous"}, HTTP_X_FORWARDED_FOR=next(_spoofed)).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_behind_one_proxy_the_limit_follows_the_right_most_address_not_what_the_client_prepends(
    client, throttle_rates, settings
):
    settings.AIX_TRUSTED_PROXY_COUNT = 1
    throttle_rates(anon="2/min")
    statuses = [
        client.get("/api/v1/packages/", HTTP_X_FORWARDED_FOR=f"{next(_spoofed)}, 203.0.113.7").status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Another visitor behind the same proxy has a counter of their own.
    assert client.get("/api/v1/packages/", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_behind_one_proxy_the_rfi_form_limit_is_per_visitor_not_per_proxy(client, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 1
    settings.AIX_RATE_RFI_SUBMIT = "1/h"
    notice = notice_with_questions(questions=1, topics=1)
    url = f"/rfi/{notice.docket_id}/respond/"
    data = {"respondent_type": "anonymous"}
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 400
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7").status_code == 429
    assert client.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 400


# --- sign-in lockout and audit -----------------------------------------------------------------------


def test_behind_one_proxy_sign_in_failures_and_their_audit_rows_carry_the_visitors_address(client, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="someone@example.com", password="correct-horse-battery")
    client.post(
        "/accounts/sign-in/",
        {"username": "someone@example.com", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.ip_address == "203.0.113.7"


def test_with_no_trusted_proxy_sign_in_failures_are_recorded_under_the_peer_address(client, settings):
    settings.AIX_TRUSTED_PROXY_COUNT = 0
    client.post(
        "/accounts/sign-in/",
        {"username": "someone@example.com", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]
