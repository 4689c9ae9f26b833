"""The deployment files agree with the settings: every variable documented, the compose stack well formed."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_VARS = sorted(set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', (ROOT / "aiexports/settings/base.py").read_text())))


def test_the_settings_read_the_variables_this_test_knows_about():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AIX_RATE_CONTACT"} <= set(SETTINGS_VARS)


def test_every_environment_variable_is_in_the_readme_and_env_example():
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert [v for v in SETTINGS_VARS if f"`{v}`" not in readme] == []
    assert [v for v in SETTINGS_VARS if v not in example] == []


def test_the_compose_stack_reuses_one_app_definition_with_health_checks_and_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    app = {k: services[k] for k in ("migrate", "web", "worker", "beat")}
    assert {s["image"] for s in app.values()} == {"aiexports:latest"}
    assert services["worker"]["command"][:4] == ["celery", "-A", "aiexports", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "aiexports", "beat"]
    assert "command" not in services["web"]  # gunicorn, the image's CMD
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in services["migrate"]["depends_on"]
    redis_cmd = services["redis"]["command"]
    assert redis_cmd[redis_cmd.index("--appendonly") + 1] == "yes"
    assert redis_cmd[redis_cmd.index("--maxmemory-policy") + 1] == "noeviction"
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"]
    assert set(compose["volumes"]) == {"postgres-data", "redis-data", "private-media"}


def test_the_image_runs_gunicorn_as_a_non_root_user_after_collectstatic():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "npm ci" in dockerfile and "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert dockerfile.index("USER app") < dockerfile.index('CMD ["gunicorn"')
