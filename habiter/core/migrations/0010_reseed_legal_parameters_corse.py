"""Add the IRL cap of Corsica (2 % from Q3 2022 to Q1 2024, R14), the first row of the Corse territory, to
databases migrated before; rows already there, and those an operator changed, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")


def unseed(apps, schema_editor):
    apps.get_model("core", "LegalParameter").objects.filter(
        key="irl_cap_percent", territory="corse", changed_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0009_audit_purge_trigger")]

    operations = [migrations.RunPython(seeding.seed, unseed)]
