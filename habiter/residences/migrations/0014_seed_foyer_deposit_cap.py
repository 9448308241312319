"""Add the W6 cap of a residence's deposit (one month of redevance, UNCONFIRMED for pensions de famille) added to
habiter/core/legal_parameters.csv to databases migrated before; rows already there, and those an operator changed,
are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("residences", "0013_deposit_policy"), ("core", "0016_legal_parameter_territory_labels")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
