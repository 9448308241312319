"""Fixtures of the cross-app tests: the shared `world` of habiter/conftest.py, made available here."""

from habiter.conftest import reference_tables, world  # noqa: F401 - re-exported as fixtures for this directory
