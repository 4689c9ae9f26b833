"""Production settings, checked in a subprocess with a clean environment (as a deployment would start)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "aiexports.settings.base",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x7Rk2p-9vQz_LmN4tY8wBc3Hd6Fj1Sg5Ae0Ui7Oo2Pp9Kk4Ll8Mm3Nn6Bb1Vv5Cc",
    "DJANGO_ALLOWED_HOSTS": "aiexports.example",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_is_clean_with_production_settings():
    assert len(PRODUCTION["DJANGO_SECRET_KEY"]) >= 50
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_start_up_without_a_secret_key_outside_debug_fails_with_a_clear_message():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = _manage("check", env={"DJANGO_SETTINGS_MODULE": "aiexports.settings.base", "DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_production_settings_turn_on_https_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
        "s.DEBUG, s.CELERY_TASK_ACKS_LATE, s.CELERY_WORKER_PREFETCH_MULTIPLIER)"
    )
    clean = {"PATH": os.environ.get("PATH", ""), **PRODUCTION}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True", "True", "True", "False", "True", "1"], result.stderr
