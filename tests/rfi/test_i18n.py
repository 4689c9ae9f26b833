"""The public RFI pages, the service's messages and the receipt speak Japanese, Spanish and French."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from rfi.services import SubmissionInvalid, rfi_submission_create
from tests.rfi.conftest import HTML_BYTES, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "heading", "countdown"),
    [
        ("ja", "情報提供依頼", "締切まであと"),
        ("es", "Solicitudes de información", "Se cierra en"),
        ("fr", "Demandes d’information", "Clôture dans"),
    ],
)
def test_the_notice_list_is_translated(client, notice, language, heading, countdown):
    client.cookies["aix_language"] = language
    html = client.get(reverse("rfi:notice_list")).content.decode()
    assert heading in html and countdown in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ja", "回答を送信する"), ("es", "Enviar mi respuesta"), ("fr", "Envoyer ma réponse")],
)
def test_the_response_form_is_translated(client, notice, language, expected):
    client.cookies["aix_language"] = language
    assert expected in client.get(reverse("rfi:submission_create", args=[notice.docket_id])).content.decode()


def test_a_refused_file_is_explained_in_the_visitors_language(valid):
    with translation.override("fr"), pytest.raises(SubmissionInvalid) as info:
        rfi_submission_create(**valid, attachments=[upload("rapport.pdf", HTML_BYTES)])
    assert info.value.errors["attachments"] == [
        "« rapport.pdf » a été refusé : le fichier ressemble à une page web ou à un script, pas à un document."
    ]
