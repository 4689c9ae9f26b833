"""Public pages of package requests: the form and its bad input, the receipt, the status link, flooding."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from buyer_requests.models import PackageRequest
from buyer_requests.services import request_reply_add
from buyer_requests.tokens import make_status_token
from tests.factories import StaffFactory

from .factories import FORM, make_request

pytestmark = pytest.mark.django_db
NEW = "/requests/new/"


def test_the_form_sends_a_request_shows_its_reference_and_e_mails_the_status_link(
    client, django_capture_on_commit_callbacks
):
    assert client.get(NEW).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, FORM)
    assert response.status_code == 302 and response["Location"] == reverse("buyer_requests:sent")
    row = PackageRequest.objects.get()
    assert row.reference in client.get(response["Location"]).content.decode()
    link = next(line for line in mail.outbox[0].body.splitlines() if "/requests/status/" in line).split(": ", 1)[1]
    page = client.get(link.replace("http://127.0.0.1:8000", "")).content.decode()
    assert row.reference in page and "A Swahili language model." in page and "Budget ceiling" not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"country": "ZZ"}, "country", "Select a valid choice."),
        ({"need_hardware": "x" * 5001}, "need_hardware", "at most 5000 characters"),
        ({"need_hardware": "", "need_software": ""}, None, "Describe what you need in at least one layer."),
        ({"consent_to_contact": ""}, "consent_to_contact", "This field is required."),
    ],
)
def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client, change, field, message):
    response = client.post(NEW, {**FORM, **change})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "data-aix-error-summary" in body
    assert "Kenya ICT Authority" in body  # what was typed is kept
    if field:
        assert field in response.context["form"].errors
    assert not PackageRequest.objects.exists()


def test_a_bot_that_fills_the_honeypot_sees_the_receipt_and_nothing_is_stored(client):
    response = client.post(NEW, {**FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not PackageRequest.objects.exists() and not mail.outbox
    assert "PR-" not in client.get(response["Location"]).content.decode()


def test_flooding_is_stopped_by_the_rate_limit_and_the_refused_form_keeps_its_input(client, settings):
    settings.AIX_RATE_PACKAGE_REQUEST = "2/h"
    for _ in range(2):
        assert client.post(NEW, FORM, REMOTE_ADDR="198.51.100.7").status_code == 302
    refused = client.post(NEW, FORM, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and "Kenya ICT Authority" in refused.content.decode()
    assert PackageRequest.objects.count() == 2  # the legitimate ones are kept
    assert client.post(NEW, FORM, REMOTE_ADDR="198.51.100.8").status_code == 302  # another network is not blocked
    assert PackageRequest.objects.count() == 3


def test_the_status_page_shows_staff_replies_and_never_internal_notes(client):
    row = make_request()
    request_reply_add(actor=StaffFactory(), request=row, text="We have two packages for you.")
    body = client.get(reverse("buyer_requests:status", args=[make_status_token(row)])).content.decode()
    assert "We have two packages for you." in body and "Received" in body


@pytest.mark.parametrize("state", ["forged", "expired"])
def test_a_forged_or_expired_status_link_changes_nothing_and_says_so(client, settings, state):
    row = make_request()
    token = make_status_token(row)
    if state == "forged":
        token = token[:-3] + "abc"
    else:
        settings.AIX_PACKAGE_REQUEST_LINK_MAX_AGE = -1
    url = reverse("buyer_requests:status", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert ("expired" if state == "expired" else "not valid") in response.content.decode()
    row.refresh_from_db()
    assert row.status == "received"


def test_withdrawing_twice_with_the_same_link_closes_once_and_then_says_nothing_changed(client):
    row = make_request()
    url = reverse("buyer_requests:status", args=[make_status_token(row)])
    first = client.post(url, follow=True)
    assert "Your request is withdrawn." in first.content.decode()
    row.refresh_from_db()
    assert row.status == "closed"
    again = client.post(url, follow=True).content.decode()
    assert "nothing was changed" in again
    assert 'usa-button--secondary" type="submit">Withdraw the request' not in again  # no button once closed


def test_the_form_page_is_translated_and_linked_from_the_catalog_and_the_navigation(client):
    catalog = client.get(reverse("catalog:package_list")).content.decode()
    assert 'href="/requests/new/"' in catalog
    page = client.get(NEW, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert 'lang="ja"' in page


def test_every_new_string_has_a_japanese_spanish_and_french_translation_keeping_its_placeholders():
    import json
    import re
    from pathlib import Path

    pending = json.loads((Path(__file__).resolve().parents[2] / "locale-pending" / "req13.json").read_text())
    assert "Request a package" in pending and "Send the request" in pending
    for msgid, translations in pending.items():
        placeholders = set(re.findall(r"%\(\w+\)[sd]", msgid))
        for language in ("ja", "es", "fr"):
            values = translations[language]
            for value in values if isinstance(values, list) else [values]:
                assert value.strip(), (msgid, language)
                assert set(re.findall(r"%\(\w+\)[sd]", value)) == placeholders, (msgid, language, value)
