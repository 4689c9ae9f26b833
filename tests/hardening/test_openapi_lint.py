"""The live OpenAPI document validates: openapi-spec-validator and Redocly's recommended rules (redocly.yaml).

Redocly CLI comes from npm (``package.json`` devDependencies, installed by ``make install``); a missing binary
fails this test rather than skipping it, so CI cannot pass without the lint.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_spec_validator import OpenAPIV30SpecValidator

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    path = tmp_path_factory.mktemp("openapi") / "schema.json"
    path.write_bytes(OpenApiJsonRenderer().render(schema, renderer_context={}))
    return path


def test_the_schema_passes_openapi_spec_validator_with_no_error(schema_file):
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in OpenAPIV30SpecValidator(json.loads(schema_file.read_text())).iter_errors()
    ]
    assert errors == []


def test_the_schema_passes_redoclys_recommended_rules_with_no_error_or_warning(schema_file):
    assert REDOCLY.exists(), "run make install (npm ci installs @redocly/cli)"
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    result = subprocess.run(
        [str(REDOCLY), "lint", str(schema_file), "--config", str(ROOT / "redocly.yaml"), "--format", "json"],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env,
    )  # fmt: skip
    report = json.loads(result.stdout[result.stdout.index("{") :])
    problems = [f"{p['ruleId']} {p['location'][0]['pointer']}: {p['message']}" for p in report["problems"]]
    assert problems == [] and result.returncode == 0, problems or result.stderr[-2000:]


def test_the_only_rule_turned_off_is_named_with_a_reason():
    config = (ROOT / "redocly.yaml").read_text()
    off = [line.split(":")[0].strip() for line in config.splitlines() if line.strip().endswith(": off")]
    assert off == ["no-path-trailing-slash"]
    assert "APPEND_SLASH" in config
