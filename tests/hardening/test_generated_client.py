"""A client generated from the live schema by openapi-python-client (default settings) can do the work.

The client is generated into a temporary folder from ``/api/schema/`` of a live server, every generated module
must import, and then it lists packages, starts a draft, adds a component in each layer, submits the package
and answers an RFI notice, all through the generated functions and models, against that server.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from rest_framework.authtoken.models import Token

from catalog.choices import Layer, PackageStatus, categories_for_layer
from catalog.models import Package
from rfi.models import Submission
from tests.catalog.factories import company
from tests.catalog.factories_public import ensure_reference_data, published_package
from tests.rfi.factories import notice_with_questions

pytestmark = pytest.mark.django_db(transaction=True)
VENV_BIN = Path(sys.executable).parent
PACKAGE = "aiexports_api_client"


@pytest.fixture
def generated(live_server, tmp_path, monkeypatch):
    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=60).content)
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(VENV_BIN / "openapi-python-client"), "generate", "--path", str(schema), "--output-path",
         str(tmp_path / "client")],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    monkeypatch.syspath_prepend(str(tmp_path / "client"))
    for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
        monkeypatch.delitem(sys.modules, name)
    root = importlib.import_module(PACKAGE)
    broken = []
    for info in pkgutil.walk_packages(root.__path__, f"{PACKAGE}."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # every generated module must import
            broken.append(f"{info.name}: {exc!r}")
    assert not broken, broken
    yield root
    for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
        sys.modules.pop(name, None)


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_lists_drafts_adds_components_submits_and_answers_an_rfi(generated, live_server):
    ensure_reference_data()
    user, org, consortium = company()
    published_package()
    notice = notice_with_questions(questions=1, topics=1)
    question = notice.questions.get()
    token = Token.objects.create(user=user)
    client = generated.AuthenticatedClient(base_url=live_server.url, token=token.key, prefix="Token")
    api, models = "api.api.", "models."

    listed = _module(api + "api_v1_packages_list").sync(client=client)
    assert listed.count >= 1 and listed.results[0].slug

    draft_request = _module(models + "draft_request").DraftRequest(
        consortium=consortium.slug, title="Generated Client Cloud", summary="Made by a generated client.",
        target_countries=["JP"],
    )  # fmt: skip
    draft = _module(api + "api_v1_drafts_create").sync(client=client, body=draft_request)
    assert draft.__class__.__name__ == "Draft", draft
    component_request = _module(models + "component_request").ComponentRequest
    layer_enum = _module(models + "layer_enum").LayerEnum
    category_enum = _module(models + "category_enum").CategoryEnum
    add = _module(api + "api_v1_drafts_components_create")
    for layer in Layer.values:
        category = categories_for_layer(layer)[0][0]
        body = component_request(
            layer=layer_enum(layer), category=category_enum(category), name=f"{layer} part", supplier=org.slug,
            eccn="EAR99", quantity=2,
        )  # fmt: skip
        created = add.sync(slug=draft.slug, client=client, body=body)
        assert created.__class__.__name__ == "Component", created
        assert (created.name, created.supplier, created.eccn) == (f"{layer} part", org.slug, "EAR99")

    mine = _module(api + "api_v1_drafts_list").sync(client=client)
    assert draft.slug in {d.slug for d in mine.results}
    submitted = _module(api + "api_v1_packages_submit_create").sync(slug=draft.slug, client=client)
    assert submitted.__class__.__name__ == "SubmitOutput", submitted
    assert Package.objects.get(slug=draft.slug).status == PackageStatus.SUBMITTED

    json_request = _module(models + "submission_create_json_request")
    answers = _module(models + "submission_create_json_request_answers").SubmissionCreateJSONRequestAnswers
    respondent = _module(models + "respondent_type_enum").RespondentTypeEnum
    body = json_request.SubmissionCreateJSONRequest(
        respondent_type=respondent.INDIVIDUAL,
        answers=answers.from_dict({str(question.pk): "From a generated client."}),
        name="Ada Client", email="ada@example.org", certified=True,
    )  # fmt: skip
    receipt = _module("api.rfi.api_v1_rfi_notices_submissions_create").sync(
        docket=notice.docket_id, client=client, body=body
    )
    assert receipt.__class__.__name__ == "SubmissionCreated", receipt
    assert Submission.objects.get().tracking_number == receipt.tracking_number
