"""The subsidy's single receipt is gone: its payments (0010) hold what was received."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0010_subsidy_payments"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="subsidy",
            name="subsidy_receipt_of_a_grant",
        ),
        migrations.RemoveField(
            model_name="subsidy",
            name="amount_received",
        ),
        migrations.RemoveField(
            model_name="subsidy",
            name="received_on",
        ),
    ]
