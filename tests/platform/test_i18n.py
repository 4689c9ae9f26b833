from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"),
    [("ja", "本文へスキップ"), ("es", "Saltar al contenido principal"), ("fr", "Aller au contenu principal")],
)
def test_choosing_a_language_changes_the_page_and_is_remembered(client, language, text):
    english = client.get("/").content.decode()
    assert "Skip to main content" in english and text not in english
    response = client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert response.status_code == 302
    assert response.cookies["aix_language"].value == language
    html = client.get("/").content.decode()  # the cookie alone carries the choice
    assert f'<html lang="{language}"' in html
    assert text in html and "Skip to main content" not in html


@pytest.mark.parametrize("url", ["/accounts/sign-in/", "/accounts/sign-up/", "/accounts/password-reset/", "/contact/"])
def test_account_and_portal_pages_are_translated_into_japanese(client, url):
    client.cookies["aix_language"] = "ja"
    html = client.get(url).content.decode()
    assert "メールアドレス" in html or "お名前" in html


def test_the_organization_form_is_translated_into_french(client):
    client.force_login(UserFactory())
    client.cookies["aix_language"] = "fr"
    html = client.get("/organizations/new/").content.decode()
    assert "Raison sociale" in html and "Pays du siège" in html and "Créer une organisation" in html


def test_signing_in_applies_the_preferred_language(client):
    UserFactory(email="eva@example.com", preferred_language="es")
    response = client.post("/accounts/sign-in/", {"username": "eva@example.com", "password": "correct-horse-battery"})
    assert response.cookies["aix_language"].value == "es"


def test_bad_input_errors_are_translated(client):
    client.cookies["aix_language"] = "fr"
    response = client.post("/accounts/sign-up/", {"email": "a@example.com", "full_name": "A", "password1": "x"})
    html = response.content.decode()
    assert "Veuillez corriger les points suivants" in html
    assert "Ce champ est obligatoire." in html  # Django's own catalogue covers the generic messages
