"""A redevance payment remembers the bank line of the CAF's APL-foyer transfer it was matched from
(`bank.redevances.bank_line_split_redevances`). On PostgreSQL the append-only trigger of migration 0028 freezes the
new column like every other one not listed as mutable: it is written with the payment and never changed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0029_deposits_of_residence_contracts"),
    ]

    operations = [
        migrations.AddField(
            model_name="redevancepayment",
            name="bank_line",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="redevance_payments",
                to="ledger.bankline",
                verbose_name="opération bancaire",
            ),
        ),
    ]
