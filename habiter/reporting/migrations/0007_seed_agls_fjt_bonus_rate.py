"""Add the AGLS bonus of the foyers de jeunes travailleurs (W38: 30 % of the CAF's PSE of the year before, since the
2025 reform) added to habiter/core/legal_parameters.csv to databases migrated before; rows already there, and those
an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0006_seed_agls_parameters")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
