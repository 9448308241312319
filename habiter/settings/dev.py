"""Demo and development settings: embedded SQLite, DEBUG on, no second factor required."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("HABITER_DEBUG", True)
SECRET_KEY = os.environ.get("HABITER_SECRET_KEY") or "demo-only-secret-key-not-for-production-use-0123456789-abcdef"
HABITER_DEMO = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
