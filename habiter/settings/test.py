"""Test settings: fast hashing, plain static storage, templates that fail on unknown variables."""

from .base import *  # noqa: F403
from .base import TEMPLATES

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789-abcdefghij"  # noqa: S105
DEBUG = False
HABITER_DEMO = False
# Each worker's test database loaded from tests/schema/ when it matches the migrations (decision record 0039).
HABITER_SCHEMA_SNAPSHOT = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
HABITER_SMS_BACKEND = "habiter.core.sms.LocmemBackend"
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE(%s)"
ALLOWED_HOSTS = ["*"]
WHITENOISE_AUTOREFRESH = True
# No API rate limit by default: every test would share the counts of the worker's cache. The throttling tests set
# their own rates.
HABITER_API_THROTTLE_RATES = {"token": None, "auth_failure": None, "user": None}
