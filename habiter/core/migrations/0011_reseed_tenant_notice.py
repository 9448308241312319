"""Add the tenant's notice periods (loi 89 art. 15, P1) added to habiter/core/legal_parameters.csv to databases
migrated before; rows already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("core", "0010_reseed_legal_parameters_corse")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
