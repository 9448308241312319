"""Add the councils' and elections' numbers (W12, W13, W18, W21) added to habiter/core/legal_parameters.csv to
databases migrated before; rows already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("community", "0001_councils_meetings_elections"), ("core", "0015_organisation_letterhead")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
