"""Add the subsidies' numbers (W31 compte rendu financier delay and alert, W32 accounts threshold and publication
delay) added to habiter/core/legal_parameters.csv to databases migrated before; rows already there, and those an
operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_subsidies"), ("core", "0016_legal_parameter_territory_labels")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
