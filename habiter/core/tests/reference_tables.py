"""The reference tables the data migrations seed — the dated legal parameters and the IRL — seeded again in a test
database a flush emptied (the end of every transactional test), with the migrations' own functions."""

import importlib

SEED_MIGRATIONS = ("habiter.core.migrations.0004_seed_legal_parameters", "habiter.leases.migrations.0003_seed_irl")


def seed_if_empty(**kwargs) -> None:
    """Also a `post_migrate` receiver: Django sends that signal after the flush of a transactional test."""
    from django.apps import apps

    from habiter.core.models import LegalParameter

    if not LegalParameter.objects.exists():
        for module in SEED_MIGRATIONS:
            importlib.import_module(module).seed(apps, None)
