"""Security headers on every kind of response, production settings, templates without inline code, error pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PUBLIC_PAGES = ["/", "/catalog/", "/rfi/", "/accounts/sign-in/", "/accounts/sign-up/", "/no-such-page/"]
API = ["/api/v1/packages/", "/api/v1/rfi/notices/", "/api/schema/"]
ADMIN_LOGIN = "/admin/login/"


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def assert_secure_headers(response) -> None:
    url = response.request["PATH_INFO"]
    csp = response.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    directives = _directives(csp)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, f"{url}: neither script-src nor default-src in {csp}"
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, f"{url}: {csp}"
    assert "'unsafe-eval'" not in csp, f"{url}: {csp}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{url}: {csp}"
    assert response.get("X-Frame-Options") == "DENY", url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}, url
    assert "camera=()" in response.get("Permissions-Policy", ""), url


@pytest.mark.parametrize("url", PUBLIC_PAGES + API + [ADMIN_LOGIN])
def test_every_kind_of_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert response.status_code in {200, 404}, url
    assert_secure_headers(response)


@pytest.mark.parametrize("url", ["/accounts/profile/", "/organizations/", "/admin/"])
def test_signed_in_pages_carry_the_security_headers(client, url):
    client.force_login(StaffFactory() if url.startswith("/admin/") else UserFactory())
    response = client.get(url)
    assert response.status_code == 200, url
    assert_secure_headers(response)


def test_the_open_data_downloads_carry_the_security_headers(client):
    response = client.get("/catalog/download.json")
    assert response.streaming
    assert_secure_headers(response)


# --- production settings ------------------------------------------------------------------------------

_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({k: getattr(s, k) for k in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS")}))
"""


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AIX_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="aiexports.settings.base",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 20 + "production-like-secret-key-for-the-settings-test-only-" + "y" * 20,
        DJANGO_ALLOWED_HOSTS="aiexports.example.org",
        PYTHONPATH=str(ROOT),
    )
    return env


def test_production_settings_turn_on_hsts_https_and_secure_cookies():
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=_production_env(), cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is True
    for cookie in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "LANGUAGE_COOKIE_SECURE"):
        assert values[cookie] is True, cookie


def test_the_deploy_check_finds_no_security_problem_under_production_settings():
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    found = re.findall(r"\((security\.[A-Z]\d+|csp\.\S+|axes\.\S+)\)", out.stdout + out.stderr)
    assert found == [], out.stdout + out.stderr


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    LANGUAGE_COOKIE_SECURE=True,
)
def test_with_production_values_responses_send_hsts_and_secure_cookies():
    client = Client()
    user = UserFactory(password="correct-horse-battery")
    page = client.get("/accounts/sign-in/", secure=True)
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/sign-in/",
        {"username": user.email, "password": "correct-horse-battery", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302, response.content[:500]
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


# --- templates: no inline script, event handler or style attribute (the CSP would block them) ----------

_SKIP = {".venv", "node_modules", "var", "staticfiles", ".git"}
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def project_templates() -> list[Path]:
    found = []
    for top in ROOT.iterdir():
        if not top.is_dir() or top.name in _SKIP or top.name.startswith("."):
            continue
        for path in top.rglob("*"):
            if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg"} and "templates" in path.parts:
                found.append(path)
    return sorted(found)


def inline_code(text: str) -> list[str]:
    problems = []
    for attrs, body in _SCRIPT.findall(text):
        if body.strip() or "src=" not in attrs:
            problems.append(f"inline <script{attrs}>")
    for tag in _TAG.findall(text):
        if _HANDLER.search(tag):
            problems.append(f"event handler in {tag[:80]}")
        if _STYLE.search(tag):
            problems.append(f"style attribute in {tag[:80]}")
        if _JS_URL.search(tag):
            problems.append(f"javascript: URL in {tag[:80]}")
    return problems


def test_the_template_scan_finds_each_kind_of_inline_code():
    assert inline_code('<script src="/static/a.js"></script><p class="x">on=1 style</p>') == []
    assert len(inline_code("<script>alert(1)</script>")) == 1
    assert len(inline_code('<script src="/a.js">alert(1)</script>')) == 1
    assert len(inline_code('<button type="button" onclick="go()">')) == 1
    assert len(inline_code('<div\n  style="color: red">')) == 1
    assert len(inline_code('<a href="javascript:void(0)">')) == 1


def test_no_template_in_the_repository_has_inline_script_handlers_or_styles():
    templates = project_templates()
    assert len(templates) > 20  # the scan really finds the templates of every app
    problems = [f"{p.relative_to(ROOT)}: {problem}" for p in templates for problem in inline_code(p.read_text())]
    assert problems == []


# --- error pages --------------------------------------------------------------------------------------

LEAKS = ["Traceback", "SECRET_KEY", "django.db", "hunter2", "SELECT", "no_such_table", "settings.py", 'File "']


@override_settings(DEBUG=False, ROOT_URLCONF="tests.hardening.urls_errors")
@pytest.mark.parametrize("url", ["/__test__/boom/", "/__test__/bad-sql/"])
def test_a_server_error_page_shows_no_traceback_sql_or_settings(url):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == 500
    body = response.content.decode()
    assert "<html" in body.lower()
    assert [leak for leak in LEAKS if leak in body] == []


@override_settings(DEBUG=False)
def test_a_not_found_page_shows_no_url_patterns_or_settings(client):
    response = client.get("/no/such/page/SECRET_KEY/")
    assert response.status_code == 404
    body = response.content.decode()
    assert [leak for leak in ["Traceback", "django.db", "urlpatterns", "Using the URLconf", "aiexports.urls"]
            if leak in body] == []  # fmt: skip
    assert "SECRET_KEY" not in body.replace("/no/such/page/SECRET_KEY/", "")


@override_settings(DEBUG=False)
def test_an_api_404_is_a_short_json_body(client):
    response = client.get("/api/v1/packages/no-such-package/")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
