"""Add the statutory CVS's numbers since 1 January 2023 (W16: its least composition, D311-5; W17: the seniority of a
professionals' candidate, D311-13) added to habiter/core/legal_parameters.csv to databases migrated before; rows
already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("community", "0018_cvs_roles_rules_adoption_invitations")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
