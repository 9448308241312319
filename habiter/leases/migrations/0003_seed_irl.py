"""Seed the IRL values of habiter/leases/irl.csv (INSEE, DOMAIN.md R15); later quarters are added on the
IRL page."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "irl.csv"


def seed(apps, schema_editor):
    RentIndex = apps.get_model("leases", "RentIndex")
    with CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            RentIndex.objects.get_or_create(
                year=int(row["year"]),
                quarter=int(row["quarter"]),
                zone=row["zone"],
                defaults={
                    "value": Decimal(row["value"]),
                    "published_on": date.fromisoformat(row["published_on"]) if row["published_on"] else None,
                    "source_url": row["source_url"],
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("leases", "RentIndex").objects.filter(added_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("leases", "0002_lease_no_overlap")]

    operations = [migrations.RunPython(seed, unseed)]
