"""Add the conseil de concertation's threshold and first-meeting delay (W12, R633-5) added to
habiter/core/legal_parameters.csv to databases migrated before; rows already there are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("community", "0004_member_role_owner_rep")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
