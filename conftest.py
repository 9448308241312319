"""Shared test fixtures: Chromium for browser tests (Debian's package, never a downloaded one); with two database
roles (DATABASE_OWNER_URL), test databases created and migrated by the owner, tests run as the application's role."""

import os
import shutil

import pytest

from habiter.core import dbroles

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop vs Django's ORM, tests only

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Chromium absent : installez le paquet Debian « chromium » pour les tests navigateur."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The owner role creates, migrates and at the end drops the test databases (names suffixed per xdist worker by
    the fixture this one extends)."""
    dbroles.use_owner()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Tests run as the application's role, which owns nothing: what the database refuses it, it refuses the
    tests."""
    with django_db_blocker.unblock():
        dbroles.use_app()
    yield
    with django_db_blocker.unblock():
        dbroles.use_owner()
