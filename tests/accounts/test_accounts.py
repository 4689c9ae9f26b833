from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from aiexports.audit.models import AuditEvent
from tests.factories import UserFactory, assert_honeypot_refused

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD = "a-Long-and-unusual-passphrase"


def _signup(client, **overrides):
    data = {"email": "ada@example.com", "full_name": "Ada Lovelace", "password1": GOOD, "password2": GOOD}
    data.update(overrides)
    return client.post("/accounts/sign-up/", data)


def test_signing_up_creates_the_account_signs_in_and_is_audited(client):
    response = _signup(client, email="Ada@Example.com")
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert user.full_name == "Ada Lovelace"
    assert client.get("/accounts/profile/").status_code == 200
    assert AuditEvent.objects.filter(action="account.sign_up", target_id=str(user.pk)).exists()
    assert AuditEvent.objects.filter(action="auth.sign_in", actor=user).exists()


def test_a_duplicate_e_mail_is_refused_with_a_field_error_whatever_its_case(client):
    UserFactory(email="ada@example.com")
    response = _signup(client, email="ADA@example.com", full_name="Second Ada")
    assert response.status_code == 400
    assert "already exists" in response.context["form"].errors["email"][0]
    html = response.content.decode()
    assert 'value="Second Ada"' in html and 'value="ADA@example.com"' in html
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password1": "short", "password2": "short"}, "password1"),
        ({"password1": "password123", "password2": "password123"}, "password1"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"full_name": "x" * 151}, "full_name"),
        ({"email": "not-an-address"}, "email"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_bad_sign_up_input_gets_a_field_error_and_keeps_what_was_typed(client, overrides, field):
    response = _signup(client, **overrides)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field]
    html = response.content.decode()
    assert 'id="error-summary"' in html
    if field != "full_name":
        assert 'value="Ada Lovelace"' in html
    assert not User.objects.exists()


def test_signing_in_with_the_right_password_redirects_to_the_dashboard(client):
    UserFactory(email="bob@example.com", password="correct-horse-battery")
    response = client.post("/accounts/sign-in/", {"username": "bob@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_a_wrong_password_shows_an_error_and_keeps_the_e_mail(client):
    UserFactory(email="bob@example.com")
    response = client.post("/accounts/sign-in/", {"username": "bob@example.com", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not correct" in html
    assert 'value="bob@example.com"' in html
    assert AuditEvent.objects.filter(action="auth.sign_in_failed", actor_repr="bob@example.com").exists()


def test_sign_out_is_a_post_and_is_audited(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/sign-out/").status_code == 405
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", actor=user).exists()
    assert client.get("/accounts/profile/").status_code == 302


def test_five_failures_lock_sign_in_with_a_clear_message_and_an_audit_row(client):
    UserFactory(email="carol@example.com", password="correct-horse-battery")
    for _ in range(4):
        response = client.post("/accounts/sign-in/", {"username": "carol@example.com", "password": "nope"})
        assert response.status_code == 200
    response = client.post("/accounts/sign-in/", {"username": "carol@example.com", "password": "nope"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/accounts/sign-in/", {"username": "carol@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out", actor_repr="carol@example.com").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="dan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "dan@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert client.get(response["Location"]).status_code == 200
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    bad = client.post(form_url, {"new_password1": GOOD, "new_password2": "different-thing"})
    assert bad.status_code == 200 and bad.context["form"].errors["new_password2"]
    done = client.post(form_url, {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_invalid_reset_link_says_so(client):
    response = client.get("/accounts/password-reset/MQ/bad-token/")
    assert response.status_code == 200
    assert "not valid" in response.content.decode()


def test_the_profile_changes_name_and_language_with_an_audit_row(client):
    user = UserFactory(full_name="Old Name")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"full_name": "New Name", "preferred_language": "fr"})
    assert response.status_code == 302
    assert response.cookies["aix_language"].value == "fr"
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("New Name", "fr")
    event = AuditEvent.objects.get(action="account.profile_update")
    assert event.changes["full_name"] == {"before": "Old Name", "after": "New Name"}


def test_an_over_long_profile_name_is_refused_and_kept(client):
    user = UserFactory(full_name="Old Name")
    client.force_login(user)
    response = client.post("/accounts/profile/", {"full_name": "y" * 151, "preferred_language": "xx"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"full_name", "preferred_language"}
    assert "y" * 151 in response.content.decode()
    assert not AuditEvent.objects.filter(action="account.profile_update").exists()


def test_sign_up_is_rate_limited_per_address(client, settings):
    settings.AIX_RATE_SIGNUP = "2/h"
    for i in range(2):
        _signup(client, email=f"x{i}@example.com")
        client.logout()
    assert _signup(client, email="x9@example.com").status_code == 429


def test_an_input_with_an_error_is_described_by_its_hint_and_its_error_message(client):
    response = _signup(client, password1="short", password2="short")
    html = response.content.decode()
    field = re.search(r"<input[^>]+id=\"id_password1\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_password1_helptext id_password1_error_1' in field
    assert 'id="id_password1_error_1"' in html and 'id="id_password1_helptext"' in html


def test_a_filled_honeypot_on_sign_up_is_refused_keeps_the_input_and_creates_nothing(client):
    response = _signup(client, website="https://spam.example")
    assert_honeypot_refused(response, kept="Ada Lovelace")
    assert not User.objects.exists()
    assert not AuditEvent.objects.filter(action="account.sign_up").exists()
    assert _signup(client).status_code == 302  # a person whose browser filled the trap succeeds by sending again


def test_password_reset_requests_are_rate_limited_per_address(client, settings):
    settings.AIX_RATE_PASSWORD_RESET = "2/h"
    for _ in range(2):
        assert client.post("/accounts/password-reset/", {"email": "x@example.com"}).status_code == 302
    assert client.post("/accounts/password-reset/", {"email": "x@example.com"}).status_code == 429
