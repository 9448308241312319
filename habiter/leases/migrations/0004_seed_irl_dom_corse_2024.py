"""Add the DOM and Corse IRL values of 2024 and early 2025 found since 0003 (habiter/leases/irl.csv, each with its
source) to databases migrated before; indices already there, e.g. entered on the IRL page, are left as they are."""

import importlib

from django.db import migrations

seeding = importlib.import_module("habiter.leases.migrations.0003_seed_irl")

ADDED = [
    (2024, 1, "dom"),
    (2024, 2, "dom"),
    (2024, 3, "dom"),
    (2024, 1, "corse"),
    (2024, 2, "corse"),
    (2024, 3, "corse"),
    (2024, 4, "corse"),
    (2025, 1, "corse"),
]


def unseed(apps, schema_editor):
    RentIndex = apps.get_model("leases", "RentIndex")
    for year, quarter, zone in ADDED:
        RentIndex.objects.filter(year=year, quarter=quarter, zone=zone, added_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("leases", "0003_seed_irl")]

    operations = [migrations.RunPython(seeding.seed, unseed)]
