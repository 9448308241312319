"""Add the size of an elected comité de résidents (W13: 3 to 6 members, décret 2016-300) added to
habiter/core/legal_parameters.csv to databases migrated before; rows already there are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("core", "0019_partner_kind_company")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
