"""Seed the dated legal parameters from habiter/core/legal_parameters.csv (DOMAIN.md §10)."""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "legal_parameters.csv"


def _date(text):
    return date.fromisoformat(text) if text else None


def seed(apps, schema_editor):
    LegalParameter = apps.get_model("core", "LegalParameter")
    with CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            LegalParameter.objects.get_or_create(
                key=row["key"],
                territory=row["territory"],
                valid_from=_date(row["valid_from"]),
                defaults={
                    "value": row["value"],
                    "valid_to": _date(row["valid_to"]),
                    "status": row["status"],
                    "rule": row["rule"],
                    "source_url": row["source_url"],
                    "label": row["label"],
                },
            )


def unseed(apps, schema_editor):
    apps.get_model("core", "LegalParameter").objects.filter(changed_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_legal_parameter")]

    operations = [migrations.RunPython(seed, unseed)]
