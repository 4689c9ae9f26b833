"""Alert pages: sign-up from a catalog search, bad input kept and explained, links, one-click unsubscribe, flood."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from alerts import tokens
from alerts.models import Alert, Subscriber
from catalog.choices import Layer
from tests.alerts.helpers import active_alert, package_in

pytestmark = pytest.mark.django_db

VALID = {"email": "aiko@example.jp", "country": "JP", "label": "Compute for Osaka", "website": "", "layer": "hardware"}


@pytest.fixture(autouse=True)
def catalog():
    return package_in("JP")


def test_the_catalog_list_links_to_the_alert_form_with_its_current_filters(client):
    html = client.get("/catalog/?layer=hardware&available_in=JP&page=1").content.decode()
    assert 'href="/alerts/new/?layer=hardware&amp;available_in=JP"' in html
    assert 'href="/alerts/new/"' in client.get("/catalog/").content.decode()


def test_the_form_shows_the_search_and_preselects_the_buyers_country(client):
    response = client.get("/alerts/new/?layer=hardware&available_in=JP&ordering=title")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="layer" value="hardware">' in body and 'name="ordering"' not in body
    assert '<option value="JP" selected>' in body


def test_a_valid_sign_up_stores_a_pending_alert_and_mails_the_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/alerts/new/", VALID)
    assert response.status_code == 302 and response["Location"] == "/alerts/new/sent/"
    alert = Alert.objects.get()
    assert (alert.query, alert.country_id, alert.label, alert.confirmed_at) == (
        {"layer": ["hardware"]}, "JP", "Compute for Osaka", None)  # fmt: skip
    assert len(mail.outbox) == 1 and "/alerts/confirm/" in mail.outbox[0].body
    assert client.get("/alerts/new/sent/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-address", "Enter a valid email address."),
        ("country", "ZZ", "Select a valid choice."),
        ("label", "x" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client, field, value, message):
    response = client.post("/alerts/new/", {**VALID, field: value})
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "data-aix-error-summary" in body
    assert f'value="{value}"' in body or f">{value}<" in body or field == "country"
    assert 'name="layer" value="hardware"' in body  # the search is kept too
    assert not Alert.objects.exists() and mail.outbox == []


def test_an_oversized_or_invalid_search_is_refused_with_the_catalogs_own_message(client):
    response = client.post("/alerts/new/", {**VALID, "q": "x" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    response = client.post("/alerts/new/", {**VALID, "layer": "not-a-layer"})
    assert response.status_code == 400 and "not-a-layer" in response.content.decode()
    assert not Alert.objects.exists()


def test_the_honeypot_pretends_success_and_stores_nothing(client):
    response = client.post("/alerts/new/", {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302 and not Alert.objects.exists() and mail.outbox == []


def test_flooding_the_form_is_stopped_by_the_rate_limit_and_legitimate_entries_are_kept(client, settings):
    settings.AIX_RATE_ALERT_SUBSCRIBE = "3/h"
    settings.AIX_ALERTS_MAX_PENDING = 10
    codes = [client.post("/alerts/new/", {**VALID, "email": f"b{n}@example.jp"}).status_code for n in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [f"b{n}@example.jp" for n in range(3)]


def test_the_confirmation_page_asks_then_confirms_once(client):
    client.post("/alerts/new/", VALID)
    alert = Alert.objects.get()
    url = f"/alerts/confirm/{tokens.confirm_token(alert)}/"
    assert client.get(url).status_code == 200
    alert.refresh_from_db()
    assert alert.confirmed_at is None  # opening the link (a mail scanner) confirms nothing
    response = client.post(url)
    assert response.status_code == 200 and "/alerts/manage/" in response.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None
    again = client.post(url)
    assert again.status_code == 400 and "already been used" in again.content.decode()
    forged = client.post(url.replace(url[-6:-1], "AAAAA"))
    assert forged.status_code == 400 and "not valid" in forged.content.decode()


def test_an_expired_link_says_so_and_changes_nothing(client, settings):
    alert = active_alert()
    settings.AIX_ALERTS_LINK_MAX_AGE = -1
    response = Client(enforce_csrf_checks=True).post(
        f"/alerts/unsubscribe/{tokens.unsubscribe_token(alert.subscriber, alert)}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 400 and "expired" in response.content.decode()
    alert.refresh_from_db()
    assert alert.ended_at is None


def test_the_rfc_8058_one_click_post_unsubscribes_without_a_csrf_token_but_a_plain_post_needs_one():
    alert = active_alert()
    url = f"/alerts/unsubscribe/{tokens.unsubscribe_token(alert.subscriber, alert)}/"
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(url, {}).status_code == 403  # a cross-site form without the one-click body
    alert.refresh_from_db()
    assert alert.ended_at is None
    assert csrf_client.get(url).status_code == 200  # GET asks, with a button
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.ended_at is not None
    assert csrf_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 400  # reused: says so


def test_the_unsubscribe_button_of_the_page_works_with_its_csrf_token(client):
    alert = active_alert()
    url = f"/alerts/unsubscribe/{tokens.unsubscribe_token(alert.subscriber)}/"
    response = client.post(url)
    assert response.status_code == 200 and "all your alerts" in response.content.decode()
    alert.refresh_from_db()
    assert alert.ended_at is not None


def test_the_manage_page_lists_the_subscribers_alerts_only_and_ends_them(client):
    mine = active_alert(label="Compute for Osaka", query={"layer": [Layer.HARDWARE]})
    other = active_alert(email="someone@example.com", label="Not mine")
    url = f"/alerts/manage/{tokens.manage_token(mine.subscriber)}/"
    body = client.get(url).content.decode()
    assert "Compute for Osaka" in body and "Not mine" not in body
    # Another subscriber's alert cannot be ended from this page.
    client.post(url, {"alert": str(other.pk)})
    other.refresh_from_db()
    assert other.ended_at is None
    response = client.post(url, {"alert": str(mine.pk)})
    assert response.status_code == 302 and response["Location"].endswith("?ended=1")
    mine.refresh_from_db()
    assert mine.ended_at is not None
    assert "Compute for Osaka" not in client.get(url).content.decode()
    assert client.post(url, {"action": "end_all"}).status_code == 200
    gone = client.get(url)
    assert gone.status_code == 400 and "no longer works" in gone.content.decode()


def test_a_forged_manage_link_shows_nothing(client):
    active_alert(label="Compute for Osaka")
    response = client.get("/alerts/manage/forged/")
    assert response.status_code == 400 and "Compute for Osaka" not in response.content.decode()


def test_asking_for_the_manage_link_answers_the_same_for_any_address(client, django_capture_on_commit_callbacks):
    active_alert()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/alerts/manage/", {"email": "buyer@example.jp", "website": ""})
    unknown = client.post("/alerts/manage/", {"email": "nobody@example.jp", "website": ""})
    assert known.status_code == unknown.status_code == 200
    assert len(mail.outbox) == 1
    bad = client.post("/alerts/manage/", {"email": "nope", "website": ""})
    assert bad.status_code == 400 and 'value="nope"' in bad.content.decode()
