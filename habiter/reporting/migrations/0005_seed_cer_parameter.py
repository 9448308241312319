"""Add the contrat d'engagement républicain's parameter (W31) added to habiter/core/legal_parameters.csv to databases
migrated before; rows already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_seed_small_cell_threshold")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
