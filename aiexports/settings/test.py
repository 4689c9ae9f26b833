"""Test settings: the environment's database and Redis when given, fast hashing, mail kept in memory."""

from __future__ import annotations

import os

os.environ.setdefault("AIX_EMBEDDED", "1")
os.environ.setdefault("DJANGO_SECURE", "false")
os.environ.setdefault("AIX_MANIFEST_STATIC", "false")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-private"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
DATABASES["default"]["CONN_MAX_AGE"] = 0
# A per-run cache namespace so rate-limit counters of one test do not leak into another run.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aix-tests"}}
AXES_ENABLED = True
# The admin's second factor is OFF in tests, so the admin tests of every branch keep signing staff in with
# ``admin_client`` / ``client.force_login(staff)`` (a password-only session). The tests of the second factor
# turn it on themselves (``settings.AIX_ADMIN_REQUIRE_OTP = True``; see tests/accounts/test_two_factor.py);
# production and ``manage.py check --deploy`` keep it on (check aiexports.W001).
AIX_ADMIN_REQUIRE_OTP = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
EMAIL_BACKEND = os.environ.get("AIX_TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("AIX_TEST_EMAIL_DIR", str(BASE_DIR / "var" / "test-mail"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # no scan of ~2,700 static files each time a test client loads the middleware
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")
