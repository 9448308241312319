"""Production settings: HTTPS only, second factor required, secret key from the environment, PostgreSQL only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHE_TABLE, env_bool

SECRET_KEY = os.environ.get("HABITER_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("HABITER_SECRET_KEY must be set to a random value of at least 50 characters.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured(
        "Production runs on PostgreSQL only: set DATABASE_URL to postgres://… (SQLite has none of the triggers that "
        "keep the ledger and the journal append-only)."
    )
DEBUG = False
HABITER_DEMO = False
HABITER_REQUIRE_MFA = env_bool("HABITER_REQUIRE_MFA", True)

SECURE_SSL_REDIRECT = env_bool("HABITER_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("HABITER_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Real email: SMTP (the base settings' console backend is for development, and `check --deploy` refuses it).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("HABITER_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("HABITER_EMAIL_PORT", "25")),
            "username": os.environ.get("HABITER_EMAIL_USER", ""),
            "password": os.environ.get("HABITER_EMAIL_PASSWORD", ""),
            "use_tls": env_bool("HABITER_EMAIL_TLS", False),
        },
    }
}

# The rate-limit counts shared by every application server: a table of the database (created by the migrations).
# HABITER_CACHE=memory keeps them in each process (one server only).
if os.environ.get("HABITER_CACHE", "database") == "database":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}}
