"""Add the AGLS parameters (W38: the flat amount per dwelling of the 2025 reform, not yet known, and whether the
pensions de famille receive it) added to habiter/core/legal_parameters.csv to databases migrated before; rows already
there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_seed_cer_parameter")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
