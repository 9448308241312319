"""Settings of the servers of tests/test_two_servers.py: production's over plain HTTP (the benchmark settings),
with plain static files so that no `collectstatic` is needed first. Never used to serve users."""

from habiter.settings.bench import *  # noqa: F403
from habiter.settings.bench import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
