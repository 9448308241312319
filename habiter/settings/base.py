"""Settings shared by every environment; each value can come from an environment variable."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("HABITER_SECRET_KEY", "")
DEBUG = env_bool("HABITER_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("HABITER_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HABITER_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "habiter.core",
    "habiter.people",
    "habiter.support",
    "habiter.reception",
    "habiter.housing",
    "habiter.leases",
    "habiter.ledger",
    "habiter.evictions",
    "habiter.residences",
    "habiter.community",
    "habiter.reporting",
    "django_tasks_db",
    "django_prometheus",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # first and last: it times the whole request
    "django.middleware.security.SecurityMiddleware",
    "habiter.core.api_errors.ApiErrorMiddleware",  # outermost but one: it sees every other's answer
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "habiter.core.middleware.NoStoreMiddleware",
    "habiter.core.middleware.RefusedAccessJournalMiddleware",
    "habiter.core.middleware.SessionActivityMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "habiter.core.middleware.HabiterLoginRequiredMiddleware",
    "habiter.core.middleware.SecondFactorMiddleware",
    "habiter.core.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "habiter.urls"
WSGI_APPLICATION = "habiter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "habiter.core.context_processors.navigation_menu",
            ],
            "builtins": ["habiter.core.templatetags.french"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'habiter.sqlite3'}",
        conn_max_age=int(os.environ.get("HABITER_DB_CONN_MAX_AGE", "60")),
    )
}
# Optional owner role of the schema (same server and database, another role): `migrate`, `flush` and
# `createcachetable` run as it, the application as DATABASE_URL's role, which owns nothing (habiter/core/dbroles.py).
HABITER_DATABASE_OWNER = None
if os.environ.get("DATABASE_OWNER_URL"):
    _owner = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"])
    HABITER_DATABASE_OWNER = {
        "USER": _owner["USER"],
        "PASSWORD": _owner["PASSWORD"],
        "APP_USER": DATABASES["default"].get("USER", ""),
        "APP_PASSWORD": DATABASES["default"].get("PASSWORD", ""),
    }
# Test databases loaded from the snapshot of the migrated schema (habiter/core/schema_snapshot.py): tests only.
HABITER_SCHEMA_SNAPSHOT = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Django's ModelBackend, whose read of the session's user also tells whether it has a second factor.
    "habiter.core.backends.UserBackend",
]
# ASVS 2.1 / CNIL 2022 recommendation: length over composition, and a list of common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Session expiry after inactivity: SessionActivityMiddleware renews the session at most once a minute.
SESSION_COOKIE_AGE = int(os.environ.get("HABITER_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute lifetime of a logged-in session, whatever its activity: past it the user logs in again (and so types the
# second factor again). A working day, so that a session left open on a shared computer does not last for days.
HABITER_SESSION_MAX_HOURS = int(os.environ.get("HABITER_SESSION_MAX_HOURS", "12"))

# Second factor (TOTP) for every staff member when set.
HABITER_REQUIRE_MFA = env_bool("HABITER_REQUIRE_MFA", False)
OTP_TOTP_ISSUER = "Habiter"

# Lockout after repeated failures (django-axes), counted per account and per address separately: guessing one
# account's password from many addresses, or many accounts' from one address, both stop at the limit. A successful
# login resets both counts, so an office behind one address is locked only by failures with no success between.
AXES_FAILURE_LIMIT = int(os.environ.get("HABITER_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("HABITER_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "habiter.core.middleware.client_ip"
# The reverse proxies (addresses or networks) whose X-Forwarded-For is believed; none by default, so that a client
# cannot choose the address the lockout and the journal record by sending the header itself.
HABITER_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("HABITER_TRUSTED_PROXIES", "").split(",") if p.strip()]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# How long the journal (AuditEvent) is kept, in days: CNIL recommends 6 months to 1 year for application logs, up to
# 3 years only with documented internal-control procedures (DOMAIN-2 W41). `manage.py audit_purge` deletes older
# rows; a system check refuses a value outside 180..1095, and on PostgreSQL the trigger never lets a row younger
# than 180 days go. A setting, not a legal parameter: it is each deployment's choice within that range.
HABITER_AUDIT_RETENTION_DAYS = int(os.environ.get("HABITER_AUDIT_RETENTION_DAYS", "365"))

# API tokens.
HABITER_API_TOKEN_DAYS = int(os.environ.get("HABITER_API_TOKEN_DAYS", "30"))


def env_rate(name: str, default: str) -> str | None:
    value = os.environ.get(name, default).strip()
    return None if value.lower() in {"", "none", "off"} else value


# API rate limits (habiter/core/throttling.py), "<number>/<s|min|h|day>" or "off": token requests per address,
# failed bearer authentications per address, requests per user. Counted in Django's cache.
HABITER_API_THROTTLE_RATES = {
    "token": env_rate("HABITER_API_TOKEN_RATE", "10/min"),
    "auth_failure": env_rate("HABITER_API_AUTH_FAILURE_RATE", "30/min"),
    "user": env_rate("HABITER_API_USER_RATE", "1200/min"),
}
# The largest request body (outside uploaded files) Django reads: the API answers 413 past it.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("HABITER_MAX_BODY_BYTES", str(2_621_440)))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("HABITER_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("HABITER_MEDIA_ROOT", BASE_DIR / "media"))


def s3_storage(bucket: str, **overrides) -> dict:
    """The households' documents in an S3-compatible object storage (django-storages): private objects, never a
    public address; the files are always streamed through the application's checked views, never linked to."""
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("HABITER_S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("HABITER_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("HABITER_S3_SECRET_ACCESS_KEY") or None,
        "region_name": os.environ.get("HABITER_S3_REGION") or None,
        "location": os.environ.get("HABITER_S3_PREFIX", ""),
        "addressing_style": os.environ.get("HABITER_S3_ADDRESSING_STYLE") or None,
        "default_acl": "private",
        "querystring_auth": True,  # an address made by `url()` is signed and short-lived, never a public one
        "querystring_expire": 60,
        "file_overwrite": False,
    }
    options.update(overrides)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# The households' documents and the photos: the file system (MEDIA_ROOT) by default, an S3-compatible bucket when
