"""Add the IRL quarter that revises the APL-foyer maxima (W7), added to habiter/core/legal_parameters.csv, to
databases migrated before; rows already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


class Migration(migrations.Migration):
    dependencies = [("residences", "0009_redevance_lines_apl_maxima"), ("core", "0015_organisation_letterhead")]

    operations = [migrations.RunPython(seeding.seed, migrations.RunPython.noop)]
