"""A deposit held for a lease or for a residence contract (decision record 0037): `Deposit.lease` becomes optional,
`Deposit.residence_contract` is added, exactly one of the two is set; a return's unpaid redevance is a redevance
payment of source « deposit » linked from its movement, and a deduction may be « redevances impayées »."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0028_redevance_through_the_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="deposit",
            name="residence_contract",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deposit",
                to="residences.residencecontract",
                verbose_name="contrat de résidence",
            ),
        ),
        migrations.AddField(
            model_name="depositmovement",
            name="redevance_payment",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="deposit_movement",
                to="ledger.redevancepayment",
            ),
        ),
        migrations.AlterField(
            model_name="deposit",
            name="lease",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="security_deposit",
                to="leases.lease",
                verbose_name="bail",
            ),
        ),
        migrations.AlterField(
            model_name="depositdeduction",
            name="reason",
            field=models.CharField(
                choices=[
                    ("repairs", "Réparations locatives"),
                    ("unpaid_rent", "Loyers et charges impayés"),
                    ("unpaid_redevance", "Redevances impayées"),
                    ("other", "Autre somme justifiée"),
                ],
                max_length=20,
                verbose_name="motif",
            ),
        ),
        migrations.AlterField(
            model_name="redevancepayment",
            name="source",
            field=models.CharField(
                choices=[
                    ("resident", "Résident"),
                    ("caf", "CAF — APL-foyer (tiers payant)"),
                    ("deposit", "Retenue sur le dépôt de garantie"),
                ],
                max_length=20,
                verbose_name="provenance",
            ),
        ),
        migrations.AddConstraint(
            model_name="deposit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("lease__isnull", False), ("residence_contract__isnull", True)),
                    models.Q(("lease__isnull", True), ("residence_contract__isnull", False)),
                    _connector="OR",
                ),
                name="ledger_deposit_lease_or_contract",
                violation_error_message="Un dépôt de garantie se rattache à un bail ou à un contrat de résidence, et à un seul.",
            ),
        ),
    ]
