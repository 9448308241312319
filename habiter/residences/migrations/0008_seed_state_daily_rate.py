"""The State's daily rate per place (W9) as a dated series in habiter/core/legal_parameters.csv: the row seeded
before, 16 € from 2008 with no end, now ends on 31/12/2020 (unless an operator changed it), then the new rows are
added; rows already there are left as they are."""

import importlib
from datetime import date

from django.db import migrations

seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")
KEY = "pension_famille_daily_rate_eur"


def close_then_seed(apps, schema_editor):
    LegalParameter = apps.get_model("core", "LegalParameter")
    LegalParameter.objects.filter(
        key=KEY, valid_from=date(2008, 1, 1), valid_to__isnull=True, changed_by__isnull=True
    ).update(
        valid_to=date(2020, 12, 31),
        status="CONFIRMED",
        rule="W9",
        source_url="https://2017-2022.nosdeputes.fr/15/intervention/680787",
        label="Forfait journalier de l'État par place en pension de famille (euros)",
    )
    seeding.seed(apps, schema_editor)


def reopen(apps, schema_editor):
    LegalParameter = apps.get_model("core", "LegalParameter")
    LegalParameter.objects.filter(key=KEY, changed_by__isnull=True).exclude(valid_from=date(2008, 1, 1)).delete()
    LegalParameter.objects.filter(key=KEY, valid_from=date(2008, 1, 1), changed_by__isnull=True).update(
        valid_to=None, status="UNCONFIRMED", rule="R73"
    )


class Migration(migrations.Migration):
    dependencies = [("residences", "0007_place_opened_on"), ("core", "0015_organisation_letterhead")]

    operations = [migrations.RunPython(close_then_seed, reopen)]
