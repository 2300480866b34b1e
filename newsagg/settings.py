"""Settings for newsagg, read from the environment (and `.env` when present)."""

import re
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=True for local development."
        )
    # DEBUG only: a throwaway key, so sessions last as long as the process.
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "articles",
    "apikeys",
]

MIDDLEWARE = [
    # Outermost: times every request and stamps X-Request-ID on every response.
    "newsagg.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer on its own, so preflights never reach authentication.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apikeys.middleware.RateLimitHeadersMiddleware",
]

ROOT_URLCONF = "newsagg.urls"
WSGI_APPLICATION = "newsagg.wsgi.application"
# API paths answer with and without a trailing slash themselves; no redirects.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsagg" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# Off by default: a check is one more round trip on every request (the hot path makes three).
# Without it, a connection the database dropped (a restart) fails the one request that finds
# it, with a 503 and Retry-After, and is replaced for the next.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads and processes write the same file (counters, fetch records):
    # wait for the write lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so that test threads and outage tests see real connections.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(BASE_DIR / "test-db.sqlite3"))
else:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Internationalisation
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Static files
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------------------
# Security (HTTPS, proxy, CSRF)
# ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# ------------------------------------------------------------------------------
# CORS: browser clients on other origins (django-cors-headers), for /v1/ only
# ------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
for _origin in CORS_ALLOWED_ORIGINS:
    # gunicorn runs no system checks: a malformed origin would otherwise just never match.
    if not re.fullmatch(r"https?://[^/\s]+", _origin):
        raise ImproperlyConfigured(
            f"CORS_ALLOWED_ORIGINS: {_origin!r} is not an origin. Write scheme://host[:port] "
            "with no path or trailing slash, e.g. https://reader.example.com"
        )
CORS_URLS_REGEX = r"^/v1(?:/.*)?$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "authorization", "content-type", "x-request-id"]
CORS_EXPOSE_HEADERS = [
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
    "X-Cache-Status",
    "X-Request-ID",
]
# Keys travel in the Authorization header, never in cookies.
CORS_ALLOW_CREDENTIALS = False
CORS_PREFLIGHT_MAX_AGE = env.int("CORS_PREFLIGHT_MAX_AGE", default=86400)

# ------------------------------------------------------------------------------
# Django REST Framework and the OpenAPI schema
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apikeys.authentication.HasApiKey"],
    "DEFAULT_THROTTLE_CLASSES": ["apikeys.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "newsagg.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "newsagg.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

API_DESCRIPTION = """
One API over NewsAPI.org and The Guardian: articles normalised into one shape, stored once
per URL, searchable and filterable.

## Getting a key

Keys are issued by the service's staff in the admin (`/admin/`), or by an operator with
`python manage.py create_api_key "Your app"`. A key looks like `nagg_1a2b3c4d_…`; it is
shown once, when it is created. Send it on every request:

    Authorization: Bearer nagg_1a2b3c4d_…

In this page, press **Authorize**, paste the key, then **Try it out** on any endpoint.

## Rate limits

Each key may make a number of requests per clock hour (UTC), 100 unless its issuer set
another. Every counted response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (Unix time of the window's end). Past the limit the API answers 429
`rate_limited` with `Retry-After` in seconds. `GET /v1/usage` reports where a key stands
without counting.

## Freshness

Articles are refreshed from the providers at most every 15 minutes per provider and
category. `cache_status` (and the `X-Cache-Status` header) of a list says whether it was
answered from fresh data (`hit`), after refreshing (`miss`), or from stored data because a
provider could not be reached (`stale`).

## Errors

Every error has one shape: `{"error": {"code", "message", "details"}}`.
"""

SPECTACULAR_SETTINGS = {
    "TITLE": "newsagg API",
    "VERSION": "1.0.0",
    "DESCRIPTION": API_DESCRIPTION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["newsagg.schema.without_trailing_slashes"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayRequestDuration": True},
    "ENUM_NAME_OVERRIDES": {
        "CategoryEnum": "articles.constants.Category",
        "SourceEnum": "articles.constants.Source",
        "CacheStatusEnum": ["hit", "miss", "stale"],
    },
    "TAGS": [
        {"name": "articles", "description": "News articles from every provider."},
        {"name": "account", "description": "The calling key and its usage."},
        {"name": "service", "description": "Service health."},
    ],
}

# ------------------------------------------------------------------------------
# News providers
# ------------------------------------------------------------------------------
NEWSAPI_KEY = env.str("NEWSAPI_KEY", default="")
GUARDIAN_API_KEY = env.str("GUARDIAN_API_KEY", default="test")
NEWSAPI_BASE_URL = env.str("NEWSAPI_BASE_URL", default="https://newsapi.org/v2")
GUARDIAN_BASE_URL = env.str("GUARDIAN_BASE_URL", default="https://content.guardianapis.com")
NEWS_CACHE_TTL = env.int("NEWS_CACHE_TTL", default=900)
PROVIDER_TIMEOUT = env.float("PROVIDER_TIMEOUT", default=10)
NEWSAPI_DAILY_BUDGET = env.int("NEWSAPI_DAILY_BUDGET", default=100)
GUARDIAN_DAILY_BUDGET = env.int("GUARDIAN_DAILY_BUDGET", default=500)

# ------------------------------------------------------------------------------
# API keys and rate limiting
# ------------------------------------------------------------------------------
API_RATE_LIMIT_PER_HOUR = env.int("API_RATE_LIMIT_PER_HOUR", default=100)

# ------------------------------------------------------------------------------
# Logging: everything to stdout, where the process manager collects it
# ------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "newsagg.logs.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "with_request_id": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "with_request_id",
            "filters": ["request_id"],
        },
        # The request line carries its own request_id field.
        "requests": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # One line per request: method, path, status, duration, key prefix, cache status, request id.
        "newsagg.request": {"handlers": ["requests"], "level": LOG_LEVEL, "propagate": False},
        # The error handler logs unhandled exceptions itself, with their traceback.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
