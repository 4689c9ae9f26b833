"""Deeply nested JSON is a 400 on every JSON endpoint, never a RecursionError (500).

~1,000 nested brackets are ~2 KB: small enough for any body limit, deep enough to exhaust Python's recursion in
the standard ``json`` module. The API's parser (``aiexports.parsers.JSONParser``) measures the depth first.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from aiexports import jsonlimits
from tests.buyer_requests.factories import make_request
from tests.catalog.factories import company
from tests.factories import ComponentFactory, PackageFactory, StaffFactory
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


def _json_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                found.append((method, path))
    return found


OPERATIONS = _json_operations()


def test_the_walk_finds_the_json_endpoints():
    assert ("post", "/api/v1/eligibility/evaluate/") in OPERATIONS
    assert ("post", "/api/v1/rfi/notices/{docket}/submissions/") in OPERATIONS
    assert ("patch", "/api/v1/drafts/{slug}/components/{id}/") in OPERATIONS


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_thousand_levels_of_nesting_answer_400_naming_the_limit(method, path, body, settings):
    user, _org, consortium = company()
    package = PackageFactory(consortium=consortium)
    component = ComponentFactory(package=package)
    notice = notice_with_questions(questions=1, topics=1)
    slug = consortium.slug if path.startswith("/api/v1/consortia/") else package.slug
    reference = make_request().reference if "{reference}" in path else ""
    url = path.format(slug=slug, id=component.pk, pk=component.pk, docket=notice.docket_id, reference=reference)
    api = APIClient()
    api.force_authenticate(StaffFactory() if path.startswith("/api/v1/staff/") else user)
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 400, (url, response.status_code, response.content[:200])
    assert "nested too deeply" in response.json()["detail"]


def test_anonymous_clients_get_the_same_400(client):
    notice = notice_with_questions(questions=1, topics=1)
    for url in ("/api/v1/eligibility/evaluate/", f"/api/v1/rfi/notices/{notice.docket_id}/submissions/"):
        response = client.post(url, DEEP, content_type="application/json")
        assert response.status_code == 400
        assert str(jsonlimits.max_depth()) in response.json()["detail"]


def test_nesting_up_to_the_limit_is_parsed_and_one_level_more_is_refused(settings):
    settings.AIX_JSON_MAX_DEPTH = 4
    assert jsonlimits.loads('{"a": [[{"b": 1}]]}') == {"a": [[{"b": 1}]]}
    with pytest.raises(jsonlimits.JSONTooDeep):
        jsonlimits.loads('{"a": [[{"b": [1]}]]}')


def test_brackets_inside_strings_do_not_count_as_nesting(settings):
    settings.AIX_JSON_MAX_DEPTH = 2
    text = '{"a": ["[[[[{{{{ \\" ]]]] \\\\"]}'
    assert jsonlimits.loads(text) == {"a": ['[[[[{{{{ " ]]]] \\']}


def test_a_deep_json_string_inside_form_data_is_refused_too(client):
    user, _org, consortium = company()
    package = PackageFactory(consortium=consortium)
    api = APIClient()
    api.force_authenticate(user)
    data = {"layer": "hardware", "category": "accelerator", "name": "Chip", "specs": DEEP_OBJECT}
    response = api.post(f"/api/v1/drafts/{package.slug}/components/", data, format="multipart")
    assert response.status_code == 400 and "specs" in response.json()
    notice = notice_with_questions(questions=1, topics=1)
    answers = '{"1": ' + DEEP + "}"
    response = client.post(
        f"/api/v1/rfi/notices/{notice.docket_id}/submissions/", {"respondent_type": "individual", "answers": answers}
    )
    assert response.status_code == 400
