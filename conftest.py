"""Shared test fixtures: Chromium for browser tests (Debian's package, never a downloaded one); with two database
roles (DATABASE_OWNER_URL), test databases created and migrated by the owner, tests run as the application's role."""

import os
import shutil
import socket
import uuid

import pytest
from hypothesis import settings as hypothesis_settings

from habiter.core import dbroles

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop vs Django's ORM, tests only

# Property tests check answers, not speed: on a loaded two-core machine (the CI runs both database passes there) an
# example of a pure rule once took longer than Hypothesis's default 200 ms deadline and failed a green change.
hypothesis_settings.register_profile("habiter", deadline=None)
hypothesis_settings.load_profile("habiter")

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


def _database_of_this_pass() -> str:
    return "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"


def pytest_collection_modifyitems(config, items):
    """Browser tests need Chromium. A test marked `one_pass(database)` checks what does not depend on the database:
    it runs on that pass of `make test` only, to keep the CI's two passes within their time (decision record 0041);
    HABITER_EVERY_TEST_ON_EACH_PASS=1 runs it on both."""
    no_chromium = pytest.mark.skip(
        reason="Chromium absent : installez le paquet Debian « chromium » pour les tests navigateur."
    )
    database = _database_of_this_pass()
    every_test = bool(os.environ.get("HABITER_EVERY_TEST_ON_EACH_PASS"))
    for item in items:
        if not CHROMIUM and "browser" in item.keywords:
            item.add_marker(no_chromium)
        marker = item.get_closest_marker("one_pass")
        if marker is not None and not every_test and marker.args[0] != database:
            item.add_marker(pytest.mark.skip(reason=f"runs on the {marker.args[0]} pass of make test"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Chromium on Linux takes its language from the environment: French date fields (with Debian's chromium-l10n).
    environment = {**os.environ, "LANGUAGE": "fr"}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "env": environment}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """A local S3 emulator (moto's server, in this process) for the tests of the object storage."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storages(s3_endpoint):
    """The STORAGES setting of a deployment on S3, in a new private bucket of the emulator."""
    import boto3

    from habiter.settings.base import s3_storage

    bucket = f"habiter-{uuid.uuid4().hex[:12]}"
    credentials = {"access_key": "test", "secret_key": "test", "region_name": "us-east-1"}
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - the local emulator's
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    return {
        "default": s3_storage(bucket, endpoint_url=s3_endpoint, **credentials),
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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


@pytest.fixture(scope="session", autouse=True)
def _reference_tables_after_each_flush():
    """The legal parameters and the IRL table are seeded by data migrations, which the flush ending each
    transactional test (browser tests, migration tests) empties. Django sends `post_migrate` after that flush, as
    after a migration: the tables are seeded again there, so that the tests a worker runs next — transactional or
    not, in any order — find them."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from habiter.core.tests.reference_tables import seed_if_empty

    core = apps.get_app_config("core")
    post_migrate.connect(seed_if_empty, sender=core, weak=False)
    yield
    post_migrate.disconnect(seed_if_empty, sender=core)
