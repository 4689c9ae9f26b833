"""Settings for aiexports, read from environment variables only (one django-environ ``env``).

With no variable set the portal runs on the embedded default: SQLite, Celery tasks executed
in-process, e-mail printed to the console. ``DATABASE_URL``, ``REDIS_URL`` and the ``DJANGO_*``
switches move it onto production parts. See README.md, "Configuration".
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not env.bool("AIX_EMBEDDED", default=False):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin with a site that also asks staff for their second factor (aiexports/accounts/two_factor).
    "aiexports.accounts.two_factor.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aiexports.audit",
    "aiexports.accounts",
    "aiexports.portal",
    "aiexports.outbox",
    "catalog",
    "eligibility",
    "screening",
    "rfi",
    "alerts",
    "buyer_requests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: one over AIX_MAX_REQUEST_BYTES is refused from its Content-Length.
    "aiexports.uploads.RequestSizeLimitMiddleware",
    # Before anything reads request.POST: uploads keep the name as sent, so hostile names are refused.
    "aiexports.uploads.ClientFileNameMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed a second factor (TOTP or a recovery code)?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "aiexports.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    # Turns django-ratelimit's ``Ratelimited`` into RATELIMIT_VIEW's 429 (without it, a 403).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, so its process_exception runs first: a dropped database connection becomes a 503 with Retry-After.
    "aiexports.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "aiexports.urls"
WSGI_APPLICATION = "aiexports.wsgi.application"
ASGI_APPLICATION = "aiexports.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiexports.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, sessions --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # One pooled client per process (Django's RedisCache builds a client per call).
    CACHES = {"default": {"BACKEND": "aiexports.redis_cache.PooledRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "aiexports"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Client address ---------------------------------------------------------------------------
# How many reverse proxies we run in front of the application server, each appending to X-Forwarded-For.
# 0: the peer address is the client and X-Forwarded-For is ignored (it is the client's to write).
# aiexports/clientip.py reads it for throttles, rate limits, the sign-in lockout and audit rows alike.
AIX_TRUSTED_PROXY_COUNT = env.int("AIX_TRUSTED_PROXY_COUNT", default=0)
if AIX_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("AIX_TRUSTED_PROXY_COUNT must be 0 or more.")

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"

# django-axes: sign-in locks for 15 minutes after 5 failures for one account from one address, 20 for one account
# from anywhere, 50 from one address for any accounts (so one client cannot lock out everyone behind its address).
# Each counter has its own limit through aiexports/accounts/lockout.py.
AXES_HANDLER = "aiexports.accounts.lockout.TieredLockoutHandler"
AXES_FAILURE_LIMIT = env.int("AIX_LOGIN_FAILURE_LIMIT", default=5)
AIX_LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("AIX_LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
AIX_LOGIN_ADDRESS_FAILURE_LIMIT = env.int("AIX_LOGIN_ADDRESS_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_CLIENT_IP_CALLABLE = "aiexports.clientip.client_ip"

# Second factor for the admin (django-otp: TOTP authenticator apps, single-use recovery codes). Staff must
# pass it to use any /admin/ page; a system check warns when it is off outside debug mode.
AIX_ADMIN_REQUIRE_OTP = env.bool("AIX_ADMIN_REQUIRE_OTP", default=True)
# Consecutive wrong codes after which codes are refused for AIX_OTP_LOCKOUT_MINUTES (on top of django-otp's
# exponential back-off between attempts: 1, 2, 4, 8 ... seconds).
AIX_OTP_FAILURE_LIMIT = env.int("AIX_OTP_FAILURE_LIMIT", default=5)
AIX_OTP_LOCKOUT_MINUTES = env.int("AIX_OTP_LOCKOUT_MINUTES", default=15)
AIX_OTP_RECOVERY_CODES = 10
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; the delay doubles with each consecutive failure (0 would disable it)
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = env.str("AIX_SITE_NAME", default="AI Exports Program")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Internationalization -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ja", _("Japanese")),
    ("es", _("Spanish")),
    ("fr", _("French")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "aix_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = env.bool("DJANGO_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    ("vendor/axe-core", BASE_DIR / "node_modules" / "axe-core"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedStaticFilesStorage"
            if env.bool("AIX_MANIFEST_STATIC", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files (RFI attachments) live outside the web root and are never served directly:
# only through views that check permissions.
MEDIA_ROOT = Path(env.str("AIX_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
MEDIA_URL = "/private-media-never-served/"
# The whole body of one request (all files included): refused from Content-Length, or counted while it arrives.
AIX_MAX_REQUEST_BYTES = env.int("AIX_MAX_REQUEST_BYTES", default=64 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "aiexports.uploads.SizeLimitUploadHandler",  # stops reading past AIX_MAX_REQUEST_BYTES
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)  # larger: temp file
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=5_242_880)  # non-file fields
DATA_UPLOAD_MAX_NUMBER_FILES = 25
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="AI Exports Program <no-reply@aiexports.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
AIX_STAFF_INBOX_EMAIL = env.str("AIX_STAFF_INBOX_EMAIL", default="")

# --- Celery -----------------------------------------------------------------------------------
# No broker configured: tasks run in-process (the embedded default). With Redis, reliability
# settings matter: a task is acknowledged only after it finished, is re-queued if its worker dies,
# and each worker reserves one message at a time.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not (REDIS_URL or env.str("CELERY_BROKER_URL", default=""))
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("AIX_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("AIX_TASK_TIME_LIMIT", default=150)
# The visibility timeout must exceed the hard time limit, or Redis redelivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 4}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("AIX_CELERY_QUEUE", default="aiexports")
CELERY_TIMEZONE = "UTC"
# Each durable kind of work has its sweeper: a lost message must not mean a lost check or e-mail.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

# Eligibility checks (eligibility): a check row whose lease passed is re-enqueued by the sweeper.
# The lease must exceed the hard time limit; tests shorten all of these through the environment.
AIX_ELIGIBILITY_LEASE_SECONDS = env.int("AIX_ELIGIBILITY_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT * 2)
AIX_ELIGIBILITY_MAX_ATTEMPTS = env.int("AIX_ELIGIBILITY_MAX_ATTEMPTS", default=5)
AIX_ELIGIBILITY_RETRY_SECONDS = env.int("AIX_ELIGIBILITY_RETRY_SECONDS", default=30)
AIX_ELIGIBILITY_SWEEP_SECONDS = env.float("AIX_ELIGIBILITY_SWEEP_SECONDS", default=60.0)
AIX_ELIGIBILITY_SWEEP_BATCH = env.int("AIX_ELIGIBILITY_SWEEP_BATCH", default=5000)
AIX_ELIGIBILITY_FANOUT_CHUNK = env.int("AIX_ELIGIBILITY_FANOUT_CHUNK", default=500)
# Checks run by one worker in one transaction (one COPY and upsert for all their results).
AIX_ELIGIBILITY_BATCH = env.int("AIX_ELIGIBILITY_BATCH", default=20)
CELERY_BEAT_SCHEDULE["eligibility-sweep"] = {"task": "eligibility.sweep", "schedule": AIX_ELIGIBILITY_SWEEP_SECONDS}

# E-mail outbox (aiexports/outbox): a queued e-mail not sent within its lease (a lost message, the broker down
# at commit) is re-enqueued by the sweeper; a failed send is retried with a doubling backoff, then marked failed.
AIX_OUTBOX_LEASE_SECONDS = env.int("AIX_OUTBOX_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT * 2)
AIX_OUTBOX_MAX_ATTEMPTS = env.int("AIX_OUTBOX_MAX_ATTEMPTS", default=6)
AIX_OUTBOX_RETRY_SECONDS = env.int("AIX_OUTBOX_RETRY_SECONDS", default=60)
AIX_OUTBOX_RETRY_MAX_SECONDS = env.int("AIX_OUTBOX_RETRY_MAX_SECONDS", default=3600)
AIX_OUTBOX_SWEEP_SECONDS = env.float("AIX_OUTBOX_SWEEP_SECONDS", default=60.0)
AIX_OUTBOX_SWEEP_BATCH = env.int("AIX_OUTBOX_SWEEP_BATCH", default=500)
CELERY_BEAT_SCHEDULE["outbox-sweep"] = {"task": "outbox.sweep", "schedule": AIX_OUTBOX_SWEEP_SECONDS}

# Arrays/objects nested deeper than this in any JSON a client sends are refused with a 400 (aiexports/jsonlimits.py).
AIX_JSON_MAX_DEPTH = env.int("AIX_JSON_MAX_DEPTH", default=32)

# --- REST framework and OpenAPI ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "aiexports.parsers.JSONParser",  # refuses nesting deeper than AIX_JSON_MAX_DEPTH (a RecursionError otherwise)
        "rest_framework.parsers.FormParser",
        "aiexports.uploads.MultiPartParser",  # keeps each file's name as sent (see aiexports/uploads.py)
    ],
    "DEFAULT_PAGINATION_CLASS": "aiexports.pagination.PageNumberPagination",  # one, non-empty page
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "aiexports.api.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        # DRF's anon + user rates in one Redis round trip (aiexports/throttling.py).
        "aiexports.throttling.AnonAndUserRateThrottle",
    ],
    # The throttles above key on aiexports.clientip.client_ip; DRF's own reading agrees for any other throttle.
    "NUM_PROXIES": AIX_TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("AIX_API_ANON_RATE", default="120/min"),
        "user": env.str("AIX_API_USER_RATE", default="600/min"),
        "submissions": env.str("AIX_API_SUBMISSION_RATE", default="10/hour"),
    },
    "EXCEPTION_HANDLER": "aiexports.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aiexports API",
    "DESCRIPTION": "Public catalog of full-stack AI export packages, RFI notices and export-control eligibility.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/licenses/MIT"},
    # Paths are relative to the portal the schema is served by; a client is given its base URL.
    "SERVERS": [{"url": "/", "description": "This portal"}],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "aiexports.openapi.postprocess"],
    "ENUM_NAME_OVERRIDES": {
        "PackageStatusEnum": "catalog.choices.PackageStatus",
        "RuleSetStatusEnum": "eligibility.choices.RuleSetStatus",
        "LicenseExceptionEnum": "eligibility.choices.LicenseException",
        "PackageRequestStatusEnum": "buyer_requests.choices.RequestStatus",
    },
}

# --- Rate limits for public forms (django-ratelimit) --------------------------------------------
RATELIMIT_ENABLE = env.bool("AIX_RATELIMIT_ENABLE", default=True)
RATELIMIT_VIEW = "aiexports.views.ratelimited"
RATELIMIT_IP_META_KEY = "aiexports.clientip.ratelimit_ip"  # key="ip" means the same client address as everywhere
AIX_RATE_CONTACT = env.str("AIX_RATE_CONTACT", default="5/h")
AIX_RATE_SIGNUP = env.str("AIX_RATE_SIGNUP", default="10/h")
AIX_RATE_PASSWORD_RESET = env.str("AIX_RATE_PASSWORD_RESET", default="10/h")
# "Send the confirmation e-mail again": per signed-in account (and per IP address), POST only.
AIX_RATE_EMAIL_CONFIRM_RESEND = env.str("AIX_RATE_EMAIL_CONFIRM_RESEND", default="5/h")
# RFI: responses per IP address (POST only), and tracking-number look-ups per IP (slows down guessing).
AIX_RATE_RFI_SUBMIT = env.str("AIX_RATE_RFI_SUBMIT", default="10/h")
AIX_RATE_RFI_TRACK = env.str("AIX_RATE_RFI_TRACK", default="30/h")
# RFI attachment defaults for new notices (each notice can change them in the admin).
AIX_RFI_MAX_ATTACHMENT_SIZE = env.int("AIX_RFI_MAX_ATTACHMENT_SIZE", default=10 * 1024 * 1024)
AIX_RFI_MAX_ATTACHMENT_COUNT = env.int("AIX_RFI_MAX_ATTACHMENT_COUNT", default=10)
AIX_RATE_CALCULATOR = env.str("AIX_RATE_CALCULATOR", default="60/h")
# "Request a package": submissions per IP address (POST only), and status-page views per IP (slows guessing).
AIX_RATE_PACKAGE_REQUEST = env.str("AIX_RATE_PACKAGE_REQUEST", default="5/h")
AIX_RATE_PACKAGE_REQUEST_STATUS = env.str("AIX_RATE_PACKAGE_REQUEST_STATUS", default="120/h")
# Catalog totals, facet counts, rendered list cards and API list items are cached under a catalog version that
# any package change bumps; 0 disables the cache. Several processes need a shared cache (REDIS_URL) to agree.
AIX_CATALOG_FACETS_CACHE_SECONDS = env.int("AIX_CATALOG_FACETS_CACHE_SECONDS", default=300)
# How long a process trusts its copy of the catalog version (at most 1 s: a committed change is visible on
# every worker within it), and how many hot catalog fragments it keeps in memory (see catalog/cache.py).
AIX_CATALOG_VERSION_LOCAL_SECONDS = min(1.0, env.float("AIX_CATALOG_VERSION_LOCAL_SECONDS", default=1.0))
AIX_CATALOG_LOCAL_CACHE_ENTRIES = env.int("AIX_CATALOG_LOCAL_CACHE_ENTRIES", default=128)

# --- Site ------------------------------------------------------------------------------------
AIX_SITE_NAME = env.str("AIX_SITE_NAME", default="AI Exports Program")
# The portal's public address: every link in an e-mail is built from it (scheme and host, no trailing slash).
AIX_SITE_URL = env.str("AIX_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# How long an e-mail confirmation link stays valid, in seconds (3 days).
AIX_EMAIL_CONFIRM_MAX_AGE = env.int("AIX_EMAIL_CONFIRM_MAX_AGE", default=3 * 24 * 60 * 60)
# How long the status link of a package request works, in seconds (one year).
AIX_PACKAGE_REQUEST_LINK_MAX_AGE = env.int("AIX_PACKAGE_REQUEST_LINK_MAX_AGE", default=365 * 24 * 60 * 60)
AIX_BANNER_TEXT = env.str(
    "AIX_BANNER_TEXT",
    default="A demonstration portal. This site is not operated by the U.S. government.",
)

# --- Security --------------------------------------------------------------------------------
SECURE = env.bool("DJANGO_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE and env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Container health probes call /healthz over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

# Content security policy (django-csp 4): no inline script anywhere, assets from this origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
AIX_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Restricted-party screening (screening/) --------------------------------------------------------
# A hit is a pg_trgm-style trigram similarity of normalized names at or above this threshold (0..1).
AIX_SCREENING_THRESHOLD = env.float("AIX_SCREENING_THRESHOLD", default=0.8)
# Only match entries whose countries include the organization's (entries without a country always match).
AIX_SCREENING_NARROW_BY_COUNTRY = env.bool("AIX_SCREENING_NARROW_BY_COUNTRY", default=False)
AIX_SCREENING_UPLOAD_MAX_BYTES = env.int("AIX_SCREENING_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
CELERY_BEAT_SCHEDULE["screening-sweep"] = {"task": "screening.sweep", "schedule": timedelta(minutes=15)}

# Availability alerts (alerts/): the daily sweep finds matches a lost trigger missed and sends the digests due.
AIX_RATE_ALERT_SUBSCRIBE = env.str("AIX_RATE_ALERT_SUBSCRIBE", default="10/h")
AIX_ALERTS_CONFIRM_MAX_AGE = env.int("AIX_ALERTS_CONFIRM_MAX_AGE", default=3 * 24 * 60 * 60)
AIX_ALERTS_LINK_MAX_AGE = env.int("AIX_ALERTS_LINK_MAX_AGE", default=180 * 24 * 60 * 60)
AIX_ALERTS_MAX_PENDING = env.int("AIX_ALERTS_MAX_PENDING", default=3)
CELERY_BEAT_SCHEDULE["alerts-daily-sweep"] = {"task": "alerts.sweep", "schedule": crontab(hour=6, minute=0)}