# HABITER_S3_BUCKET is set — needed as soon as more than one application server runs.
HABITER_S3_BUCKET = os.environ.get("HABITER_S3_BUCKET", "")
STORAGES = {
    "default": s3_storage(HABITER_S3_BUCKET)
    if HABITER_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Django's cache holds the API rate-limit counts (habiter/core/throttling.py). One process's memory by default;
# HABITER_CACHE=database (the production default) keeps them in a table of the database (created by the migration
# core 0014), shared by every application server.
CACHE_TABLE = "habiter_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
    if os.environ.get("HABITER_CACHE", "memory") == "database"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Content Security Policy: only the app's own files, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

MAILERS = {
    "default": {"BACKEND": os.environ.get("HABITER_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = os.environ.get("HABITER_FROM_EMAIL", "habiter@localhost")
# Appointment reminders by SMS (habiter.core.sms): the dotted path of the backend; the default only logs.
HABITER_SMS_BACKEND = os.environ.get("HABITER_SMS_BACKEND", "habiter.core.sms.ConsoleBackend")

NINJA_PAGINATION_MAX_LIMIT = 200

# A repayment plan (plan d'apurement) whose instalment is still unpaid this many days after it fell due is shown
# as not respected (a management choice of the association, not a legal delay).
REPAYMENT_PLAN_GRACE_DAYS = int(os.environ.get("HABITER_REPAYMENT_PLAN_GRACE_DAYS", "30"))

# Background tasks (django.tasks): run at once by default (`make run`, the tests); in production the database
# backend `django_tasks_db.DatabaseBackend`, whose queue `manage.py worker` (`make worker`) runs.
TASKS = {
    "default": {"BACKEND": os.environ.get("HABITER_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}
}
# The worker writes its heartbeat and renews its runs' leases this often; a run whose lease is not renewed for
# HABITER_TASK_STALE_SECONDS is resumed by another worker, and the readiness check wants a heartbeat that recent.
HABITER_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("HABITER_WORKER_HEARTBEAT_SECONDS", "10"))
HABITER_TASK_STALE_SECONDS = float(os.environ.get("HABITER_TASK_STALE_SECONDS", "60"))

# Prometheus metrics at /metriques/: for staff users, or with `Authorization: Bearer <HABITER_METRICS_TOKEN>`.
HABITER_METRICS_TOKEN = os.environ.get("HABITER_METRICS_TOKEN", "")
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HABITER_LOG_LEVEL", "WARNING")},
}
