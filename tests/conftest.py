"""Fixtures of the cross-app tests: the shared `world` of habiter/conftest.py, made available here."""

from habiter.conftest import world  # noqa: F401 - re-exported as a fixture for this directory
