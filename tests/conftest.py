"""Fixtures of the cross-app tests: the shared `world` of habiter/conftest.py, made available here, and one world
per module for the suites that request every page as every role."""

import pytest
from django.db import transaction

from habiter.conftest import _module_world, build_world, reference_tables, world  # noqa: F401 - re-exported as fixtures


def _copy(attributes: dict) -> dict:
    return {key: dict(value) if isinstance(value, dict) else value for key, value in attributes.items()}


@pytest.fixture(scope="module")
def module_world(request, django_db_setup, django_db_blocker):
    """One world for a module, built once per test process inside a transaction rolled back at the end, then
    prepared by the module's `prepare_world(world)` if it has one. Each test runs in a savepoint of it
    (pytest-django's `db`), so what a test writes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        shared = build_world()
        prepare = getattr(request.module, "prepare_world", None)
        if prepare is not None:
            prepare(shared)
        yield shared, _copy(vars(shared))
        transaction.set_rollback(True)


@pytest.fixture
def shared_world(module_world, db):
    """The module's world, with the rows the authorization extensions keep on it (`world.__dict__`) put back as
    they were after the build: rows a previous test made were rolled back with it."""
    shared, attributes = module_world
    vars(shared).clear()
    vars(shared).update(_copy(attributes))
    return shared
