"""Single-line fields refuse CR, LF and other control characters at validation (aiexports/singleline.py).

A CR or LF in a package title or an inquiry's organization used to be saved and then break every e-mail subject
built from it (a 500 after the row was stored). Now the form or serializer refuses it with a field error, nothing
is stored, and multi-line fields keep their line breaks. Two walks make sure no form or API input misses the rule.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.test import APIClient

from aiexports.singleline import (
    SingleLineFormMixin,
    SingleLineSerializerMixin,
    is_single_line_serializer_field,
    validate_single_line,
)
from catalog.models import Inquiry, Package
from rfi.models import Submission
from tests.catalog.factories import company
from tests.catalog.factories_public import consortium_with_manager, published_package
from tests.catalog.test_inquiries import VALID as INQUIRY
from tests.catalog.test_manage_wizard import overview_data
from tests.factories import PackageFactory
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

BAD = [
    "Acme\r\nBcc: victim@example.com",
    "Acme\rCorp",
    "Acme\nCorp",
    "Acme\tCorp",
    "Acme\x00",
    "Acme\x1b[31m",
    "A\u2028B",
]


@pytest.mark.parametrize("value", BAD)
def test_the_validator_refuses_each_control_character(value):
    with pytest.raises(forms.ValidationError):
        validate_single_line(value)


def test_the_validator_accepts_ordinary_text_in_any_script():
    for value in ["Acme Corp.", "株式会社エーアイ", "Société — «ÉA»", "O'Brien & Sons (UK) Ltd"]:
        validate_single_line(value)


@pytest.mark.parametrize("value", ["Cloud\r\nBcc: x@example.com", "Cloud\rOne"])
def test_a_package_title_with_a_line_break_is_refused_by_the_wizard_and_nothing_is_saved(client, value):
    from django.urls import reverse

    user, _org, consortium = company()
    client.force_login(user)
    response = client.post(reverse("catalog:manage_package_new", args=[consortium.slug]), overview_data(title=value))
    assert response.status_code == 200  # the wizard re-renders its step with the errors
    assert (
        "single line" in response.content.decode()
        and 'aria-describedby="id_title_error_1"' in response.content.decode()
    )
    assert not Package.objects.exists()


def test_a_package_title_with_a_line_break_is_refused_by_the_api_on_create_and_patch():
    user, _org, consortium = company()
    api = APIClient()
    api.force_authenticate(user)
    created = api.post("/api/v1/drafts/", {"consortium": consortium.slug, "title": "A\nB"}, format="json")
    assert created.status_code == 400 and "title" in created.json()
    package = PackageFactory(consortium=consortium)
    patched = api.patch(f"/api/v1/drafts/{package.slug}/", {"title": "A\rB", "summary": "x\ny"}, format="json")
    assert patched.status_code == 400 and {"title", "summary"} <= set(patched.json())
    # Multi-line fields keep their line breaks.
    ok = api.patch(f"/api/v1/drafts/{package.slug}/", {"description": "line one\r\nline two"}, format="json")
    assert ok.status_code == 200 and ok.json()["description"] == "line one\r\nline two"


@pytest.mark.parametrize("field", ["organization", "name"])
def test_an_inquiry_with_a_cr_in_the_organization_or_name_is_refused_and_not_stored(client, field):
    package = published_package(consortium=consortium_with_manager(email="lead-admin@example.com"))
    response = client.post(f"/catalog/{package.slug}/contact/", {**INQUIRY, field: "Osaka\rBcc: x@example.com"})
    assert response.status_code == 400
    assert "single line" in response.content.decode()
    assert not Inquiry.objects.exists()
    # The message, a multi-line field, keeps its line breaks.
    ok = client.post(f"/catalog/{package.slug}/contact/", {**INQUIRY, "message": "Hello,\r\nplease call."})
    assert ok.status_code == 302
    assert Inquiry.objects.get().message == "Hello,\r\nplease call."


def test_an_rfi_response_with_a_newline_in_the_name_is_refused_by_the_form_and_the_api(client):
    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.get()
    data = {"respondent_type": "individual", "name": "Ada\nLovelace", "email": "ada@example.com", "certified": "on",
            f"answer_{question.pk}": "An answer."}  # fmt: skip
    response = client.post(f"/rfi/{notice.docket_id}/respond/", data)
    assert response.status_code == 400 and "single line" in response.content.decode()
    body = {"respondent_type": "individual", "name": "Ada\nLovelace", "answers": {str(question.pk): "An answer."}}
    response = client.post(
        f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", body, content_type="application/json"
    )
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert not Submission.objects.exists()


# --- the walks ---------------------------------------------------------------------------------------


def _project_classes(base: type) -> list[type]:
    found = []
    for package in ("aiexports", "catalog", "rfi", "alerts", "buyer_requests"):
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" in info.name or info.name.endswith((".settings.base", ".settings.test", ".wsgi", ".asgi")):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, base) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def test_every_form_of_the_project_keeps_single_line_fields_single():
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _project_classes(forms.BaseForm)
        if not issubclass(cls, SingleLineFormMixin)
        and any(isinstance(f, forms.CharField) for f in cls.base_fields.values())
    ]
    assert not missing, f"forms without SingleLineFormMixin: {missing}"


def _request_serializers(monkeypatch) -> set[type]:
    seen: set[type] = set()
    original = AutoSchema._get_request_for_media_type

    def record(self, serializer, *args, **kwargs):
        if serializer is not None:
            seen.add(serializer if isinstance(serializer, type) else type(serializer))
        return original(self, serializer, *args, **kwargs)

    monkeypatch.setattr(AutoSchema, "_get_request_for_media_type", record)
    SchemaGenerator().get_schema(request=None, public=True)
    return seen


def test_every_api_request_body_keeps_single_line_fields_single(monkeypatch):
    checked, missing, todo = set(), [], list(_request_serializers(monkeypatch))
    assert len(todo) >= 4
    while todo:
        cls = todo.pop()
        if cls in checked:
            continue
        checked.add(cls)
        fields = cls().fields
        for field in fields.values():
            nested = field.child if isinstance(field, serializers.ListSerializer) else field
            if isinstance(nested, serializers.Serializer):
                todo.append(type(nested))
        if not issubclass(cls, SingleLineSerializerMixin) and any(
            is_single_line_serializer_field(f) for f in fields.values()
        ):
            missing.append(cls.__qualname__)
    assert not missing, f"request serializers without SingleLineSerializerMixin: {missing}"
