"""Demo and development settings: embedded SQLite, no second factor required.

DEBUG is off unless `HABITER_DEBUG=1`: the demo shows the French 404 and 500 pages a user would see, not Django's
technical pages; errors still go to the console. WhiteNoise serves the static files straight from the apps.
"""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("HABITER_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = os.environ.get("HABITER_SECRET_KEY") or "demo-only-secret-key-not-for-production-use-0123456789-abcdef"
HABITER_DEMO = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
