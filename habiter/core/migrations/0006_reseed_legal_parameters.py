"""Add the legal parameters added to habiter/core/legal_parameters.csv since 0004 (the VAT rate of management
fees, the social and financial diagnosis's interview delay) to databases migrated before; rows already there,
and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_lawyer_role")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
