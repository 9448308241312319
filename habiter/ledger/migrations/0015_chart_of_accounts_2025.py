"""The organisation accounts move to their place in the French chart: third-party payers from 441 (State subsidies)
to 467 (other debtors and creditors), the late-return penalty from 671 to 658 (chart of 2025). Only the number and
the label change: lines keep pointing to the same account, so nothing posted is altered."""

from django.db import migrations

MOVES = {
    "caf": ("441100", "467200", "CAF — aides au logement en tiers payant"),
    "fsl": ("441200", "467300", "FSL — aides à recevoir"),
    "visale": ("441300", "467400", "VISALE (Action Logement) — garanties à recevoir"),
    "deposit_penalties": (
        "671200",
        "658100",
        "Pénalités sur contrats : majorations pour restitution tardive des dépôts de garantie",
    ),
}


def forward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for kind, (old, new, name) in MOVES.items():
        Account.objects.filter(kind=kind, code=old).update(code=new, name=name)


def backward(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    for kind, (old, new, _name) in MOVES.items():
        Account.objects.filter(kind=kind, code=new).update(code=old)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0014_bank_line_entry_and_split")]

    operations = [migrations.RunPython(forward, backward)]
